import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { soev1 } from "@soe/proto";
import type { Logger } from "@soe/runtime";
import type { RouterTables } from "./router-tables.js";
import { type HeldVersion, InvalidBatch, type TableSync, VersionMismatch } from "./table-sync.js";

/**
 * `soe.v1.TableSyncService` on the forwarding-table port: TableSync's outcomes as RPC answers. A
 * version mismatch is FAILED_PRECONDITION carrying the held TableVersion as an error detail, so
 * the controller knows where to resume without another call.
 */
export function tableSyncService(
  sync: TableSync,
  tables: RouterTables,
  logger: Logger,
): ServiceImpl<typeof soev1.TableSyncService> {
  return {
    applyBatch(batch) {
      try {
        const outcome = sync.apply(batch);
        logger.debug(
          {
            epoch: batch.epoch,
            from: String(batch.fromVersion),
            to: String(batch.toVersion),
            snapshot: batch.snapshot,
            staged: outcome.staged,
            pairs: outcome.pairs,
          },
          "table batch applied",
        );
        return { held: tableVersion(outcome.held) };
      } catch (error) {
        if (error instanceof VersionMismatch) {
          logger.debug({ err: error }, "table batch refused");
          throw new ConnectError(error.message, Code.FailedPrecondition, undefined, [
            { desc: soev1.TableVersionSchema, value: tableVersion(error.held) },
          ]);
        }
        if (error instanceof InvalidBatch) {
          logger.warn({ err: error }, "invalid table batch refused");
          throw new ConnectError(error.message, Code.InvalidArgument);
        }
        throw error;
      }
    },
    getVersion() {
      return { held: tableVersion(sync.held), routes: tables.size };
    },
  };
}

function tableVersion(held: HeldVersion): soev1.TableVersion {
  return create(soev1.TableVersionSchema, { epoch: held.epoch, version: held.version });
}
