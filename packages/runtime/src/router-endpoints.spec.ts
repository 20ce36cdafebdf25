import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { EdgeServer } from "@soe/proto";
import { unusedPort } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { FailoverTransport } from "./failover-transport.js";
import { createRouterTransport, parseRouterEndpoints } from "./router-endpoints.js";
import { type RunningServer, serve } from "./serve.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A router that records which of them ran each lambda request, or refuses them all. */
async function router(name: string, ran: string[], noComputer = false) {
  const server = await serve({
    name,
    endpoint: "127.0.0.1:0",
    drainTimeoutMs: 100,
    routes: (r) =>
      r.service(EdgeServer, {
        runLambda(request) {
          if (noComputer) throw new ConnectError("no computer", Code.Unavailable);
          ran.push(`${name} ${request.name}`);
          return { retcode: "OK" };
        },
      }),
  });
  servers.push(server);
  return server;
}

describe("parseRouterEndpoints", () => {
  it("takes one or several end-points and needs one", () => {
    expect(parseRouterEndpoints("127.0.0.1:1,127.0.0.1:2")).toEqual(["127.0.0.1:1", "127.0.0.1:2"]);
    expect(() => parseRouterEndpoints(" ")).toThrow("no router end-point");
    expect(() => parseRouterEndpoints("127.0.0.1:1,:x")).toThrow(/:x/);
  });
});

describe("createRouterTransport", () => {
  it("one end-point: the plain transport, nothing in between", () => {
    const transport = createRouterTransport("127.0.0.1:1");
    expect(transport).not.toBeInstanceOf(FailoverTransport);
    transport.close();
  });

  it("runs every call once: on the first router, then on the second when the first is gone", async () => {
    const ran: string[] = [];
    const a = await router("a", ran);
    const b = await router("b", ran);
    const transport = createRouterTransport([a.endpoint, b.endpoint]);
    try {
      const client = createClient(EdgeServer, transport);
      await client.runLambda({ name: "f1" });
      await a.close();
      // Refused by a, so provably never run there: retried on b at once.
      await client.runLambda({ name: "f2" });
      await client.runLambda({ name: "f3" });
      expect(ran).toEqual(["a f1", "b f2", "b f3"]);
      expect(transport.endpoint).toBe(b.endpoint);
    } finally {
      transport.close();
    }
  });

  it("returns a router's own failure as it is, without running the call elsewhere", async () => {
    const ran: string[] = [];
    const a = await router("a", ran, true);
    const b = await router("b", ran);
    const transport = createRouterTransport([a.endpoint, b.endpoint]);
    try {
      await expect(
        createClient(EdgeServer, transport).runLambda({ name: "f1" }),
      ).rejects.toMatchObject({ code: Code.Unavailable });
      expect(ran).toEqual([]);
      expect(transport.endpoint).toBe(a.endpoint);
    } finally {
      transport.close();
    }
  });

  it("fails as the last router did when none is listening", async () => {
    const transport = createRouterTransport([
      `127.0.0.1:${await unusedPort()}`,
      `127.0.0.1:${await unusedPort()}`,
    ]);
    try {
      await expect(
        createClient(EdgeServer, transport).runLambda({ name: "f1" }),
      ).rejects.toMatchObject({ code: Code.Unavailable });
    } finally {
      transport.close();
    }
  });
});
