import { describe, expect, it } from "vitest";
import { activeSpan, runWithSpan } from "./tracing-scope.js";
import type { TraceSpan } from "./tracing.js";

const span = { name: "request" } as unknown as TraceSpan;

describe("runWithSpan", () => {
  it("makes the span active across awaits, and only inside", async () => {
    expect(activeSpan()).toBeUndefined();
    const seen = await runWithSpan(span, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return activeSpan();
    });
    expect(seen).toBe(span);
    expect(activeSpan()).toBeUndefined();
  });

  it("runs the function alone without a span", () => {
    expect(runWithSpan(undefined, () => activeSpan())).toBeUndefined();
  });
});
