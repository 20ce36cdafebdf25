import {
  type ActionDescription,
  type ActivationRecord,
  type ErrorBody,
  GUEST_KEY,
} from "@soe/openwhisk";
import openwhisk from "openwhisk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningOpenWhiskMock, startOpenWhiskMock } from "./server.js";

// The official npm client, unchanged, against the mock: what a real OpenWhisk user would run.
let mock: RunningOpenWhiskMock;
let ow: openwhisk.Client;

beforeAll(async () => {
  mock = await startOpenWhiskMock({ preload: ["copy", "fail", "crash", "sleep", "log"] });
  // The scheme matters: a bare host:port would make the client use https.
  ow = openwhisk({ apihost: mock.url, api_key: GUEST_KEY });
});
afterAll(() => mock.close());

/** What the client rejects with: its OpenWhiskError, or the raw body of a 202 under `result`. */
interface Rejection {
  name?: string;
  message?: string;
  statusCode?: number;
  error?: Partial<ErrorBody & ActivationRecord>;
  activationId?: string;
}

async function rejection(promise: Promise<unknown>): Promise<Rejection> {
  try {
    await promise;
  } catch (error) {
    return error as Rejection;
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

describe("official openwhisk client: invoke", () => {
  it("resolves a blocking invoke with result to the action's result", async () => {
    const result = await ow.actions.invoke({
      name: "copy",
      blocking: true,
      result: true,
      params: { input: "hello" },
    });
    expect(result).toEqual({ payload: "hello" });
  });

  it("resolves a blocking invoke to the activation record", async () => {
    const record = (await ow.actions.invoke({
      name: "/guest/copy",
      blocking: true,
      params: { input: "x" },
    })) as unknown as ActivationRecord;
    expect(record.activationId).toMatch(/^[0-9a-f]{32}$/);
    expect(record).toMatchObject({
      namespace: "guest",
      name: "copy",
      version: "0.0.1",
      subject: "guest",
      publish: false,
      logs: [],
      response: { status: "success", success: true, result: { payload: "x" } },
    });
    expect(record.annotations).toContainEqual({ key: "path", value: "guest/copy" });
  });

  it("returns an activation id for a non-blocking invoke, then the record from activations.get", async () => {
    const accepted = (await ow.actions.invoke({ name: "copy", params: { input: "later" } })) as {
      activationId: string;
    };
    expect(accepted.activationId).toMatch(/^[0-9a-f]{32}$/);
    const record = await activationOf(accepted.activationId);
    expect(record.response).toMatchObject({ status: "success", result: { payload: "later" } });
    expect(await ow.activations.result({ name: accepted.activationId })).toMatchObject({
      result: { payload: "later" },
      success: true,
    });
  });

  it("keeps the logs of an activation for activations.logs", async () => {
    const record = (await ow.actions.invoke({
      name: "log",
      blocking: true,
      params: { a: 1 },
    })) as unknown as ActivationRecord;
    expect(record.logs).toEqual([]);
    const { logs } = (await ow.activations.logs({ name: record.activationId })) as {
      logs: string[];
    };
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout: a=1$/);
    expect(logs[1]).toMatch(/ stderr: logged 1 parameters$/);
  });

  it("rejects an application error with 502 and the activation in the error", async () => {
    const error = await rejection(
      ow.actions.invoke({ name: "fail", blocking: true, params: { message: "no luck" } }),
    );
    expect(error.name).toBe("OpenWhiskError");
    expect(error.statusCode).toBe(502);
    expect(error.error?.response).toMatchObject({
      status: "application error",
      success: false,
      result: { error: "no luck" },
    });
    expect(error.message).toContain('Returned HTTP 502 (Bad Gateway) --> "no luck"');
  });

  it("rejects a crashing action with 502 as a developer error", async () => {
    const error = await rejection(
      ow.actions.invoke({ name: "crash", blocking: true, result: true }),
    );
    expect(error.statusCode).toBe(502);
    expect(error.error?.response?.status).toBe("action developer error");
  });

  it("rejects with the raw {activationId} when the blocking wait runs out", async () => {
    const impatient = await startOpenWhiskMock({ preload: ["sleep"], maxBlockingWaitMs: 20 });
    try {
      const client = openwhisk({ apihost: impatient.url, api_key: GUEST_KEY });
      const outcome = await rejection(
        client.actions.invoke({ name: "sleep", blocking: true, result: true, params: { ms: 400 } }),
      );
      expect(Object.keys(outcome)).toEqual(["activationId"]);
      expect(outcome.activationId).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await impatient.close();
    }
  });

  it("rejects an unknown action with 404 and OpenWhisk's text", async () => {
    const error = await rejection(ow.actions.invoke({ name: "nope", blocking: true }));
    expect(error.statusCode).toBe(404);
    expect(error.error).toMatchObject({ error: "The requested resource does not exist." });
    expect(error.error?.code).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("rejects a wrong key with 401", async () => {
    const intruder = openwhisk({
      apihost: mock.url,
      api_key:
        "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:wrongwrongwrongwrongwrongwrongwrongwrongwrongwrongwrongwrong1234",
    });
    const error = await rejection(intruder.actions.invoke({ name: "copy", blocking: true }));
    expect(error.statusCode).toBe(401);
    expect(error.error?.error).toBe("The supplied authentication is invalid");
  });
});

describe("official openwhisk client: actions", () => {
  it("lists the namespace's actions", async () => {
    const actions = (await ow.actions.list()) as { name: string; namespace: string }[];
    expect(actions.map((a) => a.name).sort()).toEqual(
      expect.arrayContaining(["copy", "crash", "fail", "log", "sleep"]),
    );
    expect(actions.every((a) => a.namespace === "guest")).toBe(true);
    expect(await ow.actions.list({ count: true })).toEqual({
      actions: actions.length,
    });
  });

  it("creates, reads, updates, invokes and deletes an action", async () => {
    const created = (await ow.actions.create({
      name: "double",
      action: "function main(p) { return { n: p.n * 2 } }",
    })) as unknown as ActionDescription;
    expect(created).toMatchObject({
      name: "double",
      namespace: "guest",
      version: "0.0.1",
      exec: { kind: "nodejs:20" },
    });
    await expect(
      ow.actions.create({ name: "double", action: "function main() {}" }),
    ).rejects.toMatchObject({ statusCode: 409 });

    const updated = (await ow.actions.update({
      name: "double",
      action: "function main(p) { return { n: p.n * 3 } }",
    })) as unknown as ActionDescription;
    expect(updated.version).toBe("0.0.2");
    expect(
      await ow.actions.invoke({ name: "double", blocking: true, result: true, params: { n: 5 } }),
    ).toEqual({ n: 15 });
    const read = (await ow.actions.get({ name: "double" })) as unknown as ActionDescription;
    expect(read.exec.code).toContain("p.n * 3");

    await ow.actions.delete({ name: "double" });
    await expect(ow.actions.get({ name: "double" })).rejects.toMatchObject({ statusCode: 404 });
  });

  it("runs actions inside packages and lists them under ns/pkg", async () => {
    await ow.packages.create({
      name: "demo",
      package: { parameters: [{ key: "greeting", value: "Hi" }] },
    });
    await ow.actions.create({
      name: "demo/hello",
      action: "function main(p) { return { payload: p.greeting + ' ' + p.name } }",
      params: { name: "nobody" },
    });
    expect(
      await ow.actions.invoke({
        name: "demo/hello",
        blocking: true,
        result: true,
        params: { name: "John" },
      }),
    ).toEqual({
      payload: "Hi John",
    });
    expect(
      await ow.actions.invoke({ name: "/guest/demo/hello", blocking: true, result: true }),
    ).toEqual({
      payload: "Hi nobody",
    });
    const listed = (await ow.actions.list()) as { name: string; namespace: string }[];
    expect(listed).toContainEqual(
      expect.objectContaining({ name: "hello", namespace: "guest/demo" }),
    );
    await expect(ow.packages.delete({ name: "demo" })).rejects.toMatchObject({ statusCode: 409 });
    await ow.actions.delete({ name: "demo/hello" });
    await ow.packages.delete({ name: "demo" });
  });
});
