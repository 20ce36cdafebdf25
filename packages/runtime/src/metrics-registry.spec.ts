import { describe, expect, it } from "vitest";
import { MetricsRegistry, metricsContentType } from "./metrics-registry.js";

/** The rendered text without blank lines (prom-client separates families with one). */
async function lines(registry: MetricsRegistry): Promise<string[]> {
  return (await registry.render()).split("\n").filter((l) => l !== "");
}

describe("MetricsRegistry", () => {
  it("renders counters, gauges and histograms in the text exposition format", async () => {
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
    expect(await lines(registry)).toEqual([
      "# HELP requests_total Requests.\\nBy path \\\\ method.",
      "# TYPE requests_total counter",
      'requests_total{path="/a\\"b\\\\c\\nd"} 1',
      'requests_total{path="/x"} 3',
      "# HELP in_flight Requests in flight.",
      "# TYPE in_flight gauge",
      "in_flight 3",
      "# HELP latency_seconds Latency.",
      "# TYPE latency_seconds histogram",
      'latency_seconds_bucket{le="0.1",path="/x"} 2',
      'latency_seconds_bucket{le="1",path="/x"} 3',
      'latency_seconds_bucket{le="+Inf",path="/x"} 4',
      'latency_seconds_sum{path="/x"} 7.65',
      'latency_seconds_count{path="/x"} 4',
    ]);
    expect(metricsContentType).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("shows a series at 0 from the moment it has a handle, unlabelled ones from the start", async () => {
    const registry = new MetricsRegistry();
    registry.counter("starts_total", "Starts.");
    registry.histogram("wait_seconds", "Waits.", [], [1]);
    const calls = registry.counter("calls_total", "Calls.", ["code"]);
    const open = registry.gauge("open", "Open.", ["port"]);
    calls.labels({ code: "ok" });
    open.labels({ port: "1" });
    expect(await lines(registry)).toEqual([
      "# HELP starts_total Starts.",
      "# TYPE starts_total counter",
      "starts_total 0",
      "# HELP wait_seconds Waits.",
      "# TYPE wait_seconds histogram",
      'wait_seconds_bucket{le="1"} 0',
      'wait_seconds_bucket{le="+Inf"} 0',
      "wait_seconds_sum 0",
      "wait_seconds_count 0",
      "# HELP calls_total Calls.",
      "# TYPE calls_total counter",
      'calls_total{code="ok"} 0',
      "# HELP open Open.",
      "# TYPE open gauge",
      'open{port="1"} 0',
    ]);
  });

  it("hands out one series per label values, which a second handle does not reset", async () => {
    const registry = new MetricsRegistry();
    const latency = registry.histogram("lat_seconds", "Latency.", ["path"], [1]);
    const level = registry.gauge("level", "Level.", ["tank"]);
    const a = latency.labels({ path: "/a" });
    a.observe(0.5);
    level.set({ tank: "t" }, 7);
    expect(latency.labels({ path: "/a" })).toBe(a);
    level.labels({ tank: "t" });
    const text = await registry.render();
    expect(text).toContain('lat_seconds_count{path="/a"} 1\n');
    expect(text).toContain('level{tank="t"} 7\n');
  });

  it("drops a removed series from the text, and shows it again when it comes back", async () => {
    const registry = new MetricsRegistry();
    const weight = registry.gauge("weight", "Weight.", ["entry"]);
    weight.set({ entry: "a" }, 2);
    weight.set({ entry: "b" }, 3);
    weight.remove({ entry: "a" });
    weight.remove({ entry: "never" });
    expect((await lines(registry)).filter((l) => l.startsWith("weight{"))).toEqual([
      'weight{entry="b"} 3',
    ]);
    weight.set({ entry: "a" }, 4);
    expect(await registry.render()).toContain('weight{entry="a"} 4\n');
  });

  it("runs collectors before each render", async () => {
    const registry = new MetricsRegistry();
    const gauge = registry.gauge("ticks", "Ticks.");
    let ticks = 0;
    registry.collect(() => gauge.set(undefined, ++ticks));
    expect(await registry.render()).toContain("ticks 1\n");
    expect(await registry.render()).toContain("ticks 2\n");
  });

  it("keeps registries apart, and renders a shared one included in several", async () => {
    const shared = new MetricsRegistry();
    shared.counter("shared_total", "Shared.").inc(undefined, 5);
    const a = new MetricsRegistry();
    const b = new MetricsRegistry();
    a.counter("same_total", "Same name in both.").inc();
    b.counter("same_total", "Same name in both.");
    a.include(shared.registry);
    a.include(shared.registry);
    b.include(shared.registry);
    const textA = await a.render();
    expect(textA).toContain("same_total 1\n");
    expect(textA.match(/^shared_total 5$/gm)).toHaveLength(1);
    expect(await b.render()).toContain("same_total 0\n");
    expect(await b.render()).toContain("shared_total 5\n");
    expect(() => a.gauge("shared_total", "")).toThrow("already registered");
  });

  it("rejects bad names, duplicates, unknown labels and decreasing counters", () => {
    const registry = new MetricsRegistry();
    expect(() => registry.counter("bad-name", "x")).toThrow(/invalid metric name/i);
    expect(() => registry.gauge("g", "x", ["bad-label"])).toThrow(/invalid label name/i);
    expect(() => registry.histogram("h", "x", ["le"])).toThrow("cannot have a label 'le'");
    expect(() => registry.histogram("h2", "x", [], [1, 1])).toThrow("increasing buckets");
    const c = registry.counter("c_total", "x", ["a"]);
    expect(() => registry.counter("c_total", "x")).toThrow("already registered");
    expect(() => c.inc({ a: "x", b: "y" })).toThrow("has no label 'b'");
    expect(() => c.inc({ a: "x" }, -1)).toThrow(/decrease/);
  });
});
