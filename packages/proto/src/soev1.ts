// Our own API (soe.v1), re-exported as one namespace.
export * from "./gen/soe/v1/controller_pb.js";
export * from "./gen/soe/v1/deployment_pb.js";
export * from "./gen/soe/v1/entity_pb.js";
export * from "./gen/soe/v1/installation_pb.js";
export * from "./gen/soe/v1/table_sync_pb.js";
