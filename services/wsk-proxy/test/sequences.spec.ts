import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "@connectrpc/connect";
import { GUEST_KEY, SequenceErrorText } from "@soe/openwhisk";
import type { RunningOpenWhiskMock } from "@soe/openwhisk-mock";
import { EdgeController, EdgeServer, type LambdaRequest } from "@soe/proto";
import { createTransport, type RunningServer, serve } from "@soe/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installRoutes, quietLogger, startDomain, type TestDomain } from "./support/domain.js";

// Sequences across the domain (issue 11): the proxy runs a sequence the controller holds, each
// component routed on its own through a real router — to an action pinned to OW1, a native
// computer's lambda, an action pinned to OW2 — and stores OpenWhisk's records. No installation
// ever gets the sequence itself.
let domain: TestDomain;
let native: RunningServer;
let nativeRuns = 0;
beforeAll(async () => {
  domain = await startDomain({
    routerAnnounced: true,
    labels: [{ ow: "1" }, { ow: "2" }],
  });
  // A native computer: `clambda0` answers its JSON input with a field added.
  native = await serve({
    name: "native",
    logger: quietLogger,
    routes: (router) =>
      router.service(EdgeServer, {
        runLambda(req: LambdaRequest) {
          nativeRuns++;
          const input = JSON.parse(req.input || "{}") as Record<string, unknown>;
          return { retcode: "OK", output: JSON.stringify({ ...input, native: true }), hops: 2 };
        },
      }),
  });
  const transport = createTransport(domain.controller.endpoint);
  await createClient(EdgeController, transport).announceComputer({
    edgeServerEndpoint: native.endpoint,
    containers: [{ name: "c0", processor: "cpu", lambda: "clambda0", numWorkers: 1 }],
  });
  transport.close();
  await installRoutes(domain.router.configurationEndpoint, "clambda0", [native.endpoint]);
  for (const put of [
    pinned("up1", "1", "ow1"),
    pinned("up2", "2", "ow2"),
    pinned("gone", "1", "gone"),
  ]) {
    expect((await put).status).toBe(200);
  }
}, 30_000);
afterAll(async () => {
  await native?.close();
  await domain?.close();
});

const headers = {
  authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}`,
  "content-type": "application/json",
};

interface Exchange {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  readonly body: any;
}

async function send(base: string, method: string, path: string, body?: unknown): Promise<Exchange> {
  const res = await fetch(base + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? undefined : JSON.parse(text) };
}
const proxy = (method: string, path: string, body?: unknown) =>
  send(domain.proxy.url, method, path, body);
const direct = (mock: RunningOpenWhiskMock | undefined, path: string) =>
  send(mock?.url ?? "", "GET", path);

/** An action pinned to one installation that adds `{[field]: true}` to its input. */
function pinned(name: string, ow: string, field: string) {
  return proxy("PUT", `/api/v1/namespaces/_/actions/${name}?overwrite=true`, {
    exec: { kind: "nodejs:20", code: `function main(p) { return { ...p, ${field}: true }; }` },
    annotations: [{ key: "soe-placement", value: `ow=${ow}` }],
  });
}
function sequence(name: string, components: string[]) {
  return proxy("PUT", `/api/v1/namespaces/_/actions/${name}?overwrite=true`, {
    exec: { kind: "sequence", components },
  });
}
const invoke = (name: string, query: string, body: unknown = {}) =>
  proxy("POST", `/api/v1/namespaces/_/actions/${name}?${query}`, body);
const activation = (id: string) => proxy("GET", `/api/v1/namespaces/_/activations/${id}`);
const annotation = (record: { annotations: { key: string; value: unknown }[] }, key: string) =>
  record.annotations.find((a) => a.key === key)?.value;

describe("a sequence spanning OW1, a native computer and OW2", () => {
  it("is kept by the domain, installed nowhere, and runs each component where it lives", async () => {
    const put = await sequence("span", ["/_/up1", "/_/clambda0", "/guest/up2"]);
    expect(put.status).toBe(200);
    expect(put.body.exec).toMatchObject({
      kind: "sequence",
      components: ["/guest/up1", "/guest/clambda0", "/guest/up2"],
    });
    expect(put.body.parameters).toEqual([
      { key: "_actions", value: ["/guest/up1", "/guest/clambda0", "/guest/up2"] },
    ]);
    for (const mock of domain.mocks) {
      expect((await direct(mock, "/api/v1/namespaces/_/actions/span")).status).toBe(404);
    }
    const ranBefore = nativeRuns;
    const res = await invoke("span", "blocking=true", { start: 1 });
    expect(res.status).toBe(200);
    expect(res.body.response).toMatchObject({
      status: "success",
      success: true,
      result: { start: 1, ow1: true, native: true, ow2: true },
    });
    expect(nativeRuns).toBe(ranBefore + 1);
    expect(res.body.logs).toHaveLength(3);
    expect(annotation(res.body, "topmost")).toBe(true);
    expect(annotation(res.body, "kind")).toBe("sequence");
    expect(annotation(res.body, "path")).toBe("guest/span");

    const [first, second, third] = res.body.logs as string[];
    // Each component ran where it is placed, under its own activation id, caused by the sequence.
    const one = await direct(domain.mocks[0], "/api/v1/namespaces/_/activations?name=up1");
    const two = await direct(domain.mocks[1], "/api/v1/namespaces/_/activations?name=up2");
    expect([one.body.length, two.body.length]).toEqual([1, 1]);
    for (const id of [first, second, third]) {
      const component = await activation(id ?? "");
      expect(component.status).toBe(200);
      expect(component.body.cause).toBe(res.body.activationId);
      expect(annotation(component.body, "causedBy")).toBe("sequence");
    }
    expect((await activation(second ?? "")).body.response.result).toEqual({
      start: 1,
      ow1: true,
      native: true,
    });
    // The sequence's own record reads back, its logs the components' ids.
    const logs = await proxy(
      "GET",
      `/api/v1/namespaces/_/activations/${res.body.activationId}/logs`,
    );
    expect(logs.body).toEqual({ logs: res.body.logs });
  });

  it("answers the result alone with result=true, and 202 then a record when not blocking", async () => {
    const bare = await invoke("span", "blocking=true&result=true", { n: 2 });
    expect([bare.status, bare.body]).toEqual([200, { n: 2, ow1: true, native: true, ow2: true }]);
    const accepted = await invoke("span", "blocking=false", { n: 3 });
    expect(accepted.status).toBe(202);
    const id = accepted.body.activationId as string;
    let record: Exchange | undefined;
    for (const until = Date.now() + 10_000; Date.now() < until; await sleep(20)) {
      record = await activation(id);
      if (record.status === 200) break;
    }
    expect(record?.status).toBe(200);
    expect(record?.body.response.result).toEqual({ n: 3, ow1: true, native: true, ow2: true });
    expect(record?.body.logs).toHaveLength(3);
  });

  it("answers 202 when it outlasts the blocking wait, and GET then finds the finished record", async () => {
    expect((await sequence("slow", ["/_/sleep", "/_/up1"])).status).toBe(200);
    // The `timeout` query shortens the wait far below the first component's sleep.
    const res = await invoke("slow", "blocking=true&timeout=50", { ms: 1_500 });
    expect(res.status).toBe(202);
    const id = res.body.activationId as string;
    let record: Exchange | undefined;
    for (const until = Date.now() + 15_000; Date.now() < until; await sleep(50)) {
      record = await activation(id);
      if (record.status === 200) break;
    }
    expect(record?.body.response.result).toEqual({ slept: 1_500, ow1: true });
    expect(record?.body.logs).toHaveLength(2);
  });

  it("stops at an error in the middle with that component's response", async () => {
    expect((await sequence("broken", ["/_/up1", "/_/fail", "/_/up2"])).status).toBe(200);
    const up2Runs = async () =>
      (await direct(domain.mocks[1], "/api/v1/namespaces/_/activations?name=up2")).body.length;
    const before = await up2Runs();
    const res = await invoke("broken", "blocking=true", { message: "middle" });
    expect(res.status).toBe(502);
    expect(res.body.response).toMatchObject({
      status: "application error",
      success: false,
      result: { error: "middle" },
    });
    expect(res.body.logs).toHaveLength(2);
    // The component after the failure never ran.
    expect(await up2Runs()).toBe(before);
  });

  it("runs a nested domain sequence under its own record", async () => {
    expect((await sequence("inner", ["/_/up1", "/_/clambda0"])).status).toBe(200);
    expect((await sequence("outer", ["/_/inner", "/_/up2"])).status).toBe(200);
    const res = await invoke("outer", "blocking=true");
    expect(res.status).toBe(200);
    expect(res.body.response.result).toEqual({ ow1: true, native: true, ow2: true });
    const [innerId] = res.body.logs as string[];
    const inner = await activation(innerId ?? "");
    expect(inner.body).toMatchObject({ name: "inner", cause: res.body.activationId });
    expect(inner.body.logs).toHaveLength(2);
    expect(annotation(inner.body, "topmost")).toBe(false);
    expect(annotation(inner.body, "causedBy")).toBe("sequence");
  });
});

describe("OpenWhisk's refusals and limits", () => {
  it("refuses at create a component the domain does not have, and one naming itself", async () => {
    const missing = await sequence("nope", ["/_/up1", "/_/no-such-action"]);
    expect([missing.status, missing.body.error]).toEqual([400, SequenceErrorText.componentMissing]);
    const self = await sequence("selfish", ["/_/up1", "/_/selfish"]);
    expect([self.status, self.body.error]).toEqual([400, SequenceErrorText.cyclic]);
    expect((await sequence("ring", ["/_/up1"])).status).toBe(200);
    expect((await sequence("ring-outer", ["/_/ring"])).status).toBe(200);
    const cycle = await sequence("ring", ["/_/ring-outer"]);
    expect([cycle.status, cycle.body.error]).toEqual([400, SequenceErrorText.cyclic]);
  });

  it("refuses at create another namespace's component that is not public: 403", async () => {
    const res = await sequence("borrowed", ["/_/up1", "/whisk.system/utils/echo"]);
    expect([res.status, res.body.error]).toEqual([
      403,
      "The supplied authentication is not authorized to access 'whisk.system/utils'.",
    ]);
  });

  it("fails at invoke a component removed since, with OpenWhisk's application error", async () => {
    expect((await sequence("orphaned", ["/_/up1", "/_/gone"])).status).toBe(200);
    expect((await proxy("DELETE", "/api/v1/namespaces/_/actions/gone")).status).toBe(200);
    const res = await invoke("orphaned", "blocking=true");
    expect(res.status).toBe(502);
    expect(res.body.response).toMatchObject({
      status: "application error",
      result: { error: SequenceErrorText.componentMissing },
    });
    expect(res.body.logs).toHaveLength(1);
  });

  it("refuses more than 50 actions at create, nested ones counted", async () => {
    const long = await sequence("long", Array(51).fill("/_/echo"));
    expect([long.status, long.body.error]).toEqual([400, SequenceErrorText.tooLong]);
    expect((await sequence("thirty", Array(30).fill("/_/echo"))).status).toBe(200);
    const doubled = await sequence("sixty", ["/_/thirty", "/_/thirty"]);
    expect([doubled.status, doubled.body.error]).toEqual([400, SequenceErrorText.tooLong]);
  });

  it("stops at 50 atomic actions when an inner sequence grew after the outer one was made", async () => {
    expect((await sequence("grows", ["/_/echo"])).status).toBe(200);
    expect((await sequence("twice", ["/_/grows", "/_/grows"])).status).toBe(200);
    expect((await sequence("grows", Array(30).fill("/_/echo"))).status).toBe(200);
    const res = await invoke("twice", "blocking=true", { x: 1 });
    expect(res.status).toBe(502);
    expect(res.body.response.result).toEqual({ error: SequenceErrorText.tooLong });
    const [, second] = res.body.logs as string[];
    const inner = await activation(second ?? "");
    expect(inner.body.logs).toHaveLength(20);
  }, 30_000);
});
