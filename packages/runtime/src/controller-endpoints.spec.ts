import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { EdgeController } from "@soe/proto";
import { unusedPort } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createControllerTransport, parseControllerEndpoints } from "./controller-endpoints.js";
import { type RunningServer, serve } from "./serve.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A controller that records which of them took each announcement. */
async function controller(name: string, taken: string[], refuse = false) {
  const server = await serve({
    name,
    endpoint: "127.0.0.1:0",
    drainTimeoutMs: 100,
    routes: (r) =>
      r.service(EdgeController, {
        announceComputer(info) {
          if (refuse) throw new ConnectError("no such lambda", Code.InvalidArgument);
          taken.push(`${name} ${info.edgeServerEndpoint}`);
          return {};
        },
      }),
  });
  servers.push(server);
  return server;
}

describe("parseControllerEndpoints", () => {
  it("takes one end-point or a comma-separated list", () => {
    expect(parseControllerEndpoints("127.0.0.1:6475")).toEqual(["127.0.0.1:6475"]);
    expect(parseControllerEndpoints("a:1, b:2,c:3")).toEqual(["a:1", "b:2", "c:3"]);
    expect(parseControllerEndpoints("")).toEqual([]);
  });

  it("names the member that is not an end-point", () => {
    expect(() => parseControllerEndpoints("a:1,nowhere")).toThrow(/nowhere/);
    expect(() => parseControllerEndpoints("a:1,,b:2")).toThrow();
  });
});

describe("createControllerTransport", () => {
  it("calls the first controller that answers, stays with it, and moves on when it goes", async () => {
    const taken: string[] = [];
    const dead = `127.0.0.1:${await unusedPort()}`;
    const b = await controller("b", taken);
    const c = await controller("c", taken);
    const switches: string[] = [];
    const transport = createControllerTransport([dead, b.endpoint, c.endpoint], {
      onSwitch: (from, to) => switches.push(`${from} -> ${to}`),
    });
    try {
      const client = createClient(EdgeController, transport);
      await client.announceComputer({ edgeServerEndpoint: "x:1" });
      await client.announceComputer({ edgeServerEndpoint: "x:2" });
      expect(taken).toEqual(["b x:1", "b x:2"]);
      expect(transport.endpoint).toBe(b.endpoint);
      await b.close();
      await client.announceComputer({ edgeServerEndpoint: "x:3" });
      expect(taken).toEqual(["b x:1", "b x:2", "c x:3"]);
      expect(switches).toEqual([`${dead} -> ${b.endpoint}`, `${b.endpoint} -> ${c.endpoint}`]);
    } finally {
      transport.close();
    }
  });

  it("returns a controller's answer as it is, errors included, without asking another", async () => {
    const taken: string[] = [];
    const a = await controller("a", taken, true);
    const b = await controller("b", taken);
    const transport = createControllerTransport(`${a.endpoint},${b.endpoint}`);
    try {
      const client = createClient(EdgeController, transport);
      await expect(client.announceComputer({ edgeServerEndpoint: "x:1" })).rejects.toMatchObject({
        code: Code.InvalidArgument,
      });
      expect(taken).toEqual([]);
      expect(transport.endpoint).toBe(a.endpoint);
    } finally {
      transport.close();
    }
  });

  it("fails as the last controller did when none answers", async () => {
    const transport = createControllerTransport([
      `127.0.0.1:${await unusedPort()}`,
      `127.0.0.1:${await unusedPort()}`,
    ]);
    try {
      await expect(
        createClient(EdgeController, transport).announceComputer({ edgeServerEndpoint: "x:1" }),
      ).rejects.toMatchObject({ code: Code.Unavailable });
    } finally {
      transport.close();
    }
  });
});
