import { Code } from "@connectrpc/connect";
import { MetricsRegistry } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import {
  type DestinationMetricsSources,
  NO_DESTINATION_METRICS,
  registerDestinationMetrics,
} from "./destination-metrics.js";

interface Row {
  lambda: string;
  destination: string;
  weight: number;
}

function sources(inFlight: Record<string, number>, overall: Row[], final: Row[] = []) {
  const state = { inFlight, overall, final };
  const read: DestinationMetricsSources = {
    inFlight: (d) => state.inFlight[d] ?? 0,
    tables: () => [
      { table: "0", rows: state.overall },
      { table: "1", rows: state.final },
    ],
  };
  return { state, read };
}

async function lines(registry: MetricsRegistry, prefix: string): Promise<string[]> {
  return (await registry.render()).split("\n").filter((l) => l.startsWith(prefix));
}

describe("registerDestinationMetrics", () => {
  it("counts outcomes and latencies per destination", async () => {
    const registry = new MetricsRegistry();
    const { read } = sources({}, []);
    const metrics = registerDestinationMetrics(registry, read);
    const a = metrics.series("a:1");
    a.answered(true, 0.002);
    a.answered(false, 0.004);
    a.failed(Code.Unavailable, 0.001);
    metrics.series("b:2").answered(true, 0.5);
    expect(metrics.series("a:1")).toBe(a); // the same handles on each call
    expect(await lines(registry, "soe_router_forwarded_total{")).toEqual([
      'soe_router_forwarded_total{destination="a:1",outcome="ok"} 1',
      'soe_router_forwarded_total{destination="a:1",outcome="retcode"} 1',
      'soe_router_forwarded_total{destination="a:1",outcome="unavailable"} 1',
      'soe_router_forwarded_total{destination="b:2",outcome="ok"} 1',
      'soe_router_forwarded_total{destination="b:2",outcome="retcode"} 0',
    ]);
    expect(await lines(registry, "soe_router_forward_duration_seconds_count")).toEqual([
      'soe_router_forward_duration_seconds_count{destination="a:1"} 3',
      'soe_router_forward_duration_seconds_count{destination="b:2"} 1',
    ]);
    expect(
      await lines(
        registry,
        'soe_router_forward_duration_seconds_bucket{le="0.5",destination="b:2"}',
      ),
    ).toEqual(['soe_router_forward_duration_seconds_bucket{le="0.5",destination="b:2"} 1']);
  });

  it("counts ejections and samples in-flight calls at scrape time", async () => {
    const registry = new MetricsRegistry();
    const { state, read } = sources({ "a:1": 3 }, []);
    const metrics = registerDestinationMetrics(registry, read);
    metrics.series("a:1").ejected();
    expect(await lines(registry, "soe_router_ejections_total{")).toEqual([
      'soe_router_ejections_total{destination="a:1"} 1',
    ]);
    expect(await lines(registry, "soe_router_in_flight{")).toEqual([
      'soe_router_in_flight{destination="a:1"} 3',
    ]);
    state.inFlight["a:1"] = 0;
    expect(await lines(registry, "soe_router_in_flight{")).toEqual([
      'soe_router_in_flight{destination="a:1"} 0',
    ]);
  });

  it("shows the tables' current weights and drops entries that went away", async () => {
    const registry = new MetricsRegistry();
    const { state, read } = sources(
      {},
      [
        { lambda: "f", destination: "a:1", weight: 1.5 },
        { lambda: "f", destination: "b:2", weight: 2 },
      ],
      [{ lambda: "g", destination: "c:3", weight: 1 }],
    );
    registerDestinationMetrics(registry, read);
    expect(await lines(registry, "soe_router_table_weight{")).toEqual([
      'soe_router_table_weight{table="0",lambda="f",destination="a:1"} 1.5',
      'soe_router_table_weight{table="0",lambda="f",destination="b:2"} 2',
      'soe_router_table_weight{table="1",lambda="g",destination="c:3"} 1',
    ]);
    state.overall = [{ lambda: "f", destination: "a:1", weight: 3 }];
    expect(await lines(registry, "soe_router_table_weight{")).toEqual([
      'soe_router_table_weight{table="0",lambda="f",destination="a:1"} 3',
      'soe_router_table_weight{table="1",lambda="g",destination="c:3"} 1',
    ]);
    state.overall = [...state.overall, { lambda: "f", destination: "b:2", weight: 4 }];
    expect(await lines(registry, "soe_router_table_weight{")).toEqual([
      'soe_router_table_weight{table="0",lambda="f",destination="a:1"} 3',
      'soe_router_table_weight{table="1",lambda="g",destination="c:3"} 1',
      'soe_router_table_weight{table="0",lambda="f",destination="b:2"} 4',
    ]);
  });

  it("NO_DESTINATION_METRICS records nothing and needs no registry", () => {
    const series = NO_DESTINATION_METRICS.series("a:1");
    series.answered(true, 1);
    series.failed(Code.DeadlineExceeded, 1);
    series.ejected();
    expect(NO_DESTINATION_METRICS.series("b:2")).toBe(series);
  });
});
