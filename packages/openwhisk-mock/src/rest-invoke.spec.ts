import { afterAll, describe, expect, it } from "vitest";
import { ACTIONS, call, mockFactory } from "../test/rest-call.js";

// Invocation statuses, bodies and headers as openwhisk-api.md §2 gives them.
const mocks = mockFactory();
afterAll(() => mocks.closeAll());
const mock = mocks.mock();

describe("invoke", () => {
  it("answers 200 with the record, header and no logs; 200 with the bare result with result=true", async () => {
    const full = await call(mock, "POST", `${ACTIONS}/copy?blocking=true`, {
      body: { input: "hi" },
    });
    expect(full.status).toBe(200);
    expect(full.headers.get("x-openwhisk-activation-id")).toBe(full.json.activationId);
    expect(full.headers.get("content-type")).toMatch(/^application\/json/);
    expect(full.json.logs).toEqual([]);
    expect(full.json.response).toEqual({
      result: { payload: "hi" },
      size: 16,
      status: "success",
      success: true,
    });
    const bare = await call(mock, "POST", `${ACTIONS}/copy?blocking=true&result=true`, {
      body: { input: "hi" },
    });
    expect(bare.json).toEqual({ payload: "hi" });
  });

  it("answers 202 {activationId} for non-blocking calls, whatever result says", async () => {
    for (const query of ["", "?", "?blocking=false&result=true"]) {
      const r = await call(mock, "POST", `${ACTIONS}/copy${query}`, { body: {} });
      expect(r.status).toBe(202);
      expect(Object.keys(r.json)).toEqual(["activationId"]);
      expect(r.headers.get("x-openwhisk-activation-id")).toBe(r.json.activationId);
    }
  });

  it("takes a missing body and missing content type as {}", async () => {
    const r = await call(mock, "POST", `${ACTIONS}/echo?blocking=true&result=true`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({});
  });

  it("answers 502 for an application error, with the result under result=true", async () => {
    const r = await call(mock, "POST", `${ACTIONS}/fail?blocking=true&result=true`, {
      body: { message: "m" },
    });
    expect(r.status).toBe(502);
    expect(r.json).toEqual({ error: "m" });
    expect(r.headers.get("x-openwhisk-activation-id")).toMatch(/^[0-9a-f]{32}$/);
  });

  it("stops an action at its own time limit: 502 developer error with the timeout annotation", async () => {
    const created = await call(mock, "PUT", `${ACTIONS}/spin`, {
      body: {
        exec: { kind: "nodejs:default", code: "function main() { for (;;) {} }" },
        limits: { timeout: 100 },
      },
    });
    expect(created.status).toBe(200);
    const r = await call(mock, "POST", `${ACTIONS}/spin?blocking=true`);
    expect(r.status).toBe(502);
    expect(r.json.response).toMatchObject({
      status: "action developer error",
      result: { error: "The action exceeded its time limits of 100 milliseconds." },
    });
    expect(r.json.annotations).toContainEqual({ key: "timeout", value: true });
    // The server is still serving after the loop was cut.
    expect((await call(mock, "POST", `${ACTIONS}/copy?blocking=true&result=true`)).status).toBe(
      200,
    );
  });

  it("answers 202 when the action outlasts the blocking wait", async () => {
    const r = await call(mock, "POST", `${ACTIONS}/sleep?blocking=true&timeout=1`, {
      body: { ms: 300 },
    });
    expect(r.status).toBe(202);
    expect(r.json.activationId).toBe(r.headers.get("x-openwhisk-activation-id"));
  });

  it("sends an array result bare even without result=true", async () => {
    await call(mock, "PUT", `${ACTIONS}/list`, {
      body: { exec: { kind: "nodejs:20", code: "const main = () => [1, 2]" } },
    });
    const r = await call(mock, "POST", `${ACTIONS}/list?blocking=true`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual([1, 2]);
  });

  it.each([
    [
      "blocking=maybe",
      "The query parameter 'blocking' was malformed:\n'maybe' is not a valid Boolean value",
    ],
    [
      "blocking=true&timeout=0",
      "The query parameter 'timeout' was malformed:\nTimeout must be number of milliseconds up to 60000.",
    ],
    [
      "blocking=true&timeout=60001",
      "The query parameter 'timeout' was malformed:\nTimeout must be number of milliseconds up to 60000.",
    ],
  ])("answers 400 to %s", async (query, error) => {
    const r = await call(mock, "POST", `${ACTIONS}/copy?${query}`);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe(error);
  });

  it("answers 400 to an illegal entity name", async () => {
    const r = await call(mock, "POST", "/api/v1/namespaces/_/actions/bad%3Bname");
    expect(r.status).toBe(400);
    expect(r.json.error).toBe("The name of the entity contains illegal characters.");
  });

  it("answers 413 above the payload limit, by Content-Length or by counting", async () => {
    const small = mocks.mock({ maxBodyBytes: 100 });
    const body = JSON.stringify({ input: "x".repeat(200) });
    const declared = await call(small, "POST", `${ACTIONS}/copy`, {
      body,
      headers: { "content-type": "application/json", "content-length": String(body.length) },
    });
    expect(declared.status).toBe(413);
    expect(declared.json.error).toBe("Request larger than allowed: 212 > 100 bytes.");
    const counted = await call(small, "POST", `${ACTIONS}/copy`, {
      body,
      headers: { "content-type": "application/json" },
    });
    expect(counted.status).toBe(413);
    expect(counted.json.error).toMatch(/^Request larger than allowed: \d+ > 100 bytes\.$/);
  });

  it("answers 415 to a non-JSON body and 400 to malformed or non-object JSON", async () => {
    const text = await call(mock, "POST", `${ACTIONS}/copy`, {
      body: "a=1",
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(415);
    expect(text.json.error).toBe(
      "The request's Content-Type is not supported. Expected:\napplication/json",
    );
    const broken = await call(mock, "POST", `${ACTIONS}/copy`, {
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect(broken.status).toBe(400);
    expect(broken.json.error).toMatch(/^The request content was malformed:\n/);
    const array = await call(mock, "POST", `${ACTIONS}/copy`, {
      body: "[1]",
      headers: { "content-type": "application/json" },
    });
    expect(array.status).toBe(400);
  });
});

describe("warm activations", () => {
  const counter = (step: number) => ({
    exec: {
      kind: "nodejs:default",
      code: `let count = 0; function main() { count += ${step}; return { count } }`,
    },
  });
  const invoke = async () =>
    (await call(mock, "POST", `${ACTIONS}/counter?blocking=true&result=true`, { body: {} })).json;

  it("keep an action's module-level state from one activation to the next, until it is updated or deleted", async () => {
    expect((await call(mock, "PUT", `${ACTIONS}/counter`, { body: counter(1) })).status).toBe(200);
    expect(await invoke()).toEqual({ count: 1 });
    expect(await invoke()).toEqual({ count: 2 });
    const updated = await call(mock, "PUT", `${ACTIONS}/counter?overwrite=true`, {
      body: counter(10),
    });
    expect(updated.status).toBe(200);
    expect(await invoke()).toEqual({ count: 10 });
    expect(await invoke()).toEqual({ count: 20 });
    // Same code again: a new version all the same, so a fresh start.
    await call(mock, "PUT", `${ACTIONS}/counter?overwrite=true`, { body: counter(10) });
    expect(await invoke()).toEqual({ count: 10 });
    expect((await call(mock, "DELETE", `${ACTIONS}/counter`)).status).toBe(200);
    await call(mock, "PUT", `${ACTIONS}/counter`, { body: counter(1) });
    expect(await invoke()).toEqual({ count: 1 });
  });
});
