import { createConnectRouter } from "@connectrpc/connect";
import { EdgeComputer, EdgeController, EdgeServer } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { recordRoutes } from "./service-registry.js";

describe("recordRoutes", () => {
  it("records every unary method registered, by procedure, with its implementation", async () => {
    const runLambda = async () => ({ retcode: "recorded" });
    const unary = recordRoutes(createConnectRouter(), (router) =>
      router.service(EdgeServer, { runLambda }),
    );
    expect([...unary.keys()]).toEqual(["/uiiit.rpc.EdgeServer/RunLambda"]);
    const route = unary.get("/uiiit.rpc.EdgeServer/RunLambda");
    expect(route?.service).toBe(EdgeServer);
    expect(route?.method).toBe(EdgeServer.method.runLambda);
    // Connect binds the implementation to its service object: the same function, bound.
    expect(await route?.impl({}, {})).toEqual({ retcode: "recorded" });
  });

  it("passes every registration on to Connect's router, streaming ones included", () => {
    const router = createConnectRouter();
    const unary = recordRoutes(router, (r) =>
      r
        .service(EdgeComputer, { async *streamUtil() {} })
        .rpc(EdgeController.method.announceRouter, async () => ({})),
    );
    // Streaming methods are for connect-node alone; the lean path serves unary ones.
    expect([...unary.keys()]).toEqual(["/uiiit.rpc.EdgeController/AnnounceRouter"]);
    expect(router.handlers.map((h) => h.requestPath).sort()).toEqual([
      "/uiiit.rpc.EdgeComputer/StreamUtil",
      "/uiiit.rpc.EdgeController/AnnounceRouter",
    ]);
  });

  it("records nothing without routes", () => {
    expect(recordRoutes(createConnectRouter(), undefined).size).toBe(0);
  });
});
