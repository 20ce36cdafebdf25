import { describe, expect, it } from "vitest";
import { InvalidActionNameError } from "./action-name.js";
import type { ActivationRecord } from "./api-types.js";
import {
  OpenWhiskHttpError,
  OpenWhiskProtocolError,
  OpenWhiskTimeoutError,
  OpenWhiskUnreachableError,
} from "./errors.js";
import type { InvokeOutcome } from "./invoke-outcome.js";
import {
  badRequestReply,
  failureToLambdaReply,
  fromLambdaReply,
  toLambdaReply,
} from "./lambda-outcome.js";

const ID = "c7bb1339cb4f40e3a6ccead6c99f804e";
const URL = "http://ow:3233/api/v1/namespaces/guest/actions/copy";

function activation(status: string, result: unknown, httpStatus: number): InvokeOutcome {
  const body = {
    activationId: ID,
    namespace: "guest",
    name: "copy",
    response: { status, success: status === "success", result },
  } as unknown as ActivationRecord;
  return { kind: "activation", status: httpStatus, activationId: ID, body };
}

describe("toLambdaReply: what the wsk-computer answers", () => {
  it("answers OK with the action's whole result as JSON", () => {
    const result = { payload: "hello", extra: [1, 2] };
    expect(toLambdaReply(activation("success", result, 200))).toEqual({
      retcode: "OK",
      output: '{"payload":"hello","extra":[1,2]}',
    });
  });

  it("keeps the result and the activation of each failed activation, by its response.status", () => {
    expect(toLambdaReply(activation("application error", { error: "no" }, 502))).toEqual({
      retcode: `wsk:application_error 502 ${ID}: application error`,
      output: '{"error":"no"}',
    });
    expect(toLambdaReply(activation("action developer error", { error: "x" }, 502))).toEqual({
      retcode: `wsk:developer_error 502 ${ID}: action developer error`,
      output: '{"error":"x"}',
    });
    expect(toLambdaReply(activation("whisk internal error", { error: "y" }, 500))).toEqual({
      retcode: `wsk:internal_error 500 ${ID}: whisk internal error`,
      output: '{"error":"y"}',
    });
  });

  it("answers a 202 with the activation id, in the retcode and as OpenWhisk's body", () => {
    const outcome: InvokeOutcome = {
      kind: "accepted",
      status: 202,
      activationId: ID,
      body: { activationId: ID },
    };
    expect(toLambdaReply(outcome)).toEqual({
      retcode: `wsk:accepted 202 ${ID}: the action is still running`,
      output: `{"activationId":"${ID}"}`,
    });
  });

  it("reads bare results by HTTP status: arrays succeed, a 500 is internal", () => {
    expect(
      toLambdaReply({ kind: "result", status: 200, activationId: ID, body: [1, "a"] }),
    ).toEqual({ retcode: "OK", output: '[1,"a"]' });
    expect(
      toLambdaReply({ kind: "result", status: 500, activationId: undefined, body: { error: "z" } })
        .retcode,
    ).toBe("wsk:internal_error 500: whisk internal error");
  });

  it("maps OpenWhisk's error answers to not_found, unauthorized and rejected, keeping the body", () => {
    const body = { error: "The requested resource does not exist.", code: "tid1" };
    expect(failureToLambdaReply(new OpenWhiskHttpError("POST", URL, 404, body))).toEqual({
      retcode: "wsk:not_found 404: The requested resource does not exist.",
      output: '{"error":"The requested resource does not exist.","code":"tid1"}',
    });
    const denied = { error: "The supplied authentication is invalid", code: "t" };
    expect(failureToLambdaReply(new OpenWhiskHttpError("POST", URL, 401, denied)).retcode).toBe(
      "wsk:unauthorized 401: The supplied authentication is invalid",
    );
    expect(failureToLambdaReply(new OpenWhiskHttpError("POST", URL, 403, denied)).retcode).toBe(
      "wsk:unauthorized 403: The supplied authentication is invalid",
    );
    const throttled = {
      error: "Too many requests in the last minute (count: 61, allowed: 60).",
      code: "t",
    };
    expect(failureToLambdaReply(new OpenWhiskHttpError("POST", URL, 429, throttled))).toEqual({
      retcode: "wsk:rejected 429: Too many requests in the last minute (count: 61, allowed: 60).",
      output: JSON.stringify(throttled),
    });
    expect(failureToLambdaReply(new OpenWhiskHttpError("POST", URL, 503, undefined))).toEqual({
      retcode: "wsk:rejected 503: no OpenWhisk error body",
      output: "",
    });
  });

  it("maps failures without an answer to unreachable, timeout, protocol and computer errors", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:3233"), {
      code: "ECONNREFUSED",
    });
    expect(failureToLambdaReply(new OpenWhiskUnreachableError("POST", URL, refused))).toEqual({
      retcode: `wsk:unreachable: OpenWhisk POST ${URL} is unreachable: connect ECONNREFUSED 10.0.0.1:3233`,
      output: "",
    });
    expect(failureToLambdaReply(new OpenWhiskTimeoutError("POST", URL, 65000)).retcode).toBe(
      `wsk:timeout: OpenWhisk POST ${URL} did not answer within 65000 ms`,
    );
    expect(
      failureToLambdaReply(new OpenWhiskProtocolError("POST", URL, "body is not JSON", 200))
        .retcode,
    ).toBe(`wsk:protocol_error 200: OpenWhisk POST ${URL}: body is not JSON`);
    expect(failureToLambdaReply(new RangeError("bug")).retcode).toBe("wsk:computer_error: bug");
  });

  it("answers a bad name or input as the 400 OpenWhisk would give", () => {
    const bad = new InvalidActionNameError({
      input: "/a/b/c/d",
      problem: "too-many-parts",
      message: "invalid action name '/a/b/c/d'",
    });
    expect(failureToLambdaReply(bad).retcode).toBe(
      "wsk:bad_request 400: invalid action name '/a/b/c/d'",
    );
    expect(badRequestReply("input is not a JSON object")).toEqual({
      retcode: "wsk:bad_request 400: input is not a JSON object",
      output: "",
    });
  });
});

describe("fromLambdaReply: what the proxy rebuilds", () => {
  it("gives back the result of a success, and wraps plain-text outputs as the reference did", () => {
    expect(fromLambdaReply("OK", '{"payload":"hello"}')).toEqual({
      kind: "success",
      httpStatus: 200,
      activationStatus: "success",
      result: { payload: "hello" },
    });
    expect(fromLambdaReply("OK", "[1,2]")).toMatchObject({ result: [1, 2] });
    expect(fromLambdaReply("OK", "hello")).toMatchObject({ result: { payload: "hello" } });
    expect(fromLambdaReply("OK", "123")).toMatchObject({ result: { payload: "123" } });
    expect(fromLambdaReply("OK", "")).toMatchObject({ result: { payload: "" } });
  });

  it("rebuilds every activation failure with status, activation id, response.status and result", () => {
    for (const [status, kind, http] of [
      ["application error", "application_error", 502],
      ["action developer error", "developer_error", 502],
      ["whisk internal error", "internal_error", 500],
    ] as const) {
      const reply = toLambdaReply(activation(status, { error: "boom" }, http));
      expect(fromLambdaReply(reply.retcode, reply.output)).toEqual({
        kind,
        httpStatus: http,
        activationStatus: status,
        activationId: ID,
        result: { error: "boom" },
      });
    }
  });

  it("rebuilds a still-running activation", () => {
    const reply = toLambdaReply({
      kind: "accepted",
      status: 202,
      activationId: ID,
      body: { activationId: ID },
    });
    expect(fromLambdaReply(reply.retcode, reply.output)).toEqual({
      kind: "accepted",
      httpStatus: 202,
      activationId: ID,
      installation: undefined,
    });
  });

  it("rebuilds a still-running activation with the installation that can tell its record", () => {
    const outcome: InvokeOutcome = {
      kind: "accepted",
      status: 202,
      activationId: ID,
      body: { activationId: ID },
    };
    const reply = toLambdaReply(outcome, { installation: "10.0.0.7:6480" });
    expect(reply.output).toBe(`{"activationId":"${ID}","installation":"10.0.0.7:6480"}`);
    expect(fromLambdaReply(reply.retcode, reply.output)).toEqual({
      kind: "accepted",
      httpStatus: 202,
      activationId: ID,
      installation: "10.0.0.7:6480",
    });
    // A reference-shaped output (or garbage) still gives the id, without an installation.
    expect(fromLambdaReply(reply.retcode, "not json")).toMatchObject({ installation: undefined });
    expect(fromLambdaReply(reply.retcode, '{"activationId":"x","installation":7}')).toMatchObject({
      installation: undefined,
    });
  });

  it("rebuilds OpenWhisk's error answers with their status and text", () => {
    const body = { error: "The requested resource does not exist.", code: "tid1" };
    const reply = failureToLambdaReply(new OpenWhiskHttpError("POST", URL, 404, body));
    expect(fromLambdaReply(reply.retcode, reply.output)).toEqual({
      kind: "not_found",
      httpStatus: 404,
      error: "The requested resource does not exist.",
      body,
    });
    const noBody = failureToLambdaReply(new OpenWhiskHttpError("POST", URL, 503, undefined));
    expect(fromLambdaReply(noBody.retcode, noBody.output)).toEqual({
      kind: "rejected",
      httpStatus: 503,
      error: "no OpenWhisk error body",
      body: undefined,
    });
  });

  it("suggests gateway statuses where OpenWhisk gave no answer", () => {
    const cases = [
      [new OpenWhiskUnreachableError("POST", URL, new Error("reset")), "unreachable", 503],
      [new OpenWhiskTimeoutError("POST", URL, 10), "timeout", 504],
      [new OpenWhiskProtocolError("POST", URL, "too large", 200), "protocol_error", 502],
      [new Error("bug"), "computer_error", 500],
    ] as const;
    for (const [error, kind, httpStatus] of cases) {
      const reply = failureToLambdaReply(error);
      expect(fromLambdaReply(reply.retcode, reply.output)).toEqual({
        kind,
        httpStatus,
        error: error.message,
      });
    }
    const bad = badRequestReply("input is not a JSON object");
    expect(fromLambdaReply(bad.retcode, bad.output)).toEqual({
      kind: "bad_request",
      httpStatus: 400,
      error: "input is not a JSON object",
    });
  });

  it("answers 404 with the text for retcodes of other systems, as the reference proxy did", () => {
    expect(fromLambdaReply("No destinations found for the entry", "")).toEqual({
      kind: "foreign",
      httpStatus: 404,
      error: "No destinations found for the entry",
    });
    expect(fromLambdaReply("wsk:accepted 202", "")).toMatchObject({ kind: "foreign" });
  });

  it("keeps an error result when the output is not JSON", () => {
    expect(
      fromLambdaReply(`wsk:developer_error 502 ${ID}: action developer error`, "garbled"),
    ).toMatchObject({ result: { error: "action developer error" } });
  });
});
