import { describe, expect, it } from "vitest";
import {
  extractRemoteParent,
  formatTraceparent,
  MAX_TRACESTATE_LENGTH,
  parseTraceparent,
  traceHeaders,
} from "./tracing-propagation.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

describe("W3C traceparent", () => {
  it("parses the specification's example", () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`, "rojo=00f067aa0ba902b7")).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      sampled: true,
      traceState: "rojo=00f067aa0ba902b7",
    });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.sampled).toBe(false);
  });

  it("ignores what the specification calls invalid", () => {
    for (const bad of [
      "",
      "garbage",
      `00-${TRACE}-${SPAN}`,
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${"0".repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${"0".repeat(16)}-01`,
      `ff-${TRACE}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-01-extra`,
      `0-${TRACE}-${SPAN}-01`,
    ]) {
      expect(parseTraceparent(bad), bad).toBeUndefined();
    }
  });

  it("reads a future version by its first four fields", () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-whatever`)?.traceId).toBe(TRACE);
  });

  it("drops a tracestate that is too long or not printable", () => {
    const long = `a=${"x".repeat(MAX_TRACESTATE_LENGTH)}`;
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`, long)?.traceState).toBe("");
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`, "a=b\nc")?.traceState).toBe("");
  });

  it("formats and round-trips through headers or metadata", () => {
    expect(formatTraceparent(TRACE, SPAN, true)).toBe(`00-${TRACE}-${SPAN}-01`);
    const headers = new Headers({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: "k=v" });
    const parent = extractRemoteParent((name) => headers.get(name));
    expect(parent).toBeDefined();
    expect(traceHeaders(parent as NonNullable<typeof parent>)).toEqual({
      traceparent: `00-${TRACE}-${SPAN}-01`,
      tracestate: "k=v",
    });
    expect(extractRemoteParent(() => undefined)).toBeUndefined();
  });
});
