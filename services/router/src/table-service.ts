import type { ServiceImpl } from "@connectrpc/connect";
import { EdgeRouterConf_Action, type EdgeRouter } from "@soe/proto";
import type { Logger } from "@soe/runtime";
import type { DestinationHealth } from "./destination-health.js";
import { type RouterTables, FINAL_TABLE, OVERALL_TABLE } from "./router-tables.js";
import { formatTableDump } from "@soe/reference";

/**
 * The forwarding-table server (`uiiit.rpc.EdgeRouter`, reference §3.6). Configure always answers
 * OK at the RPC level, with "OK" or "Error: …" in `Return.msg`, as the reference does.
 */
export function tableService(
  tables: RouterTables,
  health: DestinationHealth,
  logger: Logger,
): Partial<ServiceImpl<typeof EdgeRouter>> {
  return {
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
