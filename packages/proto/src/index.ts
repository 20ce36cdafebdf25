export * from "./gen/uiiit/rpc/void_pb.js";
export * from "./gen/uiiit/rpc/edgeserver_pb.js";
export * from "./gen/uiiit/rpc/edgecontroller_pb.js";
export * from "./gen/uiiit/rpc/edgerouter_pb.js";
export * from "./gen/uiiit/rpc/edgecomputer_pb.js";

// Our own API (soe.v1) under a namespace, apart from the reference interface.
export * as soev1 from "./soev1.js";

import { fileURLToPath } from "node:url";

/** Directory holding the .proto sources, for tools that load them at run time (grpc-js, proto-loader). */
export const protoDir: string = fileURLToPath(new URL("../proto", import.meta.url));
