import { Code, ConnectError } from "@connectrpc/connect";
import { soev1 } from "@soe/proto";
import { createLogger, MetricsRegistry } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { DesiredState } from "./desired-state.js";
import { type DesiredEntity, type EntityId, entityKey } from "./domain-entity.js";
import type { InstallationCalls, InstalledRecord } from "./installation-calls.js";
import { InstallationRegistry } from "./installation-registry.js";
import { Reconciler } from "./reconciler.js";

const { ACTION, PACKAGE } = soev1.EntityKind;
const logger = createLogger({ name: "test", level: "silent" });
const text = (s: string) => new TextEncoder().encode(s);
const ref = (kind: soev1.EntityKind, pkg: string, name: string): EntityId => ({
  kind,
  namespace: "guest",
  package: pkg,
  name,
});
const label = (r: EntityId) =>
  `${r.kind === PACKAGE ? "package" : "action"} ${r.package ? `${r.package}/` : ""}${r.name}`;

/** An installation held in a Map, recording the calls it gets; `fail` decides which fail. */
class FakeInstallations implements InstallationCalls {
  readonly held = new Map<string, Map<string, InstalledRecord>>();
  readonly log: string[] = [];
  fail: (endpoint: string, call: string) => Error | undefined = () => undefined;
  gate: Promise<void> | undefined;

  at(endpoint: string): Map<string, InstalledRecord> {
    const m = this.held.get(endpoint) ?? new Map<string, InstalledRecord>();
    this.held.set(endpoint, m);
    return m;
  }
  async list(endpoint: string, kind: soev1.EntityKind) {
    await this.gate;
    const error = this.fail(endpoint, "list");
    if (error) throw error;
    return [...this.at(endpoint).values()].filter((e) => e.ref.kind === kind);
  }
  async apply(endpoint: string, entity: DesiredEntity) {
    const error = this.fail(endpoint, `apply ${label(entity.ref)}`);
    this.log.push(`${endpoint} apply ${label(entity.ref)}${error ? " (failed)" : ""}`);
    if (error) throw error;
    this.at(endpoint).set(entityKey(entity.ref), {
      ref: entity.ref,
      digest: entity.digest,
      version: entity.version,
      summary: new Uint8Array(),
    });
    return entity.version;
  }
  async remove(endpoint: string, r: EntityId) {
    this.log.push(`${endpoint} remove ${label(r)}`);
    return this.at(endpoint).delete(entityKey(r));
  }
}

function setup() {
  const desired = new DesiredState();
  const registry = new InstallationRegistry({ clock: () => 0 });
  const calls = new FakeInstallations();
  const metrics = new MetricsRegistry();
  const reconciler = new Reconciler({
    desired,
    registry,
    calls,
    logger,
    metrics,
    unixClock: () => 1_234,
  });
  const register = (endpoint: string, labels: Record<string, string> = {}) =>
    registry.register({ endpoint, namespace: "guest", labels, leaseTtlMs: 0 });
  const put = (r: EntityId, doc = "{}") => desired.put(r, text(doc), 0).entity;
  return { desired, registry, calls, metrics, reconciler, register, put };
}

describe("reconciler", () => {
  it("applies what is missing in plan order and reports the installation in sync", async () => {
    const { calls, reconciler, register, put } = setup();
    register("ow1:1");
    put(ref(ACTION, "p", "x"));
    put(ref(PACKAGE, "", "p"));
    const result = await reconciler.reconcile("ow1:1");
    expect(result.error).toBeUndefined();
    expect(calls.log).toEqual(["ow1:1 apply package p", "ow1:1 apply action p/x"]);
    expect(reconciler.status("ow1:1")).toEqual({ lastReconciledUnixMs: 1_234, drift: [] });
    await reconciler.reconcile("ow1:1");
    expect(calls.log).toHaveLength(2); // nothing more to do
  });

  it("puts back what an installation lost, and removes what is no longer desired", async () => {
    const { calls, desired, reconciler, register, put } = setup();
    register("ow1:1");
    const x = put(ref(ACTION, "", "x"));
    put(ref(ACTION, "", "y"));
    await reconciler.reconcile("ow1:1");
    calls.at("ow1:1").delete(entityKey(x.ref));
    desired.delete(ref(ACTION, "", "y"));
    calls.log.length = 0;
    await reconciler.reconcile("ow1:1");
    expect(calls.log).toEqual(["ow1:1 apply action x", "ow1:1 remove action y"]);
  });

  it("records a failed step as FAILED drift with its reason, and goes on with the others", async () => {
    const { calls, reconciler, register, put } = setup();
    register("ow1:1");
    put(ref(ACTION, "", "bad"));
    put(ref(ACTION, "", "good"));
    calls.fail = (_e, call) =>
      call === "apply action bad"
        ? new ConnectError("OpenWhisk refused: exec is invalid", Code.InvalidArgument)
        : undefined;
    const result = await reconciler.reconcile("ow1:1");
    expect(result.error).toBeUndefined();
    expect([...result.failures.values()]).toEqual([
      "[invalid_argument] OpenWhisk refused: exec is invalid",
    ]);
    expect(calls.log).toEqual(["ow1:1 apply action bad (failed)", "ow1:1 apply action good"]);
    expect(reconciler.status("ow1:1").drift).toEqual([
      {
        ref: ref(ACTION, "", "bad"),
        state: "failed",
        detail: "[invalid_argument] OpenWhisk refused: exec is invalid",
      },
    ]);
    calls.fail = () => undefined;
    await reconciler.reconcile("ow1:1");
    expect(reconciler.status("ow1:1").drift).toEqual([]);
  });

  it("stops a pass at an unreachable installation and shows what it would do, secrets masked", async () => {
    const { calls, reconciler, register, put } = setup();
    register("ow1:1");
    put(ref(ACTION, "", "a"));
    put(ref(ACTION, "", "b"));
    const key = `23bc46b1-71f6-4ed5-8c54-816aa4f8c502:${"k".repeat(64)}`;
    calls.fail = (_e, call) =>
      call.startsWith("apply")
        ? new ConnectError(`connect refused (auth ${key})`, Code.Unavailable)
        : undefined;
    const result = await reconciler.reconcile("ow1:1");
    expect(calls.log).toEqual(["ow1:1 apply action a (failed)"]);
    expect(result.error).toBe(
      "stopped after action /guest/a: [unavailable] connect refused (auth <redacted>)",
    );
    const { drift } = reconciler.status("ow1:1");
    expect(drift.map((d) => d.state)).toEqual(["failed", "failed", "missing"]);
    expect(JSON.stringify(drift)).not.toContain("kkkk");

    calls.fail = (_e, call) =>
      call === "list" ? new ConnectError("down", Code.Unavailable) : undefined;
    expect((await reconciler.reconcile("ow1:1")).error).toBe(
      "cannot list its entities: [unavailable] down",
    );
  });

  it("runs one pass at a time per installation; a request during a pass gets the next one", async () => {
    const { calls, reconciler, register, put } = setup();
    register("ow1:1");
    let open = () => {};
    calls.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const first = reconciler.reconcile("ow1:1");
    put(ref(ACTION, "", "late"));
    const second = reconciler.reconcile("ow1:1");
    const third = reconciler.reconcile("ow1:1");
    expect(third).toBe(second);
    open();
    await first;
    await second;
    expect(calls.log).toEqual(["ow1:1 apply action late"]);
  });

  it("counts passes and shows drift per installation in the metrics", async () => {
    const { calls, metrics, reconciler, register, put } = setup();
    register("ow1:1");
    put(ref(ACTION, "", "x"));
    calls.fail = () => new ConnectError("down", Code.Unavailable);
    await reconciler.reconcile("ow1:1");
    const text = await metrics.render();
    expect(text).toContain(
      'soe_controller_reconcile_passes_total{installation="ow1:1",outcome="failed"} 1',
    );
    expect(text).toContain('soe_controller_installation_drift{installation="ow1:1"} 1');
  });

  it("drops the drift series of an installation that left", async () => {
    const { metrics, reconciler, register, registry, put } = setup();
    register("ow1:1");
    register("ow2:1");
    put(ref(ACTION, "", "x"));
    await reconciler.reconcileAll();
    expect(await metrics.render()).toContain(
      'soe_controller_installation_drift{installation="ow1:1"} 0',
    );
    registry.unregister("ow1:1");
    reconciler.forget("ow1:1");
    const text = await metrics.render();
    expect(text).not.toContain('installation_drift{installation="ow1:1"}');
    expect(text).toContain('soe_controller_installation_drift{installation="ow2:1"} 0');
  });

  it("forgets an installation that left", async () => {
    const { reconciler, register, registry, put } = setup();
    register("ow1:1");
    put(ref(ACTION, "", "x"));
    await reconciler.reconcile("ow1:1");
    registry.unregister("ow1:1");
    reconciler.forget("ow1:1");
    expect(reconciler.status("ow1:1")).toEqual({ lastReconciledUnixMs: 0, drift: [] });
    expect((await reconciler.reconcile("ow1:1")).error).toBe("not registered");
  });
});
