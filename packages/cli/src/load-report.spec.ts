import { create } from "@bufbuild/protobuf";
import { LambdaResponseSchema } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { LoadReport } from "./load-report.js";

const response = (ptime: number, retcode = "OK") =>
  create(LambdaResponseSchema, { retcode, ptime, load1: 3, responder: "r:1", hops: 2 });

function reportOf(clients: number, dry = false) {
  let out = "";
  const report = new LoadReport({
    out: { write: (t: string) => (out += t) },
    clients,
    lambda: "glambda0",
    dry,
  });
  return { report, out: () => out };
}

describe("LoadReport", () => {
  it("summarises like the reference (latency, processing) with percentiles and counts", () => {
    const { report, out } = reportOf(1);
    for (const [latency, ptime] of [
      [0.1, 50],
      [0.3, 150],
    ] as const) {
      report.requestSent();
      report.response(0, 1, latency, response(ptime));
    }
    report.requestSent();
    report.response(0, 2, 0.5, response(0, "overloaded"));
    report.requestSent();
    report.error("[unavailable] gone");
    expect(out()).toBe("1 0.1 3 r:1 glambda0 2\n1 0.3 3 r:1 glambda0 2\n");
    expect(report.summary(2)).toBe(
      "latency 0.2 +- 0.1 p50 0.1 p90 0.3 p99 0.3\n" +
        "processing 0.1 +- 0.05 p50 0.05 p90 0.15 p99 0.15\n" +
        "requests sent 4, ok 2, not ok 1, failed 1, dropped 0 in 2 s (1 ok/s)\n" +
        "1 error(s) occurred:\n" +
        "  [unavailable] gone\n",
    );
  });

  it("prints the processing time in result lines of a dry run", () => {
    const { report, out } = reportOf(1, true);
    report.response(0, 0.5, 0.002, response(250));
    expect(out()).toBe("0.5 0.25 3 r:1 glambda0 2\n");
  });

  it("summarises each client, then all of them, and groups equal errors", () => {
    const { report } = reportOf(2);
    report.response(0, 1, 0.1, response(10));
    report.response(1, 1, 0.3, response(30));
    report.error("refused");
    report.error("refused");
    expect(report.summary(0)).toBe(
      "client#0 latency 0.1 +- 0 p50 0.1 p90 0.1 p99 0.1\n" +
        "client#0 processing 0.01 +- 0 p50 0.01 p90 0.01 p99 0.01\n" +
        "client#1 latency 0.3 +- 0 p50 0.3 p90 0.3 p99 0.3\n" +
        "client#1 processing 0.03 +- 0 p50 0.03 p90 0.03 p99 0.03\n" +
        "latency 0.2 +- 0.1 p50 0.1 p90 0.3 p99 0.3\n" +
        "processing 0.02 +- 0.01 p50 0.01 p90 0.03 p99 0.03\n" +
        "requests sent 0, ok 2, not ok 0, failed 2, dropped 0 in 0 s (0 ok/s)\n" +
        "2 error(s) occurred:\n" +
        "  refused (2 times)\n",
    );
  });

  it("prints no statistics without an OK response, as the reference", () => {
    const { report } = reportOf(1);
    expect(report.summary(1)).toBe(
      "requests sent 0, ok 0, not ok 0, failed 0, dropped 0 in 1 s (0 ok/s)\n",
    );
  });
});
