import {
  type ActionDescription,
  type ActivationRecord,
  GUEST_KEY,
  type PackageDescription,
} from "@soe/openwhisk";
import { strToU8, zipSync } from "fflate";
import openwhisk from "openwhisk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningOpenWhiskMock, startOpenWhiskMock } from "./server.js";

// What a user deploying with the official npm client does, against the mock.
let mock: RunningOpenWhiskMock;
let ow: openwhisk.Client;

beforeAll(async () => {
  mock = await startOpenWhiskMock({ preload: ["copy"] });
  ow = openwhisk({ apihost: mock.url, api_key: GUEST_KEY });
});
afterAll(() => mock.close());

function zip(files: Record<string, string>): Buffer {
  const entries = Object.fromEntries(Object.entries(files).map(([n, t]) => [n, strToU8(t)]));
  return Buffer.from(zipSync(entries));
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

async function raw(path: string): Promise<unknown> {
  const response = await fetch(`${mock.url}/api/v1/namespaces/_/${path}`, {
    headers: { authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}` },
  });
  return response.json();
}

describe("official openwhisk client: deploying actions", () => {
  it("creates a zipped action from a Buffer, runs it, and gives the code back as sent", async () => {
    const archive = zip({
      "package.json": JSON.stringify({ name: "zipped", main: "lib/main.js" }),
      "lib/main.js":
        "const { shout } = require('./shout'); exports.main = (p) => ({ said: shout(p.word) });",
      "lib/shout.js": "exports.shout = (w) => String(w).toUpperCase() + '!';",
    });
    const created = (await ow.actions.create({
      name: "zipped",
      action: archive,
    })) as unknown as ActionDescription;
    expect(created.exec).toMatchObject({ kind: "nodejs:20", binary: true });
    expect(
      await ow.actions.invoke({
        name: "zipped",
        blocking: true,
        result: true,
        params: { word: "hey" },
      }),
    ).toEqual({ said: "HEY!" });

    const read = (await ow.actions.get({ name: "zipped" })) as unknown as ActionDescription;
    expect(read.exec).toMatchObject({ binary: true, code: archive.toString("base64") });
    const withoutCode = (await ow.actions.get({
      name: "zipped",
      code: false,
    } as { name: string })) as unknown as ActionDescription;
    expect(withoutCode.exec).toEqual({ kind: "nodejs:20", binary: true });
    const listed = (await ow.actions.list()) as { name: string; exec: { binary: boolean } }[];
    expect(listed.find((a) => a.name === "zipped")?.exec).toEqual({ binary: true });
  });

  it("updates an action keeping what the update leaves out", async () => {
    await ow.actions.create({
      name: "tuned",
      action: "function main(p) { return { p } }",
      params: { a: 1 },
      limits: { timeout: 5000, memory: 256 },
    });
    const updated = (await ow.actions.update({
      name: "tuned",
      action: { limits: { memory: 512 }, annotations: [{ key: "note", value: "x" }] },
    } as unknown as Parameters<typeof ow.actions.update>[0])) as unknown as ActionDescription;
    expect(updated).toMatchObject({
      version: "0.0.2",
      parameters: [{ key: "a", value: 1 }],
      limits: { timeout: 5000, memory: 512 },
      exec: { code: "function main(p) { return { p } }" },
    });
    expect(updated.annotations).toContainEqual({ key: "note", value: "x" });
  });

  it("rejects a zip with no entry point at invocation, as the runtime does", async () => {
    await ow.actions.create({
      name: "noentry",
      action: zip({ "main.js": "exports.main = () => ({})" }),
    });
    const error = await ow.actions.invoke({ name: "noentry", blocking: true, result: true }).then(
      () => undefined,
      (e: { statusCode?: number; error?: unknown }) => e,
    );
    expect(error).toMatchObject({
      statusCode: 502,
      error: {
        response: {
          status: "action developer error",
          result: {
            error:
              "Initialization has failed due to: Zipped actions must contain either package.json or index.js at the root.",
          },
        },
      },
    });
  });

  it("runs a sequence of its components", async () => {
    await ow.actions.create({
      name: "inc",
      action: "function main(p) { return { n: (p.n || 0) + 1 } }",
    });
    // `_` in a component is the caller's namespace, resolved when the sequence is stored.
    const seq = (await ow.actions.create({
      name: "twice",
      sequence: ["/guest/inc", "/_/inc"],
    } as never)) as unknown as ActionDescription;
    expect(seq.exec).toEqual({ kind: "sequence", components: ["/guest/inc", "/guest/inc"] });
    expect(
      await ow.actions.invoke({ name: "twice", blocking: true, result: true, params: { n: 1 } }),
    ).toEqual({
      n: 3,
    });

    // The sequence's record: the last response, its components' activation ids as logs.
    const { activationId } = (await ow.actions.invoke({ name: "twice", params: { n: 5 } })) as {
      activationId: string;
    };
    const record = await activationOf(activationId);
    expect(record.response).toMatchObject({ success: true, result: { n: 7 } });
    expect(record.annotations).toEqual(
      expect.arrayContaining([
        { key: "topmost", value: true },
        { key: "kind", value: "sequence" },
      ]),
    );
    expect(record.logs).toHaveLength(2);
    const component = await activationOf(record.logs[0] as string);
    expect(component).toMatchObject({ name: "inc", cause: activationId });
    expect(component.annotations).toContainEqual({ key: "causedBy", value: "sequence" });
  });
});

describe("official openwhisk client: packages and bindings", () => {
  it("merges parameters bound package < binding < action < invocation", async () => {
    await ow.packages.create({
      name: "utils",
      package: {
        parameters: [
          { key: "a", value: "package" },
          { key: "b", value: "package" },
          { key: "c", value: "package" },
          { key: "d", value: "package" },
        ],
      },
    });
    await ow.actions.create({
      name: "utils/show",
      action: "function main(p) { return { a: p.a, b: p.b, c: p.c, d: p.d } }",
      params: { c: "action", d: "action" },
    });
    const binding = (await ow.packages.create({
      name: "mine",
      package: {
        binding: { namespace: "guest", name: "utils" },
        parameters: [
          { key: "b", value: "binding" },
          { key: "c", value: "binding" },
        ],
      },
    })) as unknown as PackageDescription;
    expect(binding.binding).toEqual({ namespace: "guest", name: "utils" });

    expect(await ow.actions.invoke({ name: "utils/show", blocking: true, result: true })).toEqual({
      a: "package",
      b: "package",
      c: "action",
      d: "action",
    });
    expect(
      await ow.actions.invoke({
        name: "mine/show",
        blocking: true,
        result: true,
        params: { d: "call" },
      }),
    ).toEqual({ a: "package", b: "binding", c: "action", d: "call" });

    const read = (await ow.packages.get({ name: "mine" })) as unknown as PackageDescription;
    expect(read).toMatchObject({
      name: "mine",
      binding: { namespace: "guest", name: "utils" },
      actions: [expect.objectContaining({ name: "show" })],
    });
    expect(read.parameters).toEqual([
      { key: "a", value: "package" },
      { key: "b", value: "binding" },
      { key: "c", value: "binding" },
      { key: "d", value: "package" },
    ]);
    // Listing a binding lists the bound package's actions, under their own namespace.
    expect(await raw("actions/mine/")).toEqual([
      expect.objectContaining({ name: "show", namespace: "guest/utils" }),
    ]);
    const packages = (await ow.packages.list()) as { name: string; binding: unknown }[];
    expect(packages.find((p) => p.name === "mine")?.binding).toEqual({
      namespace: "guest",
      name: "utils",
    });
    expect(packages.find((p) => p.name === "utils")?.binding).toBe(false);
  });

  it("refuses a binding to a package that does not exist", async () => {
    await expect(
      ow.packages.create({
        name: "dangling",
        package: { binding: { namespace: "guest", name: "nope" } },
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      error: { error: "Binding references a package that does not exist." },
    });
  });
});

describe("official openwhisk client: namespaces, triggers and rules", () => {
  it("lists the key's namespace, and everything in it with namespaces.get", async () => {
    expect(await ow.namespaces.list()).toEqual(["guest"]);
    await ow.triggers.create({ name: "tick" });
    await ow.rules.create({ name: "on-tick", trigger: "tick", action: "copy" });
    // The client's get() takes a namespace but always reads `_`'s four collections.
    const all = (await ow.namespaces.get({ namespace: "guest" })) as unknown as Record<
      string,
      { name: string }[]
    >;
    expect(Object.keys(all).sort()).toEqual(["actions", "packages", "rules", "triggers"]);
    expect(all.triggers?.map((t) => t.name)).toContain("tick");
    expect(all.rules?.map((r) => r.name)).toContain("on-tick");
    expect(all.actions?.map((a) => a.name)).toContain("copy");
  });

  it("creates, lists, pages, reads and deletes triggers and rules", async () => {
    for (const name of ["t1", "t2", "t3"]) await ow.triggers.create({ name });
    const page = (await ow.triggers.list({ limit: 2, skip: 1 })) as { name: string }[];
    expect(page).toHaveLength(2);
    expect(await ow.triggers.list({ count: true })).toEqual({
      triggers: (await ow.triggers.list()).length,
    });

    const rule = (await ow.rules.create({ name: "r1", trigger: "t1", action: "copy" })) as unknown;
    expect(rule).toMatchObject({
      name: "r1",
      namespace: "guest",
      trigger: { path: "guest", name: "t1" },
      action: { path: "guest", name: "copy" },
      status: "active",
    });
    const listed = (await ow.rules.list()) as { name: string; status?: string }[];
    expect(listed.find((r) => r.name === "r1")).toMatchObject({ trigger: { name: "t1" } });
    const trigger = (await ow.triggers.get({ name: "t1" })) as { rules?: unknown };
    expect(trigger.rules).toEqual({
      "guest/r1": { action: { path: "guest", name: "copy" }, status: "active" },
    });
    await expect(
      ow.rules.create({ name: "r2", trigger: "missing", action: "copy" }),
    ).rejects.toMatchObject({
      statusCode: 400,
      error: { error: "trigger /guest/missing does not exist" },
    });

    await ow.rules.delete({ name: "r1" });
    await ow.triggers.delete({ name: "t1" });
    await expect(ow.triggers.get({ name: "t1" })).rejects.toMatchObject({ statusCode: 404 });
  });
});
