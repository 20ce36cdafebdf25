import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { announceListening, upstreamFromArgs } from "@soe/bench/child";
import { protoDir } from "@soe/proto";

/** The yardstick of DESIGN §8: stock grpc-js server and client, stubs built from the .proto. */
const upstream = upstreamFromArgs();
// The options the interop tests use, as a third-party grpc-js user would write them.
const definition = protoLoader.loadSync("uiiit/rpc/edgeserver.proto", {
  includeDirs: [protoDir],
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
});
const rpc = grpc.loadPackageDefinition(definition).uiiit as grpc.GrpcObject;
const EdgeServerClient = (rpc.rpc as grpc.GrpcObject).EdgeServer as grpc.ServiceClientConstructor;
// grpc-js types generated stubs as an index of untyped functions; this is the one we call.
const client = new EdgeServerClient(upstream, grpc.credentials.createInsecure()) as unknown as {
  runLambda(request: unknown, callback: grpc.requestCallback<unknown>): grpc.ClientUnaryCall;
};

const runLambda: grpc.handleUnaryCall<unknown, unknown> = (call, callback) => {
  client.runLambda(call.request, callback);
};
const server = new grpc.Server();
server.addService(EdgeServerClient.service, { runLambda });
const port = await new Promise<number>((resolve, reject) =>
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
    error === null ? resolve(bound) : reject(error),
  ),
);
announceListening(port);
