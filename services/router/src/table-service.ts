import type { ServiceImpl } from "@connectrpc/connect";
import { EdgeRouterConf_Action, type EdgeRouter, type soev1 } from "@soe/proto";
import type { Logger } from "@soe/runtime";
import type { DestinationHealth } from "./destination-health.js";
import { type RouterTables, FINAL_TABLE, OVERALL_TABLE } from "./router-tables.js";
import { formatTableDump } from "@soe/reference";
import { TableSync } from "./table-sync.js";
import { tableSyncService } from "./table-sync-service.js";

/**
 * What the forwarding-table port serves: `uiiit.rpc.EdgeRouter` (the reference's, one entry per
 * Configure) and, unless left out to play a reference router, `soe.v1.TableSyncService` (batches).
 */
export type TableServices = Partial<ServiceImpl<typeof EdgeRouter>> & {
  readonly sync?: ServiceImpl<typeof soev1.TableSyncService>;
};

/**
 * The forwarding-table server (`uiiit.rpc.EdgeRouter`, reference §3.6). Configure always answers
 * OK at the RPC level, with "OK" or "Error: …" in `Return.msg`, as the reference does. Both
 * services write the same tables; a pair either one removes is forgotten by the health probes.
 */
export function tableService(
  tables: RouterTables,
  health: DestinationHealth,
  logger: Logger,
  options: { readonly sync?: boolean } = {},
): TableServices {
  // As for Configure REMOVE and FLUSH: what the controller took out must not come back with a probe.
  const sync = new TableSync(tables, {
    removed: (lambda, destination) => health.forgetRoute(lambda, destination),
    replaced: () => health.clear(),
  });
  return {
    ...(options.sync === false ? {} : { sync: tableSyncService(sync, tables, logger) }),
    configure(conf) {
      const msg = tables.configure(conf);
      if (msg === "OK") {
        // An ejected route the controller removed (or flushed) must not come back with a probe.
        if (conf.action === EdgeRouterConf_Action.REMOVE)
          health.forgetRoute(conf.lambda, conf.destination);
        if (conf.action === EdgeRouterConf_Action.FLUSH) health.clear();
      }
      logger.debug(
        {
          action: EdgeRouterConf_Action[conf.action],
          lambda: conf.lambda,
          destination: conf.destination,
          weight: conf.weight,
          final: conf.final,
          msg,
        },
        "configure",
      );
      if (logger.isLevelEnabled("trace")) {
        const dump = formatTableDump([tables.rows(OVERALL_TABLE), tables.rows(FINAL_TABLE)]);
        logger.trace(`New forwarding tables:\n${dump}`);
      }
      return { msg };
    },
    getTable(tableId) {
      return { entries: tables.rows(tableId.value) };
    },
    getNumTables() {
      return { value: tables.numTables };
    },
  };
}
