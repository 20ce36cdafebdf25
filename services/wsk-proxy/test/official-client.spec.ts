import { setTimeout as sleep } from "node:timers/promises";
import type { ActivationRecord } from "@soe/openwhisk";
import openwhisk from "openwhisk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activationsRun, GUEST_KEY, startDomain, type TestDomain } from "./support/domain.js";
import { comparable, outcomeOf } from "./support/outcomes.js";

// The official npm client against the proxy (in front of a router, two wsk-computers and two
// openwhisk-mocks), and the same calls straight to one mock: a client must not tell them apart.
let domain: TestDomain;
let viaProxy: openwhisk.Client;
let direct: openwhisk.Client;

beforeAll(async () => {
  domain = await startDomain();
  viaProxy = openwhisk({ apihost: domain.proxy.url, api_key: GUEST_KEY });
  direct = openwhisk({ apihost: domain.mocks[0]?.url ?? "", api_key: GUEST_KEY });
});
afterAll(() => domain?.close());

type Call = (ow: openwhisk.Client) => Promise<unknown>;

/** Runs a call both ways; they must agree on everything comparable. Returns the proxy's outcome. */
async function same(call: Call) {
  const [proxied, straight] = [await outcomeOf(call(viaProxy)), await outcomeOf(call(direct))];
  expect(comparable(proxied)).toEqual(comparable(straight));
  return proxied;
}

/** Polls the proxy until the activation is stored; bounded by attempts, not by a clock. */
async function activationOf(activationId: string): Promise<ActivationRecord> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const got = await outcomeOf(viaProxy.activations.get({ name: activationId }));
    if (got.ok) return got.value as ActivationRecord;
    expect(got.statusCode).toBe(404);
    await sleep(10);
  }
  throw new Error(`activation ${activationId} never appeared`);
}

const wrongKey = `${GUEST_KEY.slice(0, -1)}0`;

describe("invoke through the proxy, as through OpenWhisk", () => {
  it("blocking with result: the action's result", async () => {
    const out = await same((ow) =>
      ow.actions.invoke({ name: "copy", blocking: true, result: true, params: { input: "hello" } }),
    );
    expect(out).toEqual({ ok: true, value: { payload: "hello" } });
  });

  it("blocking: the activation record, with the proxy's own activation id", async () => {
    const out = await same((ow) =>
      ow.actions.invoke({ name: "/guest/echo", blocking: true, params: { a: [1, { b: null }] } }),
    );
    const record = (out as { value: ActivationRecord }).value;
    expect(record).toMatchObject({
      namespace: "guest",
      name: "echo",
      subject: "guest",
      publish: false,
      logs: [],
      response: { status: "success", success: true, result: { a: [1, { b: null }] } },
    });
    // The proxy keeps what it made: the same record comes back by id, completed on its first
    // read with what only the installation's own record says (logs, kind and limits).
    const kept = (await viaProxy.activations.get({
      name: record.activationId,
    })) as ActivationRecord;
    expect(kept).toEqual({ ...record, annotations: expect.arrayContaining([...record.annotations]) });
    expect(kept.annotations.map((a) => a.key)).toEqual(expect.arrayContaining(["kind", "limits"]));
  });

  it("a packaged action, by explicit namespace and by _", async () => {
    for (const name of ["demo/hello", "/guest/demo/hello"]) {
      const out = await same((ow) =>
        ow.actions.invoke({ name, blocking: true, result: true, params: { name: "Ann" } }),
      );
      expect(out).toEqual({ ok: true, value: { greeting: "Hello Ann" } });
    }
    const record = await same((ow) => ow.actions.invoke({ name: "demo/hello", blocking: true }));
    expect((record as { value: ActivationRecord }).value.annotations).toContainEqual({
      key: "path",
      value: "guest/demo/hello",
    });
  });

  it("non-blocking: 202 with an id, then the activation, its result and logs", async () => {
    const out = await same((ow) => ow.actions.invoke({ name: "copy", params: { input: "later" } }));
    const { activationId } = (out as { value: { activationId: string } }).value;
    expect(activationId).toMatch(/^[0-9a-f]{32}$/);
    const record = await activationOf(activationId);
    expect(record.response).toMatchObject({ status: "success", result: { payload: "later" } });
    expect(await viaProxy.activations.result({ name: activationId })).toEqual(record.response);
    expect(await viaProxy.activations.logs({ name: activationId })).toEqual({ logs: [] });
  });

  it("the string form: no body, no content type", async () => {
    const out = await same((ow) => ow.actions.invoke("copy"));
    const { activationId } = (out as { value: { activationId: string } }).value;
    expect((await activationOf(activationId)).response.result).toEqual({ payload: "" });
  });

  it("an application error: 502 with the record, or with the result", async () => {
    const record = await same((ow) => ow.actions.invoke({ name: "fail", blocking: true }));
    expect(record).toMatchObject({
      ok: false,
      statusCode: 502,
      body: {
        response: { status: "application error", result: { error: "this action always fails" } },
      },
    });
    const result = await same((ow) =>
      ow.actions.invoke({ name: "fail", blocking: true, result: true, params: { message: "no" } }),
    );
    // The JS client sends `blocking` only, and extracts results itself: its 502 holds the record.
    expect(result).toMatchObject({
      ok: false,
      statusCode: 502,
      body: { response: { result: { error: "no" } } },
    });
  });

  it("a developer error: 502 with status 'action developer error'", async () => {
    const out = await same((ow) => ow.actions.invoke({ name: "crash", blocking: true }));
    expect(out).toMatchObject({
      ok: false,
      statusCode: 502,
      body: { response: { status: "action developer error", success: false } },
    });
  });

  it("no such action: 404, blocking or not", async () => {
    for (const blocking of [true, false]) {
      const out = await same((ow) => ow.actions.invoke({ name: "nope", blocking }));
      expect(out).toMatchObject({
        ok: false,
        statusCode: 404,
        body: { error: "The requested resource does not exist." },
      });
    }
  });

  it("another namespace: 403 naming the resource", async () => {
    const out = await same((ow) =>
      ow.actions.invoke({ name: "/whisk.system/copy", blocking: true }),
    );
    expect(out).toMatchObject({
      ok: false,
      statusCode: 403,
      body: {
        error: "The supplied authentication is not authorized to access 'whisk.system/copy'.",
      },
    });
  });

  it("a wrong key: 401", async () => {
    const [proxied, straight] = [
      await outcomeOf(
        openwhisk({ apihost: domain.proxy.url, api_key: wrongKey }).actions.invoke("copy"),
      ),
      await outcomeOf(
        openwhisk({ apihost: domain.mocks[0]?.url, api_key: wrongKey }).actions.invoke("copy"),
      ),
    ];
    expect(comparable(proxied)).toEqual(comparable(straight));
    expect(proxied).toMatchObject({
      statusCode: 401,
      body: { error: "The supplied authentication is invalid" },
    });
  });

  it("reaches both OpenWhisk servers over 40 invocations, 8 at a time", async () => {
    // The router's default policy sends a lone call where it expects the fastest answer; calls
    // in flight together are spread by its requests-in-flight count, so both servers serve.
    const before = domain.mocks.map(activationsRun);
    for (let batch = 0; batch < 5; batch++) {
      const inputs = Array.from({ length: 8 }, (_, k) => `${batch * 8 + k}`);
      const results = await Promise.all(
        inputs.map((input) =>
          viaProxy.actions.invoke({
            name: "copy",
            blocking: true,
            result: true,
            params: { input },
          }),
        ),
      );
      expect(results).toEqual(inputs.map((input) => ({ payload: input })));
    }
    const used = domain.mocks.map((mock, i) => activationsRun(mock) - (before[i] ?? 0));
    expect(used.reduce((a, b) => a + b)).toBe(40);
    expect(used.every((n) => n > 0)).toBe(true);
  });
});

describe("actions and activations through the proxy", () => {
  it("lists the domain's actions as OpenWhisk lists its own", async () => {
    const names = (list: unknown) =>
      (list as { namespace: string; name: string }[]).map((a) => `${a.namespace}/${a.name}`).sort();
    const [proxied, straight] = [await viaProxy.actions.list(), await direct.actions.list()];
    expect(names(proxied)).toEqual(names(straight));
    expect(names(proxied)).toContain("guest/demo/hello");
    const byName = (list: unknown[]) =>
      Object.fromEntries(
        list.map((a) => [
          JSON.stringify([(a as { namespace: string }).namespace, (a as { name: string }).name]),
          comparable(a),
        ]),
      );
    // The order differs: "most recently updated" is, for the proxy, "first seen in the domain".
    expect(byName(proxied)).toEqual(byName(straight));
  });

  it("honours count, limit and skip", async () => {
    const out = await same((ow) => ow.actions.list({ count: true } as never));
    expect(out).toEqual({ ok: true, value: { actions: 6 } });
    const page = await viaProxy.actions.list({ limit: 2, skip: 1 });
    const all = await viaProxy.actions.list();
    expect(page).toEqual(all.slice(1, 3));
    await same((ow) => ow.actions.list({ limit: 201 }));
  });

  it("describes one action, and 404s an unknown one", async () => {
    const got = (await viaProxy.actions.get({ name: "demo/hello" })) as {
      namespace: string;
      name: string;
    };
    expect([got.namespace, got.name]).toEqual(["guest/demo", "hello"]);
    await same((ow) => ow.actions.get({ name: "nope" }));
  });

  it("lists the activations it made, newest first, summaries or docs", async () => {
    const made = (await viaProxy.actions.invoke({
      name: "copy",
      blocking: true,
    })) as unknown as ActivationRecord;
    const summaries = (await viaProxy.activations.list({ limit: 5 })) as unknown as Record<
      string,
      unknown
    >[];
    expect(summaries[0]).toMatchObject({
      activationId: made.activationId,
      name: "copy",
      statusCode: 0,
    });
    expect(summaries[0]).not.toHaveProperty("response");
    const docs = (await viaProxy.activations.list({
      name: "copy",
      limit: 1,
      docs: true,
    })) as unknown[];
    expect(docs).toEqual([made]);
    expect(Object.keys(summaries[0] ?? {}).sort()).toEqual(
      Object.keys(((await direct.activations.list({ limit: 1 })) as unknown[])[0] ?? {}).sort(),
    );
  });

  it("answers unknown and malformed activation ids as OpenWhisk does", async () => {
    await same((ow) => ow.activations.get({ name: "0123456789abcdef0123456789abcdef" }));
    const bad = await same((ow) => ow.activations.get({ name: "xyz" }));
    expect(bad).toMatchObject({
      statusCode: 400,
      body: { error: "Activation id length is 3 but must be 32." },
    });
  });

  it("lists the key's namespace", async () => {
    expect(await same((ow) => ow.namespaces.list())).toEqual({ ok: true, value: ["guest"] });
  });

  it("creates, updates and deletes an action and a package in the whole domain", async () => {
    const created = await viaProxy.actions.create({
      name: "made-by-client",
      action: "function main(p) { return { made: true }; }",
    });
    expect(created).toMatchObject({ namespace: "guest", name: "made-by-client", version: "0.0.1" });
    // The domain put it on each installation: the mock, asked directly, holds it.
    expect(await direct.actions.get({ name: "made-by-client" })).toMatchObject({
      exec: { code: "function main(p) { return { made: true }; }" },
    });
    const updated = await viaProxy.actions.update({
      name: "made-by-client",
      action: "function main(p) { return { made: 2 }; }",
    });
    expect(updated).toMatchObject({ version: "0.0.2" });
    await expect(
      viaProxy.actions.create({ name: "made-by-client", action: "function main() {}" }),
    ).rejects.toMatchObject({ statusCode: 409 });
    expect(await viaProxy.actions.delete({ name: "made-by-client" })).toMatchObject({
      name: "made-by-client",
    });
    await expect(direct.actions.get({ name: "made-by-client" })).rejects.toMatchObject({
      statusCode: 404,
    });

    expect(await viaProxy.packages.create({ name: "client-pkg" })).toMatchObject({
      name: "client-pkg",
      binding: {},
    });
    expect(await viaProxy.packages.get({ name: "client-pkg" })).toMatchObject({ actions: [] });
    expect(await viaProxy.packages.delete({ name: "client-pkg" })).toMatchObject({
      name: "client-pkg",
    });
  });
});
