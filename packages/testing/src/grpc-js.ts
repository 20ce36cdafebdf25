import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { protoDir } from "@soe/proto";

/** Stock grpc-js stubs built at run time from the .proto files, as a third-party client would. */
export function loadUiiitRpc() {
  const definition = protoLoader.loadSync(
    [
      "uiiit/rpc/edgeserver.proto",
      "uiiit/rpc/edgecontroller.proto",
      "uiiit/rpc/edgerouter.proto",
      "uiiit/rpc/edgecomputer.proto",
    ],
    { includeDirs: [protoDir], keepCase: true, longs: Number, enums: String, defaults: true },
  );
  // biome-ignore lint/suspicious/noExplicitAny: grpc-js builds these types at run time
  const pkg = grpc.loadPackageDefinition(definition) as any;
  return pkg.uiiit.rpc as Record<string, grpc.ServiceClientConstructor>;
}

export type Callback<T> = (err: grpc.ServiceError | null, value?: T) => void;

/** Promisified unary call on a grpc-js client. */
export function unary<T>(
  client: grpc.Client,
  method: string,
  request: unknown,
  options: { metadata?: grpc.Metadata; deadlineMs?: number } = {},
): Promise<{ value: T; metadata: grpc.Metadata; trailers: grpc.Metadata }> {
  return new Promise((resolve, reject) => {
    let metadata = new grpc.Metadata();
    let outcome: { err: grpc.ServiceError | null; value: T } | undefined;
    const callOptions: grpc.CallOptions =
      options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs };
    // grpc-js calls back before it emits "status" (which carries the trailers): settle on both.
    const settle = (trailers: grpc.Metadata) => {
      if (outcome === undefined) return;
      if (outcome.err) reject(outcome.err);
      else resolve({ value: outcome.value, metadata, trailers });
    };
    let status: grpc.StatusObject | undefined;
    // biome-ignore lint/suspicious/noExplicitAny: dynamic stub
    const call = (client as any)[method](
      request,
      options.metadata ?? new grpc.Metadata(),
      callOptions,
      (err: grpc.ServiceError | null, value: T) => {
        outcome = { err, value };
        if (status !== undefined) settle(status.metadata);
      },
    ) as grpc.ClientUnaryCall;
    call.on("metadata", (m) => {
      metadata = m;
    });
    call.on("status", (s) => {
      status = s;
      settle(s.metadata);
    });
  });
}

export { grpc };
