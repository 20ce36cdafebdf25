import { MetricsRegistry } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { parsePrometheusText, selectSamples, sumSamples } from "./prometheus-text.js";

describe("parsePrometheusText", () => {
  it("reads what the runtime's registry renders: counters, gauges and histograms with labels", async () => {
    const registry = new MetricsRegistry();
    registry
      .counter("calls_total", "Calls.", ["procedure", "code"])
      .labels({ procedure: "/a/B", code: "ok" })
      .inc(3);
    registry.gauge("open", "Open.", ["port"]).set({ port: "6473" }, 2);
    registry
      .histogram("lat_seconds", "Latency.", ["procedure"], [0.1, 1])
      .observe({ procedure: "/a/B" }, 0.5);
    const parsed = parsePrometheusText(await registry.render());
    expect(parsed.skippedLines).toBe(0);
    expect(parsed.types.get("calls_total")).toBe("counter");
    expect(parsed.types.get("lat_seconds")).toBe("histogram");
    expect(selectSamples(parsed.samples, "calls_total")).toEqual([
      { name: "calls_total", labels: { procedure: "/a/B", code: "ok" }, value: 3 },
    ]);
    expect(sumSamples(parsed.samples, "open", { port: "6473" })).toBe(2);
    expect(sumSamples(parsed.samples, "lat_seconds_bucket", { le: "0.1" })).toBe(0);
    expect(sumSamples(parsed.samples, "lat_seconds_bucket", { le: "+Inf" })).toBe(1);
    expect(sumSamples(parsed.samples, "lat_seconds_sum")).toBe(0.5);
    expect(sumSamples(parsed.samples, "lat_seconds_count")).toBe(1);
  });

  it("unescapes label values and keeps commas, braces and spaces inside them", () => {
    const { samples } = parsePrometheusText(
      'x{a="q\\"uote",b="back\\\\slash",c="new\\nline",d="{1, 2} x"} 7\n',
    );
    expect(samples).toEqual([
      {
        name: "x",
        labels: { a: 'q"uote', b: "back\\slash", c: "new\nline", d: "{1, 2} x" },
        value: 7,
      },
    ]);
  });

  it("reads special values, exponents and ignores timestamps", () => {
    const { samples } = parsePrometheusText(
      "a NaN\nb +Inf\nc -Inf\nd 1.5e3 1700000000000\ne{} -2\n",
    );
    expect(samples.map((s) => [s.name, s.value])).toEqual([
      ["a", Number.NaN],
      ["b", Number.POSITIVE_INFINITY],
      ["c", Number.NEGATIVE_INFINITY],
      ["d", 1500],
      ["e", -2],
    ]);
  });

  it("skips and counts lines it cannot read instead of failing the whole text", () => {
    const parsed = parsePrometheusText(
      [
        "# HELP ok A fine one.",
        "# TYPE ok gauge",
        "ok 1",
        "bad{a=unquoted} 1",
        'bad{a="unterminated} 1',
        "bad_value one",
        "9starts_with_digit 1",
        'bad_escape{a="\\x"} 1',
        "too many fields 1 2",
        "# TYPE weird nonsense",
      ].join("\n"),
    );
    expect(parsed.samples).toEqual([{ name: "ok", labels: {}, value: 1 }]);
    expect(parsed.skippedLines).toBe(6);
    expect(parsed.types.has("weird")).toBe(false);
  });

  it("answers nothing for an empty text", () => {
    expect(parsePrometheusText("")).toEqual({ samples: [], types: new Map(), skippedLines: 0 });
  });
});
