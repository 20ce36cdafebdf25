import { describe, expect, it } from "vitest";
import {
  actionNameOfListing,
  entityPath,
  formatActionName,
  InvalidActionNameError,
  mustParseActionName,
  parseActionName,
  resolveNamespace,
} from "./action-name.js";

function parsed(input: string, defaultNamespace?: string) {
  const result = parseActionName(input, defaultNamespace);
  if (!result.ok) throw new Error(`expected ${input} to parse: ${result.error.message}`);
  return result.value;
}

function problem(input: string) {
  const result = parseActionName(input);
  if (result.ok) throw new Error(`expected ${input} to be rejected`);
  return result.error;
}

describe("parseActionName", () => {
  it("puts a bare action in the default namespace", () => {
    expect(parsed("copy")).toEqual({ namespace: "_", name: "copy" });
    expect(parsed("copy", "guest")).toEqual({ namespace: "guest", name: "copy" });
  });

  it("reads pkg/action as a packaged action in the default namespace", () => {
    expect(parsed("demo/hello")).toEqual({ namespace: "_", packageName: "demo", name: "hello" });
  });

  it("reads fully qualified names", () => {
    expect(parsed("/guest/copy")).toEqual({ namespace: "guest", name: "copy" });
    expect(parsed("/guest/demo/hello")).toEqual({
      namespace: "guest",
      packageName: "demo",
      name: "hello",
    });
  });

  it("reads ns/pkg/action without a leading slash, as both official clients do", () => {
    expect(parsed("guest/demo/hello")).toEqual({
      namespace: "guest",
      packageName: "demo",
      name: "hello",
    });
  });

  it("keeps _ as the caller's namespace until resolved", () => {
    const name = parsed("/_/copy");
    expect(name.namespace).toBe("_");
    expect(resolveNamespace(name, "guest")).toEqual({ namespace: "guest", name: "copy" });
    expect(resolveNamespace(parsed("/other/copy"), "guest").namespace).toBe("other");
  });

  it("accepts spaces and OpenWhisk's punctuation inside parts", () => {
    expect(parsed("/other ns/pkg/act x")).toEqual({
      namespace: "other ns",
      packageName: "pkg",
      name: "act x",
    });
  });

  it.each([
    ["", "empty"],
    ["/", "missing-action"],
    ["/guest", "missing-action"],
    ["a//b", "empty-part"],
    ["/guest/", "empty-part"],
    ["pkg/", "empty-part"],
    ["/a/b/c/d", "too-many-parts"],
    ["a/b/c/d", "too-many-parts"],
    ["/guest/bad;name", "illegal-characters"],
    ["trailing ", "illegal-characters"],
    [`/guest/${"x".repeat(257)}`, "too-long"],
  ])("rejects %j (%s) with a message naming the input", (input, expected) => {
    const error = problem(input);
    expect(error.problem).toBe(expected);
    expect(error.input).toBe(input);
    expect(error.message).toContain("invalid action name");
  });

  it("throws a typed error from mustParseActionName", () => {
    expect(() => mustParseActionName("a//b")).toThrow(InvalidActionNameError);
    try {
      mustParseActionName("/a/b/c/d");
    } catch (error) {
      expect(error).toMatchObject({ problem: "too-many-parts", input: "/a/b/c/d" });
    }
  });
});

describe("formatting", () => {
  it("formats fully qualified names", () => {
    expect(formatActionName({ namespace: "guest", name: "copy" })).toBe("/guest/copy");
    expect(formatActionName({ namespace: "guest", packageName: "demo", name: "hello" })).toBe(
      "/guest/demo/hello",
    );
  });

  it("round-trips every qualified form", () => {
    for (const input of ["/guest/copy", "/guest/demo/hello", "/_/x"]) {
      expect(formatActionName(parsed(input))).toBe(input);
    }
  });

  it("gives the entity path after the namespace", () => {
    expect(entityPath(parsed("demo/hello"))).toBe("demo/hello");
    expect(entityPath(parsed("copy"))).toBe("copy");
  });

  it("reads package membership from a listing's namespace field", () => {
    expect(actionNameOfListing({ namespace: "guest/demo", name: "hello" })).toEqual({
      namespace: "guest",
      packageName: "demo",
      name: "hello",
    });
    expect(actionNameOfListing({ namespace: "guest", name: "copy" })).toEqual({
      namespace: "guest",
      name: "copy",
    });
  });
});
