import { afterAll, describe, expect, it } from "vitest";
import { ACTIONS, call, mockFactory } from "../test/rest-call.js";

const mocks = mockFactory();
afterAll(() => mocks.closeAll());
const mock = mocks.mock();

type Annotation = { key: string; value: unknown };

describe("invoke with a W3C traceparent", () => {
  it("records the caller's traceparent as an annotation of the activation (ours, for tests)", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const traced = await call(mock, "POST", `${ACTIONS}/copy?blocking=true`, {
      body: { input: "hi" },
      headers: { traceparent },
    });
    const annotations = traced.json.annotations as Annotation[];
    expect(annotations).toContainEqual({ key: "traceparent", value: traceparent });
    const plain = await call(mock, "POST", `${ACTIONS}/copy?blocking=true`, { body: {} });
    expect((plain.json.annotations as Annotation[]).map((a) => a.key)).not.toContain("traceparent");
  });
});
