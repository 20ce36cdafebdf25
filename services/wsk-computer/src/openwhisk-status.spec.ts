import { Code, ConnectError } from "@connectrpc/connect";
import {
  OpenWhiskHttpError,
  OpenWhiskProtocolError,
  OpenWhiskTimeoutError,
  OpenWhiskUnreachableError,
} from "@soe/openwhisk";
import { describe, expect, it } from "vitest";
import { codeOfStatus, connectErrorOf } from "./openwhisk-status.js";

const URL = "http://ow:3233/api/v1/namespaces/guest/actions/a";

describe("codeOfStatus", () => {
  it.each([
    [400, Code.InvalidArgument],
    [413, Code.InvalidArgument],
    [401, Code.PermissionDenied],
    [403, Code.PermissionDenied],
    [404, Code.NotFound],
    [409, Code.AlreadyExists],
    [429, Code.ResourceExhausted],
    [500, Code.Unavailable],
    [502, Code.Unavailable],
    [503, Code.Unavailable],
    [418, Code.Unknown],
  ])("maps %i to %s", (status, code) => {
    expect(codeOfStatus(status)).toBe(code);
  });
});

describe("connectErrorOf", () => {
  it("carries OpenWhisk's text and the mapped code", () => {
    const failure = new OpenWhiskHttpError("PUT", URL, 409, {
      error: "Resource by this name exists but is not in this collection.",
      code: "tid",
    });
    const error = connectErrorOf(failure, "apply /guest/a");
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({
      code: Code.AlreadyExists,
      rawMessage:
        "apply /guest/a: OpenWhisk answered 409: Resource by this name exists but is not in this collection.",
    });
  });

  it("says so when OpenWhisk sent no error body", () => {
    const error = connectErrorOf(new OpenWhiskHttpError("GET", URL, 401, undefined), "list");
    expect(error).toMatchObject({
      code: Code.PermissionDenied,
      rawMessage: "list: OpenWhisk answered 401: no OpenWhisk error body",
    });
  });

  it("makes an unreachable, slow or garbled OpenWhisk UNAVAILABLE", () => {
    const failures = [
      new OpenWhiskUnreachableError(
        "PUT",
        URL,
        Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
      ),
      new OpenWhiskTimeoutError("PUT", URL, 1000),
      new OpenWhiskProtocolError("PUT", URL, "body is not JSON"),
    ];
    for (const failure of failures) {
      expect(connectErrorOf(failure, "apply")).toMatchObject({ code: Code.Unavailable });
    }
  });

  it("passes other errors on untouched", () => {
    const bug = new TypeError("bug");
    expect(connectErrorOf(bug, "apply")).toBe(bug);
    const rpc = new ConnectError("x", Code.Aborted);
    expect(connectErrorOf(rpc, "apply")).toBe(rpc);
  });
});
