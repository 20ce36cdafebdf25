import { describe, expect, it } from "vitest";
import { parseLambdaInput } from "./lambda-input.js";

describe("parseLambdaInput", () => {
  it("takes a JSON object as the parameters", () => {
    expect(parseLambdaInput('{"input":"hello","n":1}')).toEqual({
      ok: true,
      params: { input: "hello", n: 1 },
    });
  });

  it("takes an empty input as no parameters, as OpenWhisk takes an empty body", () => {
    expect(parseLambdaInput("")).toEqual({ ok: true, params: {} });
    expect(parseLambdaInput("  \n")).toEqual({ ok: true, params: {} });
  });

  it("refuses text that is not JSON, and JSON that is not an object", () => {
    const text = parseLambdaInput("AAAA");
    expect(text.ok).toBe(false);
    expect(!text.ok && text.reason).toMatch(/^the input is not JSON: /);
    expect(parseLambdaInput("[1]")).toEqual({
      ok: false,
      reason: "the input must be a JSON object of parameters, not an array",
    });
    expect(parseLambdaInput("null")).toEqual({
      ok: false,
      reason: "the input must be a JSON object of parameters, not null",
    });
    expect(parseLambdaInput('"s"')).toEqual({
      ok: false,
      reason: "the input must be a JSON object of parameters, not string",
    });
  });
});
