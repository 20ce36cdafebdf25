import http from "node:http";
import { GUEST_KEY } from "@soe/openwhisk";
import { describe, expect, it } from "vitest";
import { startOpenWhiskMock } from "./server.js";

const auth = `Basic ${Buffer.from(GUEST_KEY).toString("base64")}`;

function post(url: string, agent: http.Agent, body: object = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: auth, "content-type": "application/json" };
    const req = http.request(url, { method: "POST", agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("startOpenWhiskMock", () => {
  it("listens on a free port and reports its URL", async () => {
    const mock = await startOpenWhiskMock({ preload: ["copy"] });
    try {
      expect(mock.port).toBeGreaterThan(0);
      expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
      const response = await fetch(`${mock.url}/ping`);
      expect(await response.text()).toBe("pong");
    } finally {
      await mock.close();
    }
  });

  it("closes despite kept-alive connections and a blocking call in flight", async () => {
    const mock = await startOpenWhiskMock({ preload: ["copy", "sleep"] });
    const agent = new http.Agent({ keepAlive: true });
    try {
      expect(await post(`${mock.url}/api/v1/namespaces/_/actions/copy?blocking=true`, agent)).toBe(
        200,
      );
      const inFlight = post(`${mock.url}/api/v1/namespaces/_/actions/sleep?blocking=true`, agent, {
        ms: 60_000,
      }).catch((error: NodeJS.ErrnoException) => error.code);
      // Close only once the activation is really running (bounded by attempts, not by time).
      for (let attempt = 0; mock.mock.running() === 0 && attempt < 500; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(mock.mock.running()).toBe(1);
      await mock.close();
      // Drained, not cut: the caller of the activation close() ended gets OpenWhisk's 500.
      expect(await inFlight).toBe(500);
      expect(mock.mock.running()).toBe(0);
      await expect(fetch(`${mock.url}/ping`)).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it("refuses an unknown sample action at start", async () => {
    await expect(startOpenWhiskMock({ preload: ["nope"] })).rejects.toThrow(
      /unknown sample action 'nope'/,
    );
  });
});
