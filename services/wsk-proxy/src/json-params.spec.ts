import { describe, expect, it } from "vitest";
import { readJsonParams } from "./json-params.js";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("readJsonParams", () => {
  it("takes an empty body as {} whatever its content type", () => {
    expect(readJsonParams(bytes(""), undefined)).toEqual({ ok: true, params: {} });
    expect(readJsonParams(bytes(" \n"), "text/plain")).toEqual({ ok: true, params: {} });
  });

  it("reads a JSON object, the wsk CLI's trailing newline included", () => {
    expect(readJsonParams(bytes('{"k":"v"}\n'), "application/json; charset=utf-8")).toEqual({
      ok: true,
      params: { k: "v" },
    });
  });

  it("refuses a body of another type with 415", () => {
    expect(readJsonParams(bytes("a=b"), "application/x-www-form-urlencoded")).toMatchObject({
      ok: false,
      status: 415,
    });
    expect(readJsonParams(bytes("{}"), undefined)).toMatchObject({ ok: false, status: 415 });
  });

  it("refuses broken JSON and JSON that is not an object with 400", () => {
    for (const text of ['{"a":', "[1,2]", "42", "null", '"s"']) {
      const read = readJsonParams(bytes(text), "application/json");
      expect(read).toMatchObject({ ok: false, status: 400 });
      expect(!read.ok && read.error).toMatch(/^The request content was malformed:\n/);
    }
  });
});

describe("readJsonParams on hostile bodies", () => {
  it("refuses a 200 KB body nested 100,000 deep with 400 before any recursive work", () => {
    const text = `{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const read = readJsonParams(bytes(text), "application/json");
    expect(read).toMatchObject({ ok: false, status: 400 });
    expect(!read.ok && read.error).toMatch(/nested deeper than 1000 levels/);
  });
});
