import { createRouterServer } from "@soe/router";
import { afterEach, describe, expect, it } from "vitest";
import { createProxyServer } from "../src/proxy-server.js";
import { closedEndpoint } from "./support/black-hole.js";
import {
  activationsRun,
  GUEST_KEY,
  installRoutes,
  quietLogger,
  startDomain,
} from "./support/domain.js";

// --server-endpoint a,b (issue 13): the proxy's invocations survive the loss of one router.

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const auth = { authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}` };

async function copy(base: string, input: string) {
  const res = await fetch(`${base}/api/v1/namespaces/_/actions/copy?blocking=true&result=true`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ input }),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("the proxy over two routers", () => {
  it("carries on through the second router when the first is gone, running each call once", async () => {
    const domain = await startDomain();
    cleanups.push(() => domain.close());
    const second = await createRouterServer({
      serverEndpoint: "127.0.0.1:0",
      configurationEndpoint: "127.0.0.1:0",
      optimizerConf: "type=none",
      logger: quietLogger,
    });
    cleanups.push(() => second.close());
    await installRoutes(
      second.configurationEndpoint,
      "/guest/copy",
      domain.computers.map((c) => c.serverEndpoint),
    );
    const proxy = await createProxyServer({
      serverEndpoint: `${domain.router.serverEndpoint},${second.serverEndpoint}`,
      logger: quietLogger,
    });
    cleanups.push(() => proxy.close());
    const ran = () => domain.mocks.reduce((sum, mock) => sum + activationsRun(mock), 0);
    const before = ran();

    for (let i = 0; i < 3; i++) {
      expect(await copy(proxy.url, `a${i}`)).toEqual({ status: 200, body: { payload: `a${i}` } });
    }
    await domain.router.close();
    for (let i = 0; i < 3; i++) {
      expect(await copy(proxy.url, `b${i}`)).toEqual({ status: 200, body: { payload: `b${i}` } });
    }
    expect(ran() - before).toBe(6);
  });

  it("skips a router that is not listening from the start", async () => {
    const domain = await startDomain();
    cleanups.push(() => domain.close());
    const proxy = await createProxyServer({
      serverEndpoint: `${await closedEndpoint()},${domain.router.serverEndpoint}`,
      logger: quietLogger,
    });
    cleanups.push(() => proxy.close());
    expect(await copy(proxy.url, "x")).toEqual({ status: 200, body: { payload: "x" } });
  });

  it("refuses a list with a member that is not an end-point", async () => {
    await expect(
      createProxyServer({ serverEndpoint: "127.0.0.1:1,nope", logger: quietLogger }),
    ).rejects.toThrow(/nope/);
  });
});
