import { describe, expect, it } from "vitest";
import { MetricsRegistry } from "./metrics-registry.js";

describe("MetricsRegistry", () => {
  it("renders counters, gauges and histograms in the text exposition format", () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter("requests_total", "Requests.\nBy path \\ method.", ["path"]);
    const inFlight = registry.gauge("in_flight", "Requests in flight.");
    const latency = registry.histogram("latency_seconds", "Latency.", ["path"], [0.1, 1]);
    requests.inc({ path: '/a"b\\c\nd' });
    requests.inc({ path: "/x" }, 2);
    requests.inc({ path: "/x" });
    inFlight.set(undefined, 3);
    latency.observe({ path: "/x" }, 0.05);
    latency.observe({ path: "/x" }, 0.5);
    latency.observe({ path: "/x" }, 0.1);
    latency.observe({ path: "/x" }, 7);
    expect(registry.render()).toBe(
      [
        "# HELP requests_total Requests.\\nBy path \\\\ method.",
        "# TYPE requests_total counter",
        'requests_total{path="/a\\"b\\\\c\\nd"} 1',
        'requests_total{path="/x"} 3',
        "# HELP in_flight Requests in flight.",
        "# TYPE in_flight gauge",
        "in_flight 3",
        "# HELP latency_seconds Latency.",
        "# TYPE latency_seconds histogram",
        'latency_seconds_bucket{path="/x",le="0.1"} 2',
        'latency_seconds_bucket{path="/x",le="1"} 3',
        'latency_seconds_bucket{path="/x",le="+Inf"} 4',
        'latency_seconds_sum{path="/x"} 7.65',
        'latency_seconds_count{path="/x"} 4',
        "",
      ].join("\n"),
    );
  });

  it("shows unlabelled metrics as 0 before any update", () => {
    const registry = new MetricsRegistry();
    registry.counter("starts_total", "Starts.");
    registry.histogram("wait_seconds", "Waits.", [], [1]);
    expect(registry.render()).toBe(
      [
        "# HELP starts_total Starts.",
        "# TYPE starts_total counter",
        "starts_total 0",
        "# HELP wait_seconds Waits.",
        "# TYPE wait_seconds histogram",
        'wait_seconds_bucket{le="1"} 0',
        'wait_seconds_bucket{le="+Inf"} 0',
        "wait_seconds_sum 0",
        "wait_seconds_count 0",
        "",
      ].join("\n"),
    );
  });

  it("runs collectors before each render", () => {
    const registry = new MetricsRegistry();
    const gauge = registry.gauge("ticks", "Ticks.");
    let ticks = 0;
    registry.collect(() => gauge.set(undefined, ++ticks));
    expect(registry.render()).toContain("ticks 1\n");
    expect(registry.render()).toContain("ticks 2\n");
  });

  it("rejects bad names, duplicates, unknown labels and decreasing counters", () => {
    const registry = new MetricsRegistry();
    expect(() => registry.counter("bad-name", "")).toThrow("invalid metric name");
    expect(() => registry.gauge("g", "", ["bad-label"])).toThrow("invalid label name");
    expect(() => registry.histogram("h", "", ["le"])).toThrow("cannot have a label 'le'");
    expect(() => registry.histogram("h2", "", [], [1, 1])).toThrow("increasing buckets");
    const c = registry.counter("c_total", "", ["a"]);
    expect(() => registry.counter("c_total", "")).toThrow("already registered");
    expect(() => c.inc({ a: "x", b: "y" })).toThrow("has no label 'b'");
    expect(() => c.inc({ a: "x" }, -1)).toThrow(RangeError);
  });
});
