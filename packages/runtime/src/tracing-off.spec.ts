import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parseOrExit } from "./run-main.js";
import { isTracing, spanLogFields, startServerSpan, startSpan, startTracing } from "./tracing.js";

// Alone in its file: the module cache of this worker shows whether the SDK was ever loaded.
describe("tracing off (no OTLP end-point)", () => {
  it("loads no SDK and makes no span", () => {
    const lines: string[] = [];
    const status = startTracing({
      serviceName: "edgerouter",
      env: { OTEL_SERVICE_NAME: "r", OTEL_TRACES_SAMPLER: "always_on" },
    });
    expect(status).toEqual({ enabled: false, warnings: [] });
    expect(isTracing()).toBe(false);
    let read = 0;
    const span = startServerSpan("uiiit.rpc.EdgeServer/RunLambda", () => {
      read += 1;
      return "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    });
    expect(span).toBeUndefined();
    expect(read).toBe(0);
    expect(startSpan("x", "client", undefined, { a: 1 })).toBeUndefined();
    expect(spanLogFields(undefined)).toEqual({});
    expect(lines).toEqual([]);
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((path) =>
      path.includes("/node_modules/@opentelemetry/"),
    );
    expect(loaded).toEqual([]);
  });

  it("stays off when a binary parses its options without an end-point", () => {
    const program = { name: "edgerouter", version: "1", summary: "s", options: {} } as const;
    const out: string[] = [];
    parseOrExit(
      program,
      [],
      {},
      {
        out: (t) => out.push(t),
        err: (t) => out.push(t),
        exit: (code) => {
          throw new Error(`exit ${code}`);
        },
      },
    );
    expect(isTracing()).toBe(false);
    expect(out).toEqual([]);
  });
});
