import { describe, expect, it } from "vitest";
import {
  activationListQuery,
  booleanParam,
  epochParam,
  invokeQuery,
  limitParam,
  listQuery,
  queryParams,
  skipParam,
  timeoutParam,
} from "./query-params.js";

describe("query parameters", () => {
  it("reads booleans case-insensitively, with a default for absent or empty ones", () => {
    expect(booleanParam("blocking", "TRUE", false)).toEqual({ ok: true, value: true });
    expect(booleanParam("blocking", undefined, true)).toEqual({ ok: true, value: true });
    expect(booleanParam("blocking", "", false)).toEqual({ ok: true, value: false });
    expect(booleanParam("blocking", "1", false)).toEqual({
      ok: false,
      error: "The query parameter 'blocking' was malformed:\n'1' is not a valid Boolean value",
    });
  });

  it("defaults limit to 30, reads 0 as the maximum 200, refuses the rest", () => {
    expect(limitParam(undefined, "actions")).toEqual({ ok: true, value: 30 });
    expect(limitParam("0", "actions")).toEqual({ ok: true, value: 200 });
    expect(limitParam("200", "actions")).toEqual({ ok: true, value: 200 });
    expect(limitParam("abc", "actions")).toMatchObject({
      ok: false,
      error: expect.stringContaining("The value 'abc' is not an integer for actions."),
    });
    expect(limitParam("-1", "actions")).toMatchObject({ ok: false });
  });

  it("reads skip from 0 up", () => {
    expect(skipParam(undefined, "actions")).toEqual({ ok: true, value: 0 });
    expect(skipParam("400", "actions")).toEqual({ ok: true, value: 400 });
    expect(skipParam("1.5", "actions")).toMatchObject({ ok: false });
  });

  it("accepts blocking waits of 1..60000 ms only", () => {
    expect(timeoutParam(undefined)).toEqual({ ok: true, value: undefined });
    expect(timeoutParam("1")).toEqual({ ok: true, value: 1 });
    expect(timeoutParam("60000")).toEqual({ ok: true, value: 60000 });
    for (const bad of ["0", "60001", "1e3", "x"]) expect(timeoutParam(bad).ok).toBe(false);
  });

  it("reads epoch bounds", () => {
    expect(epochParam("since", "1714557600000")).toEqual({ ok: true, value: 1714557600000 });
    expect(epochParam("since", "yesterday").ok).toBe(false);
  });
});

describe("query parameters within bounds", () => {
  const bounded = queryParams({ maxIntegerDigits: 18, maxEchoedLength: 64 });

  it("takes integers longer than the bound for no integer; unbounded, any length is one", () => {
    expect(skipParam("1".repeat(19), "actions")).toEqual({
      ok: true,
      value: Number("1".repeat(19)),
    });
    expect(bounded.skipParam("1".repeat(18), "actions").ok).toBe(true);
    expect(bounded.skipParam("1".repeat(19), "actions")).toEqual({
      ok: false,
      error: `The query parameter 'skip' was malformed:\nThe value '${"1".repeat(19)}' is not an integer for actions.`,
    });
  });

  it("echoes long values shortened, and short ones whole", () => {
    const long = "y".repeat(100);
    expect(booleanParam("docs", long, false)).toEqual({
      ok: false,
      error: `The query parameter 'docs' was malformed:\n'${long}' is not a valid Boolean value`,
    });
    expect(bounded.booleanParam("docs", long, false)).toEqual({
      ok: false,
      error: `The query parameter 'docs' was malformed:\n'${"y".repeat(64)}…' is not a valid Boolean value`,
    });
    expect(bounded.limitParam("abc", "actions")).toEqual(limitParam("abc", "actions"));
  });
});

describe("query parameter groups", () => {
  const query =
    (params: Record<string, string>) =>
    (name: string): string | undefined =>
      params[name];

  it("reads a listing's limit, skip and count, reporting the first malformed one", () => {
    expect(listQuery(query({}), "actions")).toEqual({
      ok: true,
      value: { limit: 30, skip: 0, count: false },
    });
    expect(listQuery(query({ limit: "5", skip: "10", count: "TRUE" }), "packages")).toEqual({
      ok: true,
      value: { limit: 5, skip: 10, count: true },
    });
    expect(listQuery(query({ limit: "x", skip: "-1", count: "no" }), "actions")).toEqual(
      limitParam("x", "actions"),
    );
    expect(listQuery(query({ skip: "-1", count: "no" }), "actions")).toEqual(
      skipParam("-1", "actions"),
    );
    expect(listQuery(query({ count: "no" }), "actions")).toEqual(
      booleanParam("count", "no", false),
    );
  });

  it("reads an invocation's blocking, result and timeout", () => {
    expect(invokeQuery(query({}))).toEqual({
      ok: true,
      value: { blocking: false, result: false, timeout: undefined },
    });
    expect(invokeQuery(query({ blocking: "true", result: "true", timeout: "500" }))).toEqual({
      ok: true,
      value: { blocking: true, result: true, timeout: 500 },
    });
    expect(invokeQuery(query({ blocking: "1", timeout: "0" }))).toEqual(
      booleanParam("blocking", "1", false),
    );
    expect(invokeQuery(query({ result: "1", timeout: "0" }))).toEqual(
      booleanParam("result", "1", false),
    );
    expect(invokeQuery(query({ timeout: "0" }))).toEqual(timeoutParam("0"));
  });

  it("reads an activation listing, refusing count with docs", () => {
    expect(activationListQuery(query({ name: "pkg/copy", since: "5", upto: "9" }))).toEqual({
      ok: true,
      value: {
        limit: 30,
        skip: 0,
        since: 5,
        upto: 9,
        docs: false,
        count: false,
        name: "pkg/copy",
      },
    });
    expect(activationListQuery(query({ count: "true", docs: "true" }))).toEqual({
      ok: false,
      error: "The parameter 'docs' is not permitted with 'count'.",
    });
    expect(activationListQuery(query({ since: "x", upto: "y" }))).toEqual(epochParam("since", "x"));
    expect(activationListQuery(query({ skip: "x", since: "x" }))).toEqual(
      skipParam("x", "activations"),
    );
  });
});
