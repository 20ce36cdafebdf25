import { zipSync, strToU8 } from "fflate";
import openwhisk from "openwhisk";
import { afterAll, describe, expect, test } from "vitest";
import { type Domain, GUEST_KEY, installationTopology, launchDomain, SEED } from "../src/index.js";
import { useSeedScenario } from "./support/seed-domain.js";

// The domain as one OpenWhisk (issue 10): a user deploys through the proxy with a namespace key
// only; the controller keeps the desired state and converges every installation to it. Each
// OpenWhisk (mock) is asked directly, with its own key, what it holds.
const TOKEN = "e2e-deploy-token";
const scenario = useSeedScenario({
  leaseTtlSeconds: 3,
  listerPeriodSeconds: 0.2,
  token: TOKEN,
  labelInstallations: true,
  reconcilePeriodSeconds: 0.5,
});

let late: Domain | undefined;
afterAll(async () => {
  await late?.stop();
}, 60_000);

function client(apihost: string) {
  return openwhisk({ apihost, api_key: GUEST_KEY });
}

/** The proxy, as a user would reach the domain. */
function domain() {
  return client(scenario().proxyUrl);
}

/** One installation's own OpenWhisk, asked directly. */
function installation(name: string) {
  return client(scenario().ports.url(name));
}

async function holds(ow: ReturnType<typeof client>, name: string): Promise<boolean> {
  try {
    await ow.actions.get({ name });
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

async function activationsOf(ow: ReturnType<typeof client>, name: string): Promise<number> {
  const counted = (await ow.activations.list({ name, count: true })) as unknown as {
    activations: number;
  };
  return counted.activations;
}

/** Polls until `check` holds (the reconciler's work is asynchronous by design). */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Blocking invocations through the proxy, four at a time. */
async function invokeMany(name: string, count: number, params: object = {}): Promise<unknown[]> {
  const results: unknown[] = [];
  for (let i = 0; i < count; i += 4) {
    const batch = Array.from({ length: Math.min(4, count - i) }, () =>
      domain().actions.invoke({ name, blocking: true, result: true, params }),
    );
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

const greet = (word: string) =>
  `function main(p) { return { text: "${word} " + (p.name || "world") }; }`;

describe("deploying through the proxy", () => {
  test("a created action answers at once, from both installations; an update answers everywhere at once", async () => {
    const ow1 = installation(SEED.ow1);
    const ow2 = installation(SEED.ow2);
    const created = await domain().actions.create({ name: "hello", action: greet("hello") });
    expect(created).toMatchObject({ name: "hello", namespace: "guest", version: "0.0.1" });

    // No wait between the create and the first invocation: read-your-writes.
    const results = await invokeMany("hello", 16, { name: "edge" });
    expect(results).toEqual(Array.from({ length: 16 }, () => ({ text: "hello edge" })));
    expect(await activationsOf(ow1, "hello")).toBeGreaterThan(0);
    expect(await activationsOf(ow2, "hello")).toBeGreaterThan(0);

    const updated = await domain().actions.update({ name: "hello", action: greet("bonjour") });
    expect(updated).toMatchObject({ name: "hello", version: "0.0.2" });
    expect(await invokeMany("hello", 8, { name: "edge" })).toEqual(
      Array.from({ length: 8 }, () => ({ text: "bonjour edge" })),
    );
    const described = (await domain().actions.get({ name: "hello" })) as {
      exec: { code: string };
    };
    expect(described.exec.code).toBe(greet("bonjour"));
  });

  test("creating an existing action without overwrite is a 409, as on OpenWhisk", async () => {
    await expect(
      domain().actions.create({ name: "hello", action: greet("again") }),
    ).rejects.toMatchObject({ statusCode: 409 });
  });

  test("a package's parameters reach the actions in it; the package is on both installations", async () => {
    await domain().packages.create({
      name: "tools",
      package: { parameters: [{ key: "name", value: "package" }] },
    });
    await domain().actions.create({ name: "tools/greet", action: greet("hi") });
    expect(await invokeMany("tools/greet", 4)).toEqual(
      Array.from({ length: 4 }, () => ({ text: "hi package" })),
    );
    const listed = (await domain().packages.list()) as { name: string }[];
    expect(listed.map((p) => p.name)).toContain("tools");
    for (const ow of [installation(SEED.ow1), installation(SEED.ow2)]) {
      expect(await ow.packages.get({ name: "tools" })).toMatchObject({ name: "tools" });
    }
  });

  test("a zipped action runs from its package.json's main", async () => {
    const zip = zipSync({
      "package.json": strToU8(JSON.stringify({ name: "zipped", main: "lib.js" })),
      "lib.js": strToU8("exports.main = (p) => ({ zipped: true, n: p.n });"),
    });
    await domain().actions.create({
      name: "zipped",
      action: Buffer.from(zip),
      kind: "nodejs:default",
    } as never);
    expect(await invokeMany("zipped", 4, { n: 3 })).toEqual(
      Array.from({ length: 4 }, () => ({ zipped: true, n: 3 })),
    );
  });

  test("a placement annotation keeps an action on the installations it selects", async () => {
    await domain().actions.create({
      name: "only-one",
      action: greet("one"),
      annotations: { "soe-placement": `installation=${SEED.ow1}` },
    } as never);
    expect(await holds(installation(SEED.ow1), "only-one")).toBe(true);
    expect(await holds(installation(SEED.ow2), "only-one")).toBe(false);
    expect(await invokeMany("only-one", 4)).toEqual(
      Array.from({ length: 4 }, () => ({ text: "one world" })),
    );
  });

  test("an installation joining later receives what is placed on it", async () => {
    const s = scenario();
    late = await launchDomain(
      installationTopology("wsk3", s.ports.endpoint(SEED.controller), {
        leaseTtlSeconds: 3,
        listerPeriodSeconds: 0.2,
        token: TOKEN,
      }),
    );
    const ow3 = client(late.ports.url("wsk3-ow"));
    await eventually("the late installation holds hello and tools/greet", async () => {
      return (await holds(ow3, "hello")) && (await holds(ow3, "tools/greet"));
    });
    expect(await holds(ow3, "only-one")).toBe(false);
  });

  test("an action removed behind the domain's back is restored", async () => {
    await installation(SEED.ow2).actions.delete({ name: "hello" });
    await eventually("OW2 holds hello again", () => holds(installation(SEED.ow2), "hello"));
  });

  test("a create while an installation is down answers a partial error, then heals", async () => {
    const s = scenario();
    await s.supervisor.stop(SEED.ow2);
    try {
      await expect(
        domain().actions.create({ name: "while-down", action: greet("down") }),
      ).rejects.toMatchObject({ statusCode: 502 });
      // The domain kept it: the desired state is readable, and the live installation serves it.
      expect(await domain().actions.get({ name: "while-down" })).toMatchObject({
        name: "while-down",
      });
      expect(await holds(installation(SEED.ow1), "while-down")).toBe(true);
    } finally {
      await s.supervisor.restart(SEED.ow2);
    }
    await eventually("OW2 holds while-down after it came back", () =>
      holds(installation(SEED.ow2), "while-down"),
    );
  });

  test("a deleted action is gone everywhere", async () => {
    await domain().actions.delete({ name: "hello" });
    await expect(domain().actions.get({ name: "hello" })).rejects.toMatchObject({
      statusCode: 404,
    });
    for (const name of [SEED.ow1, SEED.ow2]) {
      expect(await holds(installation(name), "hello")).toBe(false);
    }
    await expect(
      domain().actions.invoke({ name: "hello", blocking: true, result: true }),
    ).rejects.toMatchObject({ statusCode: 404 });
  });
});

/** A request shaped like the `wsk` CLI's (openwhisk-api.md §5.1): `_` namespace, Basic auth, JSON. */
async function wskRequest(apihost: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${apihost}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}`,
      "user-agent": "OpenWhisk-CLI/1.0 (2026-12-05) linux amd64",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: `${JSON.stringify(body)}\n` }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

/** What a client relies on: an object's member names, an array's element shape, or the value's type. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === "object") return Object.keys(value).sort();
  return typeof value;
}

describe("transparency: the wsk CLI's calls answer as one OpenWhisk answers them", () => {
  test("every deploy command gives the same status and body shape through the proxy as on one mock", async () => {
    const code = "function main(p) { return p; }";
    const steps: [method: string, path: string, body?: unknown][] = [
      [
        "PUT",
        "/namespaces/_/actions/t-act?overwrite=false",
        { namespace: "_", name: "t-act", exec: { kind: "nodejs:default", code } },
      ],
      [
        "PUT",
        "/namespaces/_/actions/t-act?overwrite=false",
        { namespace: "_", name: "t-act", exec: { kind: "nodejs:default", code } },
      ],
      ["GET", "/namespaces/_/actions/t-act"],
      ["GET", "/namespaces/_/actions/t-act?code=false"],
      [
        "PUT",
        "/namespaces/_/actions/t-act?overwrite=true",
        { parameters: [{ key: "a", value: 1 }] },
      ],
      [
        "PUT",
        "/namespaces/_/actions/t-limits?overwrite=false",
        { exec: { kind: "nodejs:default", code }, limits: { timeout: 50 } },
      ],
      ["PUT", "/namespaces/_/actions/t-nocode?overwrite=false", { parameters: [] }],
      [
        "PUT",
        "/namespaces/_/packages/t-pkg?overwrite=false",
        { namespace: "_", name: "t-pkg", parameters: [{ key: "p", value: "v" }] },
      ],
      ["GET", "/namespaces/_/packages/t-pkg"],
      [
        "PUT",
        "/namespaces/_/actions/t-pkg/inner?overwrite=false",
        { exec: { kind: "nodejs:default", code } },
      ],
      ["GET", "/namespaces/_/actions/t-pkg/inner"],
      ["GET", "/namespaces/_/actions/t-pkg/?limit=30&skip=0"],
      ["GET", "/namespaces/_/packages?limit=30&skip=0"],
      ["DELETE", "/namespaces/_/packages/t-pkg"],
      ["DELETE", "/namespaces/_/actions/t-pkg/inner"],
      ["DELETE", "/namespaces/_/packages/t-pkg"],
      ["DELETE", "/namespaces/_/actions/t-act"],
      ["DELETE", "/namespaces/_/actions/t-act"],
      ["GET", "/namespaces/_/actions/t-act"],
      ["GET", "/namespaces/_/packages/t-pkg"],
      ["GET", "/namespaces/_/triggers?limit=30&skip=0"],
      ["GET", "/namespaces/_/rules?limit=30&skip=0"],
      ["GET", "/namespaces"],
    ];
    const through = async (apihost: string) => {
      const answers: string[] = [];
      for (const [method, path, body] of steps) {
        const { status, body: answer } = await wskRequest(apihost, method, path, body);
        answers.push(`${method} ${path} → ${status} ${JSON.stringify(shape(answer))}`);
      }
      return answers;
    };
    // Triggers and rules are only read through the domain: one installation holds a pair.
    const ow1 = scenario().ports.url(SEED.ow1);
    expect((await wskRequest(ow1, "PUT", "/namespaces/_/triggers/t-trigger", {})).status).toBe(200);
    expect(
      (
        await wskRequest(ow1, "PUT", "/namespaces/_/actions/t-ruled", {
          exec: { kind: "nodejs:default", code },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await wskRequest(ow1, "PUT", "/namespaces/_/rules/t-rule", {
          trigger: "/_/t-trigger",
          action: "/_/t-ruled",
        })
      ).status,
    ).toBe(200);
    // One mock directly first: its answers are what OpenWhisk's would be.
    const direct = await through(scenario().ports.url(SEED.ow1));
    const proxied = await through(scenario().proxyUrl);
    expect(proxied).toEqual(direct);
  });
});

// The cases of the `openwhisk` npm client's own integration tests for actions, packages and
// namespaces (apache/openwhisk-client-js test/integration), written again here and run against
// the domain's proxy and against one OpenWhisk (mock) directly: both must pass them alike.
describe.each([
  ["the proxy", () => scenario().proxyUrl],
  ["one OpenWhisk mock", () => scenario().ports.url(SEED.ow1)],
])("the openwhisk client's integration cases against %s", (_target, apihost) => {
  const ow = () => client(apihost());
  const code = 'function main() {return {payload:"testing"}}';
  const statusOf = async (promise: Promise<unknown>) =>
    promise.then(
      () => 200,
      (error: { statusCode?: number }) => error.statusCode,
    );

  test("actions: lists in the default and the named namespace, 404s and 409s", async () => {
    const listed = (await ow().actions.list()) as { namespace: string }[];
    expect(listed.length).toBeGreaterThan(0);
    // (the client's own test runs in an empty namespace; here packages hold actions too, which
    // OpenWhisk lists as `guest/<package>`)
    for (const action of listed) expect(action.namespace.split("/")[0]).toBe("guest");
    const named = (await ow().actions.list({ namespace: "guest" })) as { namespace: string }[];
    for (const action of named) expect(action.namespace.split("/")[0]).toBe("guest");
    expect(await statusOf(ow().actions.get({ name: "glorfindel" }))).toBe(404);
    expect(await statusOf(ow().actions.delete({ name: "glorfindel" }))).toBe(404);
    await ow().actions.create({ name: "glorfindel2", action: "x=>x" });
    expect(await statusOf(ow().actions.create({ name: "glorfindel2", action: "x=>x" }))).toBe(409);
    await ow().actions.delete({ name: "glorfindel2" });
  });

  test("actions: create, get, update with parameters, get with and without code, delete", async () => {
    const created = (await ow().actions.create({
      name: "random_action_params_test",
      params: { hello: "world" },
      action: code,
    } as never)) as {
      name: string;
      namespace: string;
      parameters: unknown;
      exec: { kind: string; code: string };
    };
    expect(created.name).toBe("random_action_params_test");
    expect(created.namespace).toBe("guest");
    expect(created.parameters).toEqual([{ key: "hello", value: "world" }]);
    expect(created.exec.kind.startsWith("nodejs")).toBe(true);
    expect(created.exec.code).toBe(code);
    const updated = (await ow().actions.update({
      name: "random_action_params_test",
      params: { foo: "bar" },
      action: "update test",
    } as never)) as { parameters: unknown; exec: { code: string } };
    expect(updated.parameters).toEqual([{ key: "foo", value: "bar" }]);
    expect(updated.exec.code).toBe("update test");
    const withoutCode = (await ow().actions.get({
      name: "random_action_params_test",
      code: false,
    } as never)) as { exec: { code?: string } };
    expect(withoutCode.exec.code).toBeUndefined();
    const withCode = (await ow().actions.get({
      name: "random_action_params_test",
      code: true,
    } as never)) as { exec: { code?: string } };
    expect(withCode.exec.code).toBe("update test");
    await ow().actions.delete({ name: "random_action_params_test" });
  });

  test("actions: a zipped action with package.json is created and invoked", async () => {
    const zip = zipSync({
      "package.json": strToU8(JSON.stringify({ main: "index.js" })),
      "index.js": strToU8("function main(params) {return params};\nexports.main = main;"),
    });
    await ow().actions.create({ name: "random_package_action_test", action: Buffer.from(zip) });
    const invoked = (await ow().actions.invoke({
      name: "random_package_action_test",
      params: { hello: "world" },
      blocking: true,
    })) as { response: { result: unknown; success: boolean } };
    expect(invoked.response.result).toEqual({ hello: "world" });
    expect(invoked.response.success).toBe(true);
    await ow().actions.delete({ name: "random_package_action_test" });
  });

  test("packages: list, 404, create, get, update bumps the version, delete", async () => {
    const listed = (await ow().packages.list()) as { namespace: string }[];
    expect(Array.isArray(listed)).toBe(true);
    for (const pkg of listed) expect(pkg.namespace).toBe("guest");
    expect(await statusOf(ow().packages.get({ name: "glorfindel" }))).toBe(404);
    const created = (await ow().packages.create({ name: "random_package_update_test" })) as {
      name: string;
      namespace: string;
      annotations: unknown;
      version: string;
    };
    expect(created).toMatchObject({
      name: "random_package_update_test",
      namespace: "guest",
      annotations: [],
      version: "0.0.1",
    });
    const got = await ow().packages.get({ name: "random_package_update_test" });
    expect(got).toMatchObject({ name: "random_package_update_test", namespace: "guest" });
    const updated = (await ow().packages.update({ name: "random_package_update_test" })) as {
      version: string;
    };
    expect(updated.version).toBe("0.0.2");
    await ow().packages.delete({ name: "random_package_update_test" });
  });

  test("namespaces: list, and get each", async () => {
    const namespaces = (await ow().namespaces.list()) as string[];
    expect(namespaces).toEqual(["guest"]);
    const each = (await Promise.all(
      namespaces.map((namespace) => ow().namespaces.get({ namespace } as never)),
    )) as { actions: unknown[]; packages: unknown[] }[];
    for (const contents of each) {
      expect(Array.isArray(contents.actions)).toBe(true);
      expect(Array.isArray(contents.packages)).toBe(true);
    }
  });
});
