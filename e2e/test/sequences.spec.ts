import openwhisk from "openwhisk";
import { describe, expect, test } from "vitest";
import { GUEST_KEY, SEED } from "../src/index.js";
import { useSeedScenario } from "./support/seed-domain.js";

// Sequences across the domain (issue 11), on the seed scenario with the openwhisk npm client
// through the proxy: one sequence runs an action pinned to OW1, the native computer's `clambda0`
// (a simulated lambda that copies its input) and an action pinned to OW2, each component routed
// on its own. The proxy runs the sequence; no OpenWhisk holds it.
const TOKEN = "e2e-sequences-token";
const scenario = useSeedScenario({
  leaseTtlSeconds: 3,
  listerPeriodSeconds: 0.2,
  token: TOKEN,
  labelInstallations: true,
  reconcilePeriodSeconds: 0.5,
});

type Client = ReturnType<typeof openwhisk>;
const client = (apihost: string): Client => openwhisk({ apihost, api_key: GUEST_KEY });
/** The proxy, as a user would reach the domain. */
const domain = () => client(scenario().proxyUrl);
/** One installation's own OpenWhisk, asked directly. */
const installation = (name: string) => client(scenario().ports.url(name));

interface Record {
  activationId: string;
  name: string;
  cause?: string;
  logs: string[];
  response: { status: string; success: boolean; result: unknown };
  annotations: { key: string; value: unknown }[];
}
const annotation = (record: Record, key: string) =>
  record.annotations.find((a) => a.key === key)?.value;

/** A sequence component that adds `{[field]: true}`, placed on one installation only. */
async function pinned(name: string, installationName: string, field: string) {
  await domain().actions.create({
    name,
    action: `function main(p) { return { ...p, ${field}: true }; }`,
    annotations: { "soe-placement": `installation=${installationName}` },
  } as never);
}

async function holds(ow: Client, name: string): Promise<boolean> {
  try {
    await ow.actions.get({ name });
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

async function invokeFailing(name: string, params: object): Promise<Record> {
  try {
    await domain().actions.invoke({ name, blocking: true, params });
  } catch (error) {
    const failure = error as { statusCode?: number; error?: Record };
    expect(failure.statusCode).toBe(502);
    return failure.error as Record;
  }
  throw new Error(`${name} did not fail`);
}

describe("a sequence across OW1, the native computer and OW2", () => {
  test("runs each component where it lives and records OpenWhisk's sequence activation", async () => {
    await pinned("up1", SEED.ow1, "ow1");
    await pinned("up2", SEED.ow2, "ow2");
    const created = await domain().actions.create({
      name: "span",
      sequence: ["/_/up1", "/_/clambda0", "/_/up2"],
    } as never);
    expect(created).toMatchObject({
      name: "span",
      exec: { kind: "sequence", components: ["/guest/up1", "/guest/clambda0", "/guest/up2"] },
    });
    for (const ow of [installation(SEED.ow1), installation(SEED.ow2)]) {
      expect(await holds(ow, "span")).toBe(false);
    }

    const record = (await domain().actions.invoke({
      name: "span",
      blocking: true,
      params: { start: 1 },
    })) as unknown as Record;
    expect(record.response).toMatchObject({
      status: "success",
      result: { start: 1, ow1: true, ow2: true },
    });
    expect(annotation(record, "topmost")).toBe(true);
    expect(annotation(record, "kind")).toBe("sequence");
    expect(record.logs).toHaveLength(3);

    // activations get / logs / result of the sequence, and of each component.
    const id = record.activationId;
    const got = (await domain().activations.get({ name: id })) as unknown as Record;
    expect(got.logs).toEqual(record.logs);
    expect(await domain().activations.logs({ name: id })).toEqual({ logs: record.logs });
    expect(await domain().activations.result({ name: id })).toMatchObject({
      result: { start: 1, ow1: true, ow2: true },
      success: true,
    });
    const components = await Promise.all(
      record.logs.map(
        async (component) =>
          (await domain().activations.get({ name: component })) as unknown as Record,
      ),
    );
    expect(components.map((c) => c.name)).toEqual(["up1", "clambda0", "up2"]);
    for (const component of components) {
      expect(component.cause).toBe(id);
      expect(annotation(component, "causedBy")).toBe("sequence");
    }
    // clambda0 copied its input: what OW1's action answered.
    expect(components[1]?.response.result).toEqual({ start: 1, ow1: true });
    // OW1 ran up1 and OW2 ran up2, each once.
    const ranOn = async (ow: Client, name: string) =>
      ((await ow.activations.list({ name, count: true })) as unknown as { activations: number })
        .activations;
    expect(await ranOn(installation(SEED.ow1), "up1")).toBe(1);
    expect(await ranOn(installation(SEED.ow2), "up2")).toBe(1);

    // The listing shows the sequence's activation with the others.
    const listed = (await domain().activations.list({ name: "span" })) as unknown as Record[];
    expect(listed.map((a) => a.activationId)).toContain(id);
  });

  test("result=true answers the last component's result alone", async () => {
    const result = await domain().actions.invoke({
      name: "span",
      blocking: true,
      result: true,
      params: { n: 2 },
    });
    expect(result).toEqual({ n: 2, ow1: true, ow2: true });
  });

  test("an error in the middle ends the sequence with that component's response", async () => {
    await domain().actions.create({
      name: "refuse",
      action: "function main(p) { return { error: p.message }; }",
    });
    await domain().actions.create({
      name: "broken",
      sequence: ["/_/up1", "/_/refuse", "/_/up2"],
    } as never);
    const record = await invokeFailing("broken", { message: "stopped in the middle" });
    expect(record.response).toMatchObject({
      status: "application error",
      success: false,
      result: { error: "stopped in the middle" },
    });
    expect(record.logs).toHaveLength(2);
  });

  test("whisk.system's public utilities serve as components, by their fully qualified names", async () => {
    await domain().actions.create({
      name: "sorted",
      sequence: ["/whisk.system/utils/split", "/whisk.system/utils/sort"],
    } as never);
    const result = await domain().actions.invoke({
      name: "sorted",
      blocking: true,
      result: true,
      params: { payload: "pear\napple\nfig" },
    });
    expect(result).toMatchObject({ lines: ["apple", "fig", "pear"], length: 3 });
  });

  test("a component removed after the sequence was made fails it at invoke, as OpenWhisk does", async () => {
    await domain().actions.create({ name: "temporary", action: "function main(p) { return p; }" });
    await domain().actions.create({
      name: "orphaned",
      sequence: ["/_/up1", "/_/temporary"],
    } as never);
    await domain().actions.delete({ name: "temporary" });
    const record = await invokeFailing("orphaned", {});
    expect(record.response).toMatchObject({
      status: "application error",
      result: { error: "Sequence component does not exist." },
    });
    expect(record.logs).toHaveLength(1);
  });

  test("a missing component is refused at create, as OpenWhisk does", async () => {
    await expect(
      domain().actions.create({ name: "dangling", sequence: ["/_/up1", "/_/nowhere"] } as never),
    ).rejects.toMatchObject({
      statusCode: 400,
      error: { error: "Sequence component does not exist." },
    });
  });

  test("OpenWhisk's limit of 50 actions, nested sequences counted", async () => {
    await expect(
      domain().actions.create({ name: "too-long", sequence: Array(51).fill("/_/up1") } as never),
    ).rejects.toMatchObject({
      statusCode: 400,
      error: { error: "Too many actions in the sequence." },
    });
    await domain().actions.create({ name: "half", sequence: Array(26).fill("/_/copy") } as never);
    await expect(
      domain().actions.create({ name: "doubled", sequence: ["/_/half", "/_/half"] } as never),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});
