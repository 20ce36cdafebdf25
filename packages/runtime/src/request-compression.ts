import { Code, ConnectError } from "@connectrpc/connect";
import type { Compression } from "@connectrpc/connect/protocol";
import { compressionBrotli, compressionGzip } from "@connectrpc/connect-node";

/**
 * A compression for requests a server receives: a body that does not decompress (truncated
 * gzip, broken brotli) is the client's error, invalid_argument, where connect-node reports some
 * zlib failures as internal (its compressions serve clients too, for whom a bad response is).
 */
export function requestCompression(compression: Compression): Compression {
  return {
    name: compression.name,
    compress: (bytes) => compression.compress(bytes),
    decompress: (bytes, readMaxBytes) =>
      compression.decompress(bytes, readMaxBytes).catch((error: unknown) => {
        const connectError = ConnectError.from(error);
        throw connectError.code === Code.Internal
          ? new ConnectError(
              connectError.rawMessage,
              Code.InvalidArgument,
              undefined,
              undefined,
              error,
            )
          : connectError;
      }),
  };
}

/** What `serve()` accepts in `content-encoding` / `grpc-encoding`: gzip and brotli. */
export const requestCompressions: readonly Compression[] = [
  requestCompression(compressionGzip),
  requestCompression(compressionBrotli),
];
