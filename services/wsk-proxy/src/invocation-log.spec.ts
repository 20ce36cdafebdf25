import { describe, expect, it } from "vitest";
import { formatInvocationLine } from "./invocation-log.js";

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
