import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { soev1 } from "@soe/proto";
import { type HeldVersion, type TableSyncSender, VersionMismatch } from "./router-table-sync.js";

/**
 * TableSyncSender over `soe.v1.TableSyncService`: FAILED_PRECONDITION becomes VersionMismatch
 * with the version the router put in its error details; other errors pass as they are.
 */
export function tableSyncClient(transport: (router: string) => Transport): TableSyncSender {
  return {
    async applyBatch(router, batch, call) {
      try {
        const reply = await createClient(soev1.TableSyncService, transport(router)).applyBatch(
          { ...batch, changes: [...batch.changes] },
          call,
        );
        return held(reply.held);
      } catch (error) {
        throw mismatchOf(error);
      }
    },
    async getVersion(router, call) {
      const reply = await createClient(soev1.TableSyncService, transport(router)).getVersion(
        {},
        call,
      );
      return held(reply.held);
    },
  };
}

function held(version: soev1.TableVersion | undefined): HeldVersion {
  return { epoch: version?.epoch ?? "", version: version?.version ?? 0n };
}

function mismatchOf(error: unknown): unknown {
  if (!(error instanceof ConnectError) || error.code !== Code.FailedPrecondition) return error;
  const [version] = error.findDetails(soev1.TableVersionSchema);
  return new VersionMismatch(version === undefined ? undefined : held(version));
}
