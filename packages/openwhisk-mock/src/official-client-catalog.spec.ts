import {
  type ActionDescription,
  type ActivationRecord,
  GUEST_KEY,
  type PackageDescription,
  WHISK_SYSTEM_KEY,
} from "@soe/openwhisk";
import { strToU8, zipSync } from "fflate";
import openwhisk from "openwhisk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningOpenWhiskMock, startOpenWhiskMock } from "./server.js";

// The openwhisk npm client's own integration tests (its test/integration: actions and packages),
// as they are written, against the mock; then what they rely on from a real deployment: the
// public `/whisk.system/utils` package, read, invoked, bound and sequenced from another namespace.
let mock: RunningOpenWhiskMock;
let ow: openwhisk.Client;
let system: openwhisk.Client;
const NAMESPACE = "guest";

beforeAll(async () => {
  mock = await startOpenWhiskMock({ keys: { guest: GUEST_KEY, "whisk.system": WHISK_SYSTEM_KEY } });
  ow = openwhisk({ apihost: mock.url, api_key: GUEST_KEY });
  system = openwhisk({ apihost: mock.url, api_key: WHISK_SYSTEM_KEY });
  // A package the system keeps to itself, beside the public catalog.
  await system.packages.create({ name: "secrets" });
  await system.actions.create({
    name: "secrets/peek",
    action: "function main() { return { secret: 42 } }",
  });
});
afterAll(() => mock.close());

interface Failure {
  statusCode?: number;
  error?: { error?: string };
}

async function failure(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    return error as Failure;
  }
  throw new Error("expected a rejection");
}

/** Polls until the activation is stored; bounded by attempts, not by a clock. */
async function activationOf(activationId: string): Promise<ActivationRecord> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      return (await ow.activations.get({ name: activationId })) as unknown as ActivationRecord;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  throw new Error(`activation ${activationId} never appeared`);
}

type Call = (options: object) => Promise<unknown>;
/**
 * The client's own tests name entities `actionName` and `packageName`, which it still accepts
 * but its types no longer declare.
 */
const legacy = {
  get actions() {
    return ow.actions as unknown as Record<"create" | "get" | "update" | "delete" | "invoke", Call>;
  },
  get packages() {
    return ow.packages as unknown as Record<"create" | "get" | "update" | "delete", Call>;
  },
};

/** GET of a path the client has no call for: the actions of a package (`wsk action list pkg`). */
async function raw(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${mock.url}/api/v1/namespaces/${path}`, {
    headers: { authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}` },
  });
  return { status: response.status, body: await response.json() };
}

const forbidden = (resource: string) => ({
  statusCode: 403,
  error: { error: `The supplied authentication is not authorized to access '${resource}'.` },
});

describe("openwhisk client integration tests: actions", () => {
  it("list all actions using default namespace", async () => {
    await ow.actions.create({ name: "listed", action: "x=>x" });
    const result = (await ow.actions.list()) as { namespace: string }[];
    expect(result.length).toBeGreaterThan(0);
    for (const action of result) expect(action.namespace).toBe(NAMESPACE);
  });

  it("list all actions using options namespace", async () => {
    const result = (await ow.actions.list({ namespace: NAMESPACE })) as { namespace: string }[];
    expect(result.length).toBeGreaterThan(0);
    for (const action of result) expect(action.namespace).toBe(NAMESPACE);
  });

  it("get a non-existing action, expecting 404", async () => {
    expect((await failure(ow.actions.get({ name: "glorfindel" }))).statusCode).toBe(404);
  });

  it("delete a non-existing action, expecting 404", async () => {
    expect((await failure(ow.actions.delete({ name: "glorfindel" }))).statusCode).toBe(404);
  });

  it("create with an existing action, expecting 409", async () => {
    await ow.actions.create({ name: "glorfindel2", action: "x=>x" });
    const again = await failure(ow.actions.create({ name: "glorfindel2", action: "x=>x" }));
    expect(again.statusCode).toBe(409);
  });

  it("create, get and delete an action", async () => {
    const code = 'function main() {return {payload:"testing"}}';
    const result = (await legacy.actions.create({
      actionName: "random_action_test",
      action: code,
    })) as unknown as ActionDescription;
    expect(result).toMatchObject({ name: "random_action_test", namespace: NAMESPACE });
    expect(result.exec.kind.startsWith("nodejs")).toBe(true);
    expect(result.exec.code).toBe(code);
    const read = (await legacy.actions.get({
      actionName: "random_action_test",
    })) as unknown as ActionDescription;
    expect(read).toMatchObject({ name: "random_action_test", namespace: NAMESPACE });
    await legacy.actions.delete({ actionName: "random_action_test" });
  });

  it("create and update an action", async () => {
    await legacy.actions.create({
      actionName: "random_update_tested",
      action: 'function main() {return {payload:"testing"}}',
    });
    const updated = (await legacy.actions.update({
      actionName: "random_update_tested",
      action: "update test",
    })) as unknown as ActionDescription;
    expect(updated.exec.code).toBe("update test");
    await legacy.actions.delete({ actionName: "random_update_tested" });
  });

  it("create, get and delete with parameters an action", async () => {
    const created = (await ow.actions.create({
      name: "random_action_params_test",
      params: { hello: "world" },
      action: 'function main() {return {payload:"testing"}}',
    })) as unknown as ActionDescription;
    expect(created.parameters).toEqual([{ key: "hello", value: "world" }]);
    const updated = (await legacy.actions.update({
      actionName: "random_action_params_test",
      params: { foo: "bar" },
      action: "update test",
    })) as unknown as ActionDescription;
    expect(updated).toMatchObject({ name: "random_action_params_test", namespace: NAMESPACE });
    expect(updated.parameters).toEqual([{ key: "foo", value: "bar" }]);
    await ow.actions.delete({ name: "random_action_params_test" });
  });

  it("get an action with and without its code", async () => {
    const code = 'function main() {return {payload:"testing"}}';
    await legacy.actions.create({ actionName: "random_action_get_test", action: code });
    const get = (options: object) =>
      legacy.actions.get({
        actionName: "random_action_get_test",
        ...options,
      }) as Promise<ActionDescription>;
    expect((await get({ code: false })).exec.code).toBeUndefined();
    expect((await get({ code: true })).exec.code).toBe(code);
    expect((await get({})).exec.code).toBe(code);
    await legacy.actions.delete({ actionName: "random_action_get_test" });
  });

  it("invoke action with fully-qualified name", async () => {
    const record = (await legacy.actions.invoke({
      actionName: "/whisk.system/utils/sort",
      blocking: true,
    })) as unknown as ActivationRecord;
    expect(record.response.success).toBe(true);
  });

  it("create, invoke and remove package action", async () => {
    const archive = zipSync({
      "package.json": strToU8(JSON.stringify({ main: "index.js" })),
      "index.js": strToU8("function main(params) {return params};\nexports.main = main;"),
    });
    await legacy.actions.create({
      actionName: "random_package_action_test",
      action: Buffer.from(archive),
    });
    const record = (await legacy.actions.invoke({
      actionName: "random_package_action_test",
      params: { hello: "world" },
      blocking: true,
    })) as unknown as ActivationRecord;
    expect(record.response.result).toEqual({ hello: "world" });
    expect(record.response.success).toBe(true);
    await legacy.actions.delete({ actionName: "random_package_action_test" });
  });

  it("create, get and delete sequence action", async () => {
    const created = (await legacy.actions.create({
      actionName: "my_sequence",
      sequence: ["/whisk.system/utils/echo"],
    } as never)) as unknown as ActionDescription;
    expect(created).toMatchObject({ name: "my_sequence", namespace: NAMESPACE });
    expect(created.exec).toEqual({ kind: "sequence", components: ["/whisk.system/utils/echo"] });
    const read = (await legacy.actions.get({
      actionName: "my_sequence",
    })) as unknown as ActionDescription;
    expect(read).toMatchObject({ name: "my_sequence", namespace: NAMESPACE });
    await legacy.actions.delete({ actionName: "my_sequence" });
  });
});

describe("openwhisk client integration tests: packages", () => {
  it("list all packages using default namespace, and using options namespace", async () => {
    await ow.packages.create({ name: "listed_package" });
    for (const options of [{}, { namespace: NAMESPACE }]) {
      const result = (await ow.packages.list(options)) as { namespace: string }[];
      expect(result.length).toBeGreaterThan(0);
      for (const pkg of result) expect(pkg.namespace).toBe(NAMESPACE);
    }
  });

  it("get a non-existing package, expecting 404", async () => {
    expect((await failure(ow.packages.get({ name: "glorfindel" }))).statusCode).toBe(404);
  });

  it("create, get and delete an package", async () => {
    const created = (await legacy.packages.create({
      packageName: "random_package_test",
    })) as unknown as PackageDescription;
    expect(created).toMatchObject({
      name: "random_package_test",
      namespace: NAMESPACE,
      annotations: [],
      version: "0.0.1",
    });
    const read = (await legacy.packages.get({
      packageName: "random_package_test",
    })) as unknown as PackageDescription;
    expect(read).toMatchObject({ name: "random_package_test", namespace: NAMESPACE });
    await legacy.packages.delete({ packageName: "random_package_test" });
  });

  it("create and update an package", async () => {
    await legacy.packages.create({ packageName: "random_package_update_test" });
    const updated = (await legacy.packages.update({
      packageName: "random_package_update_test",
    })) as unknown as PackageDescription;
    expect(updated.version).toBe("0.0.2");
    await legacy.packages.delete({ packageName: "random_package_update_test" });
  });
});

describe("the public /whisk.system/utils package, from another namespace", () => {
  it("is listed among whisk.system's packages, without its private ones", async () => {
    const listed = (await ow.packages.list({ namespace: "whisk.system" })) as {
      name: string;
      publish: boolean;
      binding: unknown;
    }[];
    expect(listed).toEqual([
      expect.objectContaining({ name: "utils", publish: true, binding: false }),
    ]);
    const own = (await system.packages.list()) as { name: string }[];
    expect(own.map((p) => p.name).sort()).toEqual(["secrets", "utils"]);
  });

  it("reads the package with its actions, and an action with its code", async () => {
    const pkg = (await ow.packages.get({
      name: "/whisk.system/utils",
    })) as unknown as PackageDescription;
    expect(pkg).toMatchObject({ namespace: "whisk.system", name: "utils", publish: true });
    expect(pkg.actions?.map((a) => a.name).sort()).toEqual(
      expect.arrayContaining(["cat", "date", "echo", "head", "sort", "split"]),
    );
    const sort = (await ow.actions.get({
      name: "/whisk.system/utils/sort",
    })) as unknown as ActionDescription;
    expect(sort).toMatchObject({ namespace: "whisk.system/utils", name: "sort" });
    expect(sort.exec.code).toContain("lines.sort()");
    const inPackage = await raw("whisk.system/actions/utils/");
    expect(inPackage.status).toBe(200);
    expect(inPackage.body).toContainEqual(
      expect.objectContaining({ name: "split", namespace: "whisk.system/utils" }),
    );
  });

  it("invokes sort by its fully qualified name; the record is the caller's", async () => {
    const record = (await ow.actions.invoke({
      name: "/whisk.system/utils/sort",
      blocking: true,
      params: { lines: ["delta", "alpha", "charlie"] },
    })) as unknown as ActivationRecord;
    expect(record).toMatchObject({
      namespace: NAMESPACE,
      name: "sort",
      subject: NAMESPACE,
      response: { success: true, result: { lines: ["alpha", "charlie", "delta"], length: 3 } },
    });
    expect(record.annotations).toContainEqual({ key: "path", value: "whisk.system/utils/sort" });
    const { logs } = (await ow.activations.logs({ name: record.activationId })) as {
      logs: string[];
    };
    expect(logs.some((l) => l.endsWith("stdout: sort after: alpha,charlie,delta"))).toBe(true);
    const mine = (await ow.activations.list({ name: "sort" } as never)) as {
      activationId: string;
    }[];
    expect(mine.map((a) => a.activationId)).toContain(record.activationId);
  });

  it("runs the catalog's utilities as the catalog documents them", async () => {
    const run = (name: string, params: object) =>
      ow.actions.invoke({
        name: `/whisk.system/utils/${name}`,
        blocking: true,
        result: true,
        params,
      });
    expect(await run("echo", { payload: "Five fuzzy felines" })).toEqual({
      payload: "Five fuzzy felines",
    });
    expect(await run("cat", { lines: [4, 2, 3] })).toEqual({
      lines: [4, 2, 3],
      payload: "4\n2\n3",
    });
    expect(await run("head", { lines: [4, 2, 3], num: 2 })).toEqual({ lines: [4, 2], num: 2 });
    expect(await run("split", { payload: "one,two,three", separator: "," })).toEqual({
      lines: ["one", "two", "three"],
      payload: "one,two,three",
    });
    expect(await run("date", {})).toEqual({ date: expect.any(String) });
    expect((await failure(run("split", {}))).statusCode).toBe(502);
  });

  it("binds it in the caller's namespace, with the binding's parameters under the call's", async () => {
    const binding = (await ow.packages.create({
      name: "myutils",
      package: {
        binding: { namespace: "whisk.system", name: "utils" },
        parameters: [{ key: "lines", value: ["b", "c", "a"] }],
      },
    })) as unknown as PackageDescription;
    expect(binding.binding).toEqual({ namespace: "whisk.system", name: "utils" });
    expect(await ow.actions.invoke({ name: "myutils/sort", blocking: true, result: true })).toEqual(
      { lines: ["a", "b", "c"], length: 3 },
    );
    expect(
      await ow.actions.invoke({
        name: "myutils/sort",
        blocking: true,
        result: true,
        params: { lines: ["z", "y"] },
      }),
    ).toEqual({ lines: ["y", "z"], length: 2 });
    const read = (await ow.packages.get({ name: "myutils" })) as unknown as PackageDescription;
    expect(read.parameters).toEqual([{ key: "lines", value: ["b", "c", "a"] }]);
    expect(read.actions?.map((a) => a.name)).toContain("sort");
    // Another namespace sees neither the binding nor its listing.
    await expect(system.packages.get({ name: "/guest/myutils" })).rejects.toMatchObject(
      forbidden("guest/myutils"),
    );
    const seen = (await system.packages.list({ namespace: "guest" })) as { name: string }[];
    expect(seen.map((p) => p.name)).not.toContain("myutils");
  });

  it("serves as components of the caller's sequences: split, sort, head", async () => {
    await ow.actions.create({
      name: "top_two",
      sequence: [
        "/whisk.system/utils/split",
        "/whisk.system/utils/sort",
        "/whisk.system/utils/head",
      ],
    } as never);
    const record = (await ow.actions.invoke({
      name: "top_two",
      blocking: true,
      params: { payload: "pear\napple\nfig", num: 2 },
    })) as unknown as ActivationRecord;
    // head gets only sort's result: `num` does not flow through, so it takes one line.
    expect(record.response).toMatchObject({
      success: true,
      result: { lines: ["apple"], num: 1 },
    });
    const full = await activationOf(record.activationId);
    expect(full.logs).toHaveLength(3);
    const paths = [];
    for (const id of full.logs) {
      const component = await activationOf(id);
      expect(component).toMatchObject({ namespace: NAMESPACE, cause: record.activationId });
      paths.push(component.annotations.find((a) => a.key === "path")?.value);
    }
    expect(paths).toEqual([
      "whisk.system/utils/split",
      "whisk.system/utils/sort",
      "whisk.system/utils/head",
    ]);
  });

  it("stops a sequence at a failing utility with its error", async () => {
    await ow.actions.create({
      name: "no_payload",
      sequence: [
        "/whisk.system/utils/echo",
        "/whisk.system/utils/split",
        "/whisk.system/utils/sort",
      ],
    } as never);
    const error = await failure(ow.actions.invoke({ name: "no_payload", blocking: true }));
    expect(error.statusCode).toBe(502);
    const record = (error as { error?: ActivationRecord }).error;
    expect(record?.response.status).toBe("action developer error");
    expect((await activationOf(record?.activationId ?? "")).logs).toHaveLength(2);
  });
});

describe("what another namespace keeps private", () => {
  it("refuses its private package, its actions and their listing with 403 naming the package", async () => {
    await expect(ow.packages.get({ name: "/whisk.system/secrets" })).rejects.toMatchObject(
      forbidden("whisk.system/secrets"),
    );
    await expect(ow.actions.get({ name: "/whisk.system/secrets/peek" })).rejects.toMatchObject(
      forbidden("whisk.system/secrets"),
    );
    await expect(
      ow.actions.invoke({ name: "/whisk.system/secrets/peek", blocking: true }),
    ).rejects.toMatchObject(forbidden("whisk.system/secrets"));
    expect(await raw("whisk.system/actions/secrets/")).toEqual({
      status: 403,
      body: expect.objectContaining(forbidden("whisk.system/secrets").error),
    });
    // Its owner reads and runs it.
    expect(
      await system.actions.invoke({ name: "secrets/peek", blocking: true, result: true }),
    ).toEqual({ secret: 42 });
  });

  it("answers a package it does not have like a private one, and a missing action of a public one 404", async () => {
    await expect(ow.packages.get({ name: "/whisk.system/nothing" })).rejects.toMatchObject(
      forbidden("whisk.system/nothing"),
    );
    await expect(
      ow.actions.invoke({ name: "/whisk.system/nothing/x", blocking: true }),
    ).rejects.toMatchObject(forbidden("whisk.system/nothing"));
    await expect(
      ow.actions.invoke({ name: "/whisk.system/utils/nothing", blocking: true }),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  it("refuses actions outside packages, changes, and the action listing", async () => {
    await system.actions.create({ name: "loose", action: "() => ({})" });
    await expect(ow.actions.get({ name: "/whisk.system/loose" })).rejects.toMatchObject(
      forbidden("whisk.system/loose"),
    );
    await expect(ow.actions.list({ namespace: "whisk.system" })).rejects.toMatchObject({
      statusCode: 403,
    });
    await expect(
      ow.actions.update({ name: "/whisk.system/utils/sort", action: "() => ({})" }),
    ).rejects.toMatchObject(forbidden("whisk.system/utils/sort"));
    await expect(ow.packages.delete({ name: "/whisk.system/utils" })).rejects.toMatchObject(
      forbidden("whisk.system/utils"),
    );
  });

  it("refuses bindings to it and sequences of it, before anything else", async () => {
    await expect(
      ow.packages.create({
        name: "peeking",
        package: { binding: { namespace: "whisk.system", name: "secrets" } },
      }),
    ).rejects.toMatchObject(forbidden("whisk.system/secrets"));
    await expect(
      ow.packages.create({
        name: "dangling",
        package: { binding: { namespace: "whisk.system", name: "nothing" } },
      }),
    ).rejects.toMatchObject(forbidden("whisk.system/nothing"));
    await expect(
      ow.actions.create({
        name: "peek_seq",
        sequence: ["/whisk.system/utils/echo", "/whisk.system/secrets/peek"],
      } as never),
    ).rejects.toMatchObject(forbidden("whisk.system/secrets"));
    await expect(
      ow.actions.create({ name: "loose_seq", sequence: ["/whisk.system/loose"] } as never),
    ).rejects.toMatchObject(forbidden("whisk.system/loose"));
    // A public package's missing action is the controller's usual refusal.
    await expect(
      ow.actions.create({ name: "gap_seq", sequence: ["/whisk.system/utils/nothing"] } as never),
    ).rejects.toMatchObject({
      statusCode: 400,
      error: { error: "Sequence component does not exist." },
    });
  });

  it("stops bindings and sequences from working once the package is no longer public", async () => {
    await system.packages.create({ name: "shared", package: { publish: true } });
    await system.actions.create({
      name: "shared/hi",
      action: "function main() { return { hi: true } }",
    });
    await ow.packages.create({
      name: "myshared",
      package: { binding: { namespace: "whisk.system", name: "shared" } },
    });
    await ow.actions.create({ name: "say_hi", sequence: ["/whisk.system/shared/hi"] } as never);
    expect(await ow.actions.invoke({ name: "myshared/hi", blocking: true, result: true })).toEqual({
      hi: true,
    });
    expect(await ow.actions.invoke({ name: "say_hi", blocking: true, result: true })).toEqual({
      hi: true,
    });
    await system.packages.update({ name: "shared", package: { publish: false } });
    await expect(ow.actions.invoke({ name: "say_hi", blocking: true })).rejects.toMatchObject(
      forbidden("whisk.system/shared"),
    );
    await expect(ow.actions.invoke({ name: "myshared/hi", blocking: true })).rejects.toMatchObject(
      forbidden("guest/myshared"),
    );
    await expect(ow.packages.get({ name: "myshared" })).rejects.toMatchObject(
      forbidden("guest/myshared"),
    );
  });
});
