import { describe, expect, test } from "vitest";
import { MAX_JSON_DEPTH, nestsDeeperThan, parseJsonObjectBody } from "./json-object-body.js";

describe("nestsDeeperThan", () => {
  test("counts arrays and objects, not brackets inside strings", () => {
    expect(nestsDeeperThan('{"a":[1,{"b":2}]}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":[1,{"b":2}]}', 2)).toBe(true);
    expect(nestsDeeperThan('{"a":"[[[[[[{{{{"}', 1)).toBe(false);
    expect(nestsDeeperThan('{"a":"\\"[[[["}', 1)).toBe(false);
  });

  test("a body nested 100,000 deep is found without recursion", () => {
    const deep = `{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    expect(nestsDeeperThan(deep, MAX_JSON_DEPTH)).toBe(true);
  });
});

describe("parseJsonObjectBody", () => {
  test("an empty body is {} whatever its type", () => {
    expect(parseJsonObjectBody(" \n", "text/plain")).toEqual({ kind: "ok", value: {} });
    expect(parseJsonObjectBody("", undefined)).toEqual({ kind: "ok", value: {} });
  });

  test("JSON objects of json content types are accepted", () => {
    expect(parseJsonObjectBody('{"k":"v"}', "application/json; charset=utf-8")).toEqual({
      kind: "ok",
      value: { k: "v" },
    });
    expect(parseJsonObjectBody("{}", "application/vnd.x+json").kind).toBe("ok");
  });

  test("other types are 415, non-objects and bad JSON malformed", () => {
    expect(parseJsonObjectBody("{}", null).kind).toBe("unsupported-media-type");
    expect(parseJsonObjectBody("[1]", "application/json")).toEqual({
      kind: "malformed",
      detail: "Object expected in field 'payload'",
    });
    expect(parseJsonObjectBody("{", "application/json").kind).toBe("malformed");
  });

  test("a body nested too deep is malformed before it is parsed", () => {
    const deep = `{"a":${"[".repeat(5_000)}${"]".repeat(5_000)}}`;
    expect(parseJsonObjectBody(deep, "application/json")).toEqual({
      kind: "malformed",
      detail: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
    const fine = `{"a":${"[".repeat(900)}${"]".repeat(900)}}`;
    expect(parseJsonObjectBody(fine, "application/json").kind).toBe("ok");
  });
});
