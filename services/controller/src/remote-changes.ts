import type { ControlPlane } from "./control-plane.js";
import type { DesiredState } from "./desired-state.js";
import type { RemoteChanges } from "./etcd-store.js";
import type { InstallationRegistry } from "./installation-registry.js";
import type { Reconciler } from "./reconciler.js";

export interface RemoteChangesTargets {
  readonly plane: ControlPlane;
  readonly desired: DesiredState;
  readonly registry: InstallationRegistry;
  readonly reconciler: Reconciler;
  /** Whether this controller leads now: only the leader reconciles a new installation. */
  readonly leading: () => boolean;
}

/**
 * Another controller's changes, as this one's own: announcements and removals go through the
 * control plane (so the leader installs them), entities and installations into their registries.
 */
export function remoteChanges(t: RemoteChangesTargets): RemoteChanges {
  return {
    put(record, bootId) {
      switch (record.kind) {
        case "computer":
          t.plane.announceComputer(record.endpoint, record.containers);
          break;
        case "router":
          t.plane.announceRouter(record.lambdaEndpoint, record.tableEndpoint, bootId);
          break;
        case "installation": {
          const change = t.registry.register(record.installation);
          if (change !== "refreshed" && t.leading()) {
            void t.reconciler.reconcile(record.installation.endpoint);
          }
          break;
        }
        case "entity":
          t.desired.restore([record.entity]);
          break;
      }
    },
    deleted(key) {
      switch (key.kind) {
        case "computer":
          t.plane.removeComputer(key.endpoint);
          break;
        case "router":
          t.plane.removeRouter(key.lambdaEndpoint);
          break;
        case "installation":
          if (t.registry.unregister(key.endpoint)) t.reconciler.forget(key.endpoint);
          break;
        case "entity":
          t.desired.delete(key.ref);
          break;
      }
    },
  };
}
