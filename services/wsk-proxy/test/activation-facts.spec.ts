import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GUEST_KEY, startDomain, type TestDomain } from "./support/domain.js";

// Activation records say what ran (issue 11): for an action deployed through the proxy, its
// real version and OpenWhisk's `kind` and `limits` annotations, from the controller's desired
// state; for one the domain did not deploy, what the proxy can know without asking a backend.
let domain: TestDomain;
beforeAll(async () => {
  domain = await startDomain({ routerAnnounced: true });
}, 30_000);
afterAll(() => domain?.close());

const headers = {
  authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}`,
  "content-type": "application/json",
};

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${domain.proxy.url}/api/v1/namespaces/_/${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  return { status: res.status, body: (await res.json()) as any };
}

function annotations(record: { annotations: { key: string; value: unknown }[] }) {
  return new Map(record.annotations.map((a) => [a.key, a.value]));
}

describe("activation records of the domain's actions", () => {
  it("carry the deployed action's version, kind and limits", async () => {
    const code = (word: string) => `function main() { return { word: "${word}" }; }`;
    const limits = { timeout: 5_000, memory: 128 };
    const created = await call("PUT", "actions/facts?overwrite=true", {
      exec: { kind: "nodejs:20", code: code("one") },
      limits,
    });
    expect(created.status).toBe(200);
    const updated = await call("PUT", "actions/facts?overwrite=true", {
      exec: { kind: "nodejs:20", code: code("two") },
      limits,
    });
    expect(updated.body.version).toBe("0.0.2");

    // The first call of an action may go without its facts (a slow controller must not hold
    // it up); the next ones have them.
    await call("POST", "actions/facts?blocking=true", {});
    const ran = await call("POST", "actions/facts?blocking=true", {});
    expect(ran.status).toBe(200);
    expect(ran.body).toMatchObject({ version: "0.0.2", response: { result: { word: "two" } } });
    const found = annotations(ran.body);
    expect(found.get("kind")).toBe("nodejs:20");
    expect(found.get("limits")).toEqual({ ...limits, logs: 10, concurrency: 1 });
    expect(found.get("path")).toBe("guest/facts");

    const stored = await call("GET", `activations/${ran.body.activationId}`);
    expect(stored.body).toEqual(ran.body);
  });

  it("say no more than the proxy knows for an action the domain did not deploy", async () => {
    await call("POST", "actions/copy?blocking=true", { input: "x" });
    const ran = await call("POST", "actions/copy?blocking=true", { input: "x" });
    expect(ran.status).toBe(200);
    expect(ran.body.version).toBe("0.0.1");
    expect([...annotations(ran.body).keys()]).toEqual(["path", "waitTime", "timeout"]);
  });
});
