import { describe, expect, test } from "vitest";
import type { Http1Case, Http2RequestCase } from "./hostile-cases.js";
import type { CaseOutcome } from "./hostile-runner.js";
import { ruleBroken, serveRules } from "./outcome-rules.js";

const whole: Http1Case = { kind: "h1", label: "t", chunks: [], gapMs: 0, complete: true };
const partial: Http1Case = { ...whole, complete: false };
const h2: Http2RequestCase = {
  kind: "h2",
  label: "t",
  headers: {},
  body: Buffer.alloc(0),
  reset: false,
};
const answer = (fields: Partial<CaseOutcome>): CaseOutcome => ({
  label: "t",
  kind: "h1",
  result: "answered",
  body: "",
  ...fields,
});

describe("ruleBroken", () => {
  test("a whole request must be answered; a partial one need not be", () => {
    expect(ruleBroken(whole, answer({ result: "closed" }), serveRules)).toMatch(/no answer/);
    expect(ruleBroken(partial, answer({ result: "pending" }), serveRules)).toBeUndefined();
    expect(ruleBroken(h2, answer({ kind: "h2", result: "pending" }), serveRules)).toMatch(
      /in time/,
    );
    expect(ruleBroken(h2, answer({ kind: "h2", result: "reset" }), serveRules)).toBeUndefined();
  });

  test("only documented statuses, and error bodies are JSON", () => {
    expect(
      ruleBroken(
        whole,
        answer({ status: 400, contentType: "application/json", body: "{}" }),
        serveRules,
      ),
    ).toBeUndefined();
    expect(ruleBroken(whole, answer({ status: 415 }), serveRules)).toBeUndefined();
    expect(ruleBroken(whole, answer({ status: 500, body: "x" }), serveRules)).toMatch(/HTTP 500/);
    expect(ruleBroken(whole, answer({ status: 418 }), serveRules)).toMatch(/not documented/);
    expect(
      ruleBroken(
        whole,
        answer({ status: 400, contentType: "text/plain", body: "bad" }),
        serveRules,
      ),
    ).toMatch(/text\/plain body/);
  });

  test("a 5xx passes only where the port's rules allow it", () => {
    const rules = { ...serveRules, allows5xx: (o: CaseOutcome) => o.body.includes("activationId") };
    const record = answer({
      status: 502,
      contentType: "application/json",
      body: '{"activationId":"a"}',
    });
    expect(ruleBroken(whole, record, rules)).toBeUndefined();
    expect(ruleBroken(whole, record, serveRules)).toMatch(/HTTP 502/);
  });

  test("internal gRPC errors only for compressed messages without an encoding", () => {
    expect(
      ruleBroken(h2, answer({ kind: "h2", status: 200, grpcStatus: "3" }), serveRules),
    ).toBeUndefined();
    expect(
      ruleBroken(
        h2,
        answer({ kind: "h2", status: 200, grpcStatus: "13", grpcMessage: "boom" }),
        serveRules,
      ),
    ).toMatch(/grpc-status 13/);
    expect(
      ruleBroken(
        h2,
        answer({
          kind: "h2",
          status: 200,
          grpcStatus: "13",
          grpcMessage: "received compressed envelope, but do not know how to decompress",
        }),
        serveRules,
      ),
    ).toBeUndefined();
    expect(
      ruleBroken(h2, answer({ kind: "h2", status: 200, grpcStatus: "2" }), serveRules),
    ).toMatch(/grpc-status 2/);
  });
});
