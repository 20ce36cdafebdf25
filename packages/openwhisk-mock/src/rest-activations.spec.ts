import { afterAll, describe, expect, it } from "vitest";
import { ACTIONS, ACTIVATIONS, call, mockFactory } from "../test/rest-call.js";

// Activation records, results, logs and listings as openwhisk-api.md §4 gives them.
const mocks = mockFactory();
afterAll(() => mocks.closeAll());
const mock = mocks.mock();

describe("activations", () => {
  it("validates activation ids and answers 404 for unknown ones", async () => {
    const short = await call(mock, "GET", `${ACTIVATIONS}/abc`);
    expect(short.status).toBe(400);
    expect(short.json.error).toBe("Activation id length is 3 but must be 32.");
    expect((await call(mock, "GET", `${ACTIVATIONS}/${"z".repeat(32)}`)).json.error).toBe(
      "The activation id is not valid.",
    );
    expect((await call(mock, "GET", `${ACTIVATIONS}/${"0".repeat(32)}`)).status).toBe(404);
  });

  it("serves the record, its response and its logs", async () => {
    const own = mocks.mock({ preload: [] });
    await call(own, "PUT", `${ACTIONS}/talk`, {
      body: {
        exec: {
          kind: "nodejs:20",
          code: "function main() { console.log('said'); return { ok: true } }",
        },
      },
    });
    const invoked = await call(own, "POST", `${ACTIONS}/talk?blocking=true`);
    const id = invoked.json.activationId;
    const record = await call(own, "GET", `${ACTIVATIONS}/${id}`);
    expect(record.json.logs).toHaveLength(1);
    expect(record.json.logs[0]).toMatch(/ stdout: said$/);
    expect((await call(own, "GET", `${ACTIVATIONS}/${id}/result`)).json).toEqual({
      result: { ok: true },
      size: 11,
      status: "success",
      success: true,
    });
    expect((await call(own, "GET", `${ACTIVATIONS}/${id}/logs`)).json).toEqual({
      logs: record.json.logs,
    });
  });

  it("lists summaries with status codes, filters by name, counts, and refuses count with docs", async () => {
    const own = mocks.mock();
    await call(own, "POST", `${ACTIONS}/copy?blocking=true`);
    await call(own, "POST", `${ACTIONS}/fail?blocking=true`);
    const list = await call(own, "GET", ACTIVATIONS);
    expect(
      list.json.map((a: { name: string; statusCode: number }) => [a.name, a.statusCode]).sort(),
    ).toEqual([
      ["copy", 0],
      ["fail", 1],
    ]);
    expect(list.json[0].response).toBeUndefined();
    expect((await call(own, "GET", `${ACTIVATIONS}?name=fail&docs=true`)).json).toEqual([
      expect.objectContaining({
        name: "fail",
        response: expect.objectContaining({ status: "application error" }),
      }),
    ]);
    expect((await call(own, "GET", `${ACTIVATIONS}?count=true`)).json).toEqual({ activations: 2 });
    const both = await call(own, "GET", `${ACTIVATIONS}?count=true&docs=true`);
    expect(both.status).toBe(400);
    expect(both.json.error).toBe("The parameter 'docs' is not permitted with 'count'.");
  });

  it("forgets the oldest activations beyond its bound", async () => {
    const own = mocks.mock({ maxActivations: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1)
      ids.push((await call(own, "POST", `${ACTIONS}/copy?blocking=true`)).json.activationId);
    expect((await call(own, "GET", `${ACTIVATIONS}/${ids[0]}`)).status).toBe(404);
    expect((await call(own, "GET", `${ACTIVATIONS}/${ids[2]}`)).status).toBe(200);
    expect(own.activations.size).toBe(2);
  });
});
