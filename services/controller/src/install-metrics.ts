import { ConnectError } from "@connectrpc/connect";
import { codeLabel, type MetricsRegistry } from "@soe/runtime";
import { type ConfigureSender, configureSucceeded } from "./router-install-queue.js";
import { type TableSyncSender, VersionMismatch } from "./router-table-sync.js";

/** As rpc_server_duration_seconds, so the two read side by side. */
const installDurationBuckets: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** What installing forwarding tables does, on `/metrics` (issue 14). */
export interface InstallMetrics {
  /** The sender of table-sync batches, counting each batch and the entries it carried. */
  tableSync(sender: TableSyncSender): TableSyncSender;
  /** The sender of Configure calls (routers without table sync), counting each call. */
  configure(send: ConfigureSender): ConfigureSender;
}

/**
 * `soe_controller_table_batches_total{router,outcome}` (outcome "ok", "version_mismatch", or the
 * failure's code in snake_case), `soe_controller_table_pairs_total{router}` (lambda-destination
 * entries in the batches a router took), `soe_controller_configure_calls_total{router,outcome}` ("ok",
 * "refused" for a router's error text, or the failure's code), and
 * `soe_controller_install_duration_seconds{call}` ("apply_batch", "configure"). Counted around the
 * senders, so the installers themselves know nothing of metrics.
 */
export function registerInstallMetrics(registry: MetricsRegistry): InstallMetrics {
  const batches = registry.counter(
    "soe_controller_table_batches_total",
    "Table-sync batches sent to a router, by outcome (ok, version_mismatch, or the failure's code).",
    ["router", "outcome"],
  );
  const pairs = registry.counter(
    "soe_controller_table_pairs_total",
    "Lambda-destination entries set or removed by the table-sync batches a router took.",
    ["router"],
  );
  const configures = registry.counter(
    "soe_controller_configure_calls_total",
    "Configure calls sent to a router without table sync, by outcome (ok, refused, or the failure's code).",
    ["router", "outcome"],
  );
  const duration = registry.histogram(
    "soe_controller_install_duration_seconds",
    "Time of one installation call to a router, by call (apply_batch, configure).",
    ["call"],
    installDurationBuckets,
  );
  const batchDuration = duration.labels({ call: "apply_batch" });
  const configureDuration = duration.labels({ call: "configure" });
  return {
    tableSync: (sender) => ({
      getVersion: (router, call) => sender.getVersion(router, call),
      async applyBatch(router, batch, call) {
        const start = performance.now();
        try {
          const held = await sender.applyBatch(router, batch, call);
          batches.inc({ router, outcome: "ok" });
          let n = 0;
          for (const change of batch.changes) n += change.lambdas.length;
          pairs.inc({ router }, n);
          return held;
        } catch (error) {
          batches.inc({ router, outcome: failureOutcome(error) });
          throw error;
        } finally {
          batchDuration.observe((performance.now() - start) / 1000);
        }
      },
    }),
    configure: (send) => async (router, conf, call) => {
      const start = performance.now();
      try {
        const msg = await send(router, conf, call);
        configures.inc({ router, outcome: configureSucceeded(msg) ? "ok" : "refused" });
        return msg;
      } catch (error) {
        configures.inc({ router, outcome: failureOutcome(error) });
        throw error;
      } finally {
        configureDuration.observe((performance.now() - start) / 1000);
      }
    },
  };
}

function failureOutcome(error: unknown): string {
  if (error instanceof VersionMismatch) return "version_mismatch";
  return codeLabel(ConnectError.from(error).code);
}
