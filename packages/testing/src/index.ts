export { makeTestCerts, type TestCerts } from "./certs.js";
export { eventually } from "./eventually.js";
export { type Callback, grpc, loadUiiitRpc, unary } from "./grpc-js.js";
