import { describe, expect, it } from "vitest";
import { formatResultLine, formatStatLine } from "./result-line.js";
import { SummaryStat } from "./summary-stat.js";

describe("formatResultLine", () => {
  // reference §7.2: `1.11078 0.109332 0 127.0.0.1:10001 clambda0 2`
  it("prints the reference's six columns with C++ stream numbers", () => {
    expect(
      formatResultLine({
        time: 1.1107849,
        value: 0.10933214,
        load1: 0,
        responder: "127.0.0.1:10001",
        lambda: "clambda0",
        hops: 2,
      }),
    ).toBe("1.11078 0.109332 0 127.0.0.1:10001 clambda0 2\n");
  });

  it("leaves the responder column empty for a direct call to a simulated computer", () => {
    const line = formatResultLine({
      time: 12,
      value: 0.00001,
      load1: 37,
      responder: "",
      lambda: "glambda0",
      hops: 1,
    });
    expect(line).toBe("12 1e-05 37  glambda0 1\n");
    expect(line.trimEnd().split(" ")).toHaveLength(6);
  });
});

describe("formatStatLine", () => {
  it("prints mean +- stddev as the reference, then p50 p90 p99", () => {
    const stat = new SummaryStat();
    for (let i = 1; i <= 10; i++) stat.add(i / 10);
    expect(formatStatLine("latency", stat)).toBe(
      "latency 0.55 +- 0.287228 p50 0.5 p90 0.9 p99 1\n",
    );
  });
});
