import { describe, expect, test } from "vitest";
import { isValidRequestTarget } from "./request-target.js";

describe("isValidRequestTarget", () => {
  test.each([
    ["127.0.0.1:6473", "/uiiit.rpc.EdgeServer/RunLambda"],
    ["localhost", "/healthz?x=1"],
    ["[::1]:20000", "/api/v1/namespaces/_/actions/copy"],
    ["edge.example", "/"],
  ])("accepts %s %s", (authority, path) => {
    expect(isValidRequestTarget(authority, path)).toBe(true);
  });

  test.each([
    ["127.0.0.1:99999", "/x"],
    ["[::1", "/x"],
    ["a b", "/x"],
    ["user@host", "/x"],
    ["host/path", "/x"],
    ["host?q", "/x"],
    ["", "/x"],
    [undefined, "/x"],
    ["host", undefined],
    ["host", "//["],
  ])("refuses %s %s", (authority, path) => {
    expect(isValidRequestTarget(authority, path)).toBe(false);
  });
});
