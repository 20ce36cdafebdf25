import { Writable } from "node:stream";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { LambdaResponseSchema } from "@soe/proto";
import { createLogger } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { formatInvocationLine, invocationFacts, logInvocation } from "./invocation-log.js";

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: createLogger({ name: "wskproxy", level, pretty: false, destination }), lines };
}

const reply = create(LambdaResponseSchema, {
  retcode: "OK",
  output: '{"payload":"hi"}',
  responder: "127.0.0.1:10000",
  ptime: 12,
  hops: 2,
  load1: 0.5,
  load10: 0.25,
  load30: 0.125,
  dataout: new Uint8Array(3),
});

describe("formatInvocationLine", () => {
  it("reads like the reference wskproxy's line (reference §9)", () => {
    const line = formatInvocationLine({
      elapsed: 0.248579,
      retcode: "OK",
      responder: "OW1",
      ptime: 0,
      hops: 3,
      load1: 0,
      load10: 0,
      load30: 0,
      output: "hello",
      dataoutSize: 0,
    });
    expect(line).toBe(
      "0.248579 retcode: OK, from: OW1, ptime: 0 ms, hops: 3, load: 0/0/0, output: hello, dataout size: 0",
    );
  });

  it("keeps a long or multi-line output to one short line", () => {
    const line = formatInvocationLine({
      elapsed: 1,
      retcode: "OK",
      responder: "",
      ptime: 1,
      hops: 1,
      load1: 1,
      load10: 2,
      load30: 3,
      output: `a\nb${"x".repeat(1000)}`,
      dataoutSize: 0,
    });
    expect(line).not.toContain("\n");
    expect(line).toContain("output: a b");
    expect(line.length).toBeLessThan(400);
  });
});

describe("invocationFacts", () => {
  it("takes the reply's fields", () => {
    const facts = invocationFacts({
      activationId: "a1",
      lambda: "/guest/copy",
      outcome: "activation",
      elapsed: 0.5,
      reply,
      failure: undefined,
    });
    // Every fact shows in the line: the reply's, not defaults.
    expect(formatInvocationLine(facts)).toBe(
      '0.500000 retcode: OK, from: 127.0.0.1:10000, ptime: 12 ms, hops: 2, load: 0.5/0.25/0.125, output: {"payload":"hi"}, dataout size: 3',
    );
  });

  it("says which RPC error stood in for a reply", () => {
    const facts = invocationFacts({
      activationId: "a1",
      lambda: "/guest/copy",
      outcome: "no-route",
      elapsed: 0.01,
      reply: undefined,
      failure: new ConnectError("no router", Code.Unavailable),
    });
    expect(facts.retcode).toBe("rpc error: [unavailable] no router");
    expect([facts.responder, facts.output, facts.hops, facts.dataoutSize]).toEqual(["", "", 0, 0]);
  });
});

describe("logInvocation", () => {
  const entry = {
    activationId: "a1",
    lambda: "/guest/copy",
    outcome: "activation",
    elapsed: 0.25,
    reply,
    failure: undefined,
  };

  it("logs the reference's line at debug, with its fields for log processors", () => {
    const { logger, lines } = capture("debug");
    logInvocation(logger, entry);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 20,
      activationId: "a1",
      lambda: "/guest/copy",
      outcome: "activation",
      retcode: "OK",
      from: "127.0.0.1:10000",
      ptime: 12,
      hops: 2,
      load: "0.5/0.25/0.125",
      msg: '0.250000 retcode: OK, from: 127.0.0.1:10000, ptime: 12 ms, hops: 2, load: 0.5/0.25/0.125, output: {"payload":"hi"}, dataout size: 3',
    });
  });

  it("logs nothing above debug", () => {
    const { logger, lines } = capture("info");
    logInvocation(logger, entry);
    expect(lines).toEqual([]);
  });
});
