import { create } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { soev1 } from "@soe/proto";
import { RouteChangeEncoder } from "./route-change-encoding.js";
import { type HeldVersion, type TableSyncSender, VersionMismatch } from "./router-table-sync.js";

/**
 * TableSyncSender over `soe.v1.TableSyncService`: FAILED_PRECONDITION becomes VersionMismatch
 * with the version the router put in its error details; other errors pass as they are. The
 * changes travel pre-encoded (RouteChangeEncoder) as the request's field 6, which protobuf-es
 * writes as it is and every reader parses as `changes`.
 */
export function tableSyncClient(transport: (router: string) => Transport): TableSyncSender {
  const encoder = new RouteChangeEncoder();
  return {
    async applyBatch(router, batch, call) {
      const { changes, ...header } = batch;
      const request = create(soev1.ApplyBatchRequestSchema, header);
      request.$unknown = changes.map((change) => ({
        no: CHANGES_FIELD,
        wireType: WireType.LengthDelimited,
        data: encoder.encode(change),
      }));
      try {
        const reply = await createClient(soev1.TableSyncService, transport(router)).applyBatch(
          request,
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

/** `ApplyBatchRequest.changes` (table_sync.proto). */
const CHANGES_FIELD = 6;

function held(version: soev1.TableVersion | undefined): HeldVersion {
  return { epoch: version?.epoch ?? "", version: version?.version ?? 0n };
}

function mismatchOf(error: unknown): unknown {
  if (!(error instanceof ConnectError) || error.code !== Code.FailedPrecondition) return error;
  const [version] = error.findDetails(soev1.TableVersionSchema);
  return new VersionMismatch(version === undefined ? undefined : held(version));
}
