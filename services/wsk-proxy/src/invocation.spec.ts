import { Code, ConnectError } from "@connectrpc/connect";
import { formatWskRetcode, toLambdaReply, WskFailure } from "@soe/openwhisk";
import { describe, expect, it } from "vitest";
import { lambdaRequestFor, outcomeOfReply, outcomeOfRpcError } from "./invocation.js";

const id = "0123456789abcdef0123456789abcdef";

describe("lambdaRequestFor", () => {
  it("names the fully-qualified action, carries the params as JSON and counts the proxy as a hop", () => {
    expect(
      lambdaRequestFor({ namespace: "guest", packageName: "demo", name: "hello" }, { a: 1 }, id),
    ).toEqual({ name: "/guest/demo/hello", input: '{"a":1}', hops: 1, uuid: id });
  });
});

describe("outcomeOfReply", () => {
  it("reads a success with the action's whole result, and plain text as a payload", () => {
    expect(outcomeOfReply("OK", '{"payload":"hello","n":[1]}')).toEqual({
      kind: "activation",
      httpStatus: 200,
      status: "success",
      result: { payload: "hello", n: [1] },
    });
    // A reference computer's plain output, as the reference proxy wrapped it (reference §6.1).
    expect(outcomeOfReply("OK", "hello")).toMatchObject({ result: { payload: "hello" } });
  });

  it("keeps failed activations as 502 (the action's fault) or 500 (the platform's)", () => {
    const app = toLambdaReply({
      kind: "activation",
      status: 502,
      activationId: id,
      body: {
        activationId: id,
        namespace: "guest",
        name: "fail",
        version: "0.0.1",
        subject: "guest",
        publish: false,
        start: 1,
        response: { status: "application error", success: false, result: { error: "boom" } },
        logs: [],
        annotations: [],
      },
    });
    expect(outcomeOfReply(app.retcode, app.output)).toEqual({
      kind: "activation",
      httpStatus: 502,
      status: "application error",
      result: { error: "boom" },
    });
    const crash = formatWskRetcode({
      outcome: WskFailure.developerError,
      status: 502,
      activationId: id,
    });
    expect(outcomeOfReply(crash, '{"error":"An error has occurred: x"}')).toMatchObject({
      httpStatus: 502,
      status: "action developer error",
    });
    const internal = formatWskRetcode({ outcome: WskFailure.internalError, status: 500 });
    expect(outcomeOfReply(internal, "")).toMatchObject({
      httpStatus: 500,
      status: "whisk internal error",
    });
  });

  it("turns an OpenWhisk still running into still-running", () => {
    const reply = toLambdaReply({
      kind: "accepted",
      status: 202,
      activationId: id,
      body: { activationId: id },
    });
    expect(outcomeOfReply(reply.retcode, reply.output)).toEqual({
      kind: "still-running",
      backend: undefined,
    });
  });

  it("keeps where a still-running activation can be read later, when the computer said", () => {
    const reply = toLambdaReply(
      { kind: "accepted", status: 202, activationId: id, body: { activationId: id } },
      { installation: "127.0.0.1:7001" },
    );
    expect(outcomeOfReply(reply.retcode, reply.output)).toEqual({
      kind: "still-running",
      backend: { activationId: id, installation: "127.0.0.1:7001" },
    });
  });

  it("answers OpenWhisk's 404 and passes its other refusals through with their status", () => {
    const notFound = formatWskRetcode({
      outcome: WskFailure.notFound,
      status: 404,
      detail: "gone",
    });
    expect(outcomeOfReply(notFound, "")).toEqual({
      kind: "refused",
      httpStatus: 404,
      error: "The requested resource does not exist.",
    });
    const throttled = formatWskRetcode({ outcome: WskFailure.rejected, status: 429 });
    const body =
      '{"error":"Too many requests in the last minute (count: 61, allowed: 60).","code":"x"}';
    expect(outcomeOfReply(throttled, body)).toEqual({
      kind: "refused",
      httpStatus: 429,
      error: "Too many requests in the last minute (count: 61, allowed: 60).",
    });
  });

  it("blames the domain, not the caller's key, when a computer's own key is refused", () => {
    const refusedKey = formatWskRetcode({ outcome: WskFailure.unauthorized, status: 401 });
    expect(outcomeOfReply(refusedKey, "")).toEqual({
      kind: "refused",
      httpStatus: 500,
      error: "There was an internal server error.",
    });
  });

  it("answers 503/504 with fixed texts that reveal no internal address", () => {
    const unreachable = formatWskRetcode({
      outcome: WskFailure.unreachable,
      detail: "OpenWhisk POST http://10.0.0.7:3233/api/v1/... is unreachable",
    });
    const unreachableOutcome = outcomeOfReply(unreachable, "");
    expect(unreachableOutcome).toMatchObject({ kind: "refused", httpStatus: 503 });
    expect(JSON.stringify(unreachableOutcome)).not.toContain("10.0.0.7");
    expect(outcomeOfReply(formatWskRetcode({ outcome: WskFailure.timeout }), "")).toMatchObject({
      httpStatus: 504,
      error: "The edge domain did not answer in time.",
    });
    expect(outcomeOfReply(formatWskRetcode({ outcome: WskFailure.protocolError }), "")).toEqual({
      kind: "refused",
      httpStatus: 500,
      error: "There was an internal server error.",
    });
  });

  it("recognises the router's own retcodes", () => {
    expect(outcomeOfReply("No destinations found for the entry", "")).toEqual({
      kind: "no-route",
      allUnreachable: false,
    });
    expect(
      outcomeOfReply(
        "No destinations found for the entry: all 2 destination(s) of '/guest/copy' are unreachable",
        "",
      ),
    ).toEqual({ kind: "no-route", allUnreachable: true });
    expect(outcomeOfReply("loop detected", "")).toMatchObject({ httpStatus: 500 });
    // Any other free text: the reference proxy's 404 with the retcode.
    expect(outcomeOfReply("unexpected HTTP response: 404", "")).toEqual({
      kind: "refused",
      httpStatus: 404,
      error: "unexpected HTTP response: 404",
    });
  });
});

describe("outcomeOfRpcError", () => {
  it("maps transport failures to 503 and deadlines to 504", () => {
    expect(outcomeOfRpcError(new ConnectError("down", Code.Unavailable))).toMatchObject({
      httpStatus: 503,
    });
    expect(outcomeOfRpcError(new ConnectError("slow", Code.DeadlineExceeded))).toMatchObject({
      httpStatus: 504,
    });
    expect(outcomeOfRpcError(new ConnectError("?", Code.Internal))).toMatchObject({
      httpStatus: 500,
    });
    expect(outcomeOfRpcError(new Error("plain"))).toMatchObject({ httpStatus: 500 });
  });
});
