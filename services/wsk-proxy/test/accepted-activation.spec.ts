import { setTimeout as sleep } from "node:timers/promises";
import openwhisk from "openwhisk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GUEST_KEY, installRoutes, startDomain, type TestDomain } from "./support/domain.js";

// One identity per invocation, end to end (issue 11): a blocking call that outlasts the domain's
// wait (the wsk-computers' blocking wait, 100 ms here instead of 29 s) is answered 202 with the
// proxy's id, and GET .../activations/{id} later gives the real record, result and logs, read
// from the installation that ran it — through the real proxy, router, wsk-computers and mocks.
const SLOW_LOGGER = `async function main(p) {
  console.log("started " + p.tag);
  await new Promise((resolve) => setTimeout(resolve, p.ms));
  console.log("done " + p.tag);
  return { tag: p.tag };
}`;
const auth = { authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}` };
let domain: TestDomain;

beforeAll(async () => {
  domain = await startDomain({ computerTimeoutMs: 100 });
  for (const mock of domain.mocks) {
    const ow = openwhisk({ apihost: mock.url, api_key: GUEST_KEY });
    await ow.actions.create({ name: "slowlog", action: SLOW_LOGGER, kind: "nodejs:20" });
  }
  await installRoutes(
    domain.router.configurationEndpoint,
    "/guest/slowlog",
    domain.computers.map((c) => c.serverEndpoint),
  );
});
afterAll(() => domain.close());

async function get(path: string) {
  const res = await fetch(`${domain.proxy.url}/api/v1/namespaces/_/${path}`, { headers: auth });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls until the proxy has the record; bounded by attempts, asserting nothing on time. */
async function eventually(path: string) {
  for (let i = 0; i < 500; i++) {
    const got = await get(path);
    if (got.status !== 404) return got;
    await sleep(10);
  }
  throw new Error(`${path} never found`);
}

describe("a blocking invocation that outlasts the domain's wait", () => {
  it("answers 202 with the proxy's id, which GET resolves to the real record with result and logs", async () => {
    const res = await fetch(
      `${domain.proxy.url}/api/v1/namespaces/_/actions/slowlog?blocking=true&result=true`,
      {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ tag: "t1", ms: 1_500 }),
      },
    );
    expect(res.status).toBe(202);
    const id = ((await res.json()) as { activationId: string }).activationId;
    expect(res.headers.get("x-openwhisk-activation-id")).toBe(id);
    // The proxy's own id: no OpenWhisk knows it.
    for (const mock of domain.mocks) expect(mock.mock.activations.get("guest", id)).toBeUndefined();

    // Not written yet, as OpenWhisk answers for an activation still running.
    expect((await get(`activations/${id}`)).status).toBe(404);

    const got = await eventually(`activations/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      activationId: id,
      namespace: "guest",
      name: "slowlog",
      subject: "guest",
      response: { status: "success", success: true, result: { tag: "t1" } },
    });
    const logs = (got.body.logs as string[]).map((line) => line.replace(/^\S+ /, ""));
    expect(logs).toEqual(["stdout: started t1", "stdout: done t1"]);
    const annotations = new Map(
      (got.body.annotations as { key: string; value: unknown }[]).map((a) => [a.key, a.value]),
    );
    expect(annotations.get("path")).toBe("guest/slowlog");
    expect(annotations.get("kind")).toBe("nodejs:20");
    expect(annotations.get("limits")).toMatchObject({ timeout: expect.any(Number) });
    expect(annotations.has("soe-pending")).toBe(false);

    expect((await get(`activations/${id}/result`)).body).toMatchObject({
      status: "success",
      result: { tag: "t1" },
    });
    expect((await get(`activations/${id}/logs`)).body).toEqual({ logs: got.body.logs });
    const listed = await get("activations?name=slowlog&docs=true");
    expect(listed.body).toEqual([got.body]);
  });

  it("leaves a running one out of listings until it ends", async () => {
    const ow = openwhisk({ apihost: domain.proxy.url, api_key: GUEST_KEY });
    const accepted = (await ow.actions
      .invoke({ name: "slowlog", blocking: true, params: { tag: "t2", ms: 1_500 } })
      .catch((body: unknown) => body)) as { activationId: string };
    // The client rejects with the raw 202 body (openwhisk-api.md §5.2).
    expect(accepted.activationId).toMatch(/^[0-9a-f]{32}$/);
    const ids = async () =>
      (
        (await ow.activations.list({ name: "slowlog", limit: 10 })) as { activationId: string }[]
      ).map((a) => a.activationId);
    expect(await ids()).not.toContain(accepted.activationId);
    const record = await eventually(`activations/${accepted.activationId}`);
    expect(record.body).toMatchObject({ response: { result: { tag: "t2" } } });
    expect(await ids()).toContain(accepted.activationId);
  });
});
