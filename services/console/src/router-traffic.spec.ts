import { describe, expect, it } from "vitest";
import { parsePrometheusText } from "./prometheus-text.js";
import {
  destinationForwarding,
  type MetricsReading,
  RUN_LAMBDA,
  routerTraffic,
} from "./router-traffic.js";

function reading(atMs: number, lines: string[]): MetricsReading {
  return { atMs, samples: parsePrometheusText(lines.join("\n")).samples };
}

const run = `procedure="${RUN_LAMBDA}"`;
const other = 'procedure="/uiiit.rpc.EdgeRouter/GetTable"';

describe("routerTraffic", () => {
  it("shows totals and no rates from a first reading", () => {
    const traffic = routerTraffic(
      reading(1000, [
        `rpc_server_calls_total{${run},code="ok"} 10`,
        `rpc_server_calls_total{${run},code="unavailable"} 2`,
        `rpc_server_calls_total{${other},code="ok"} 99`,
        'server_open_connections{port="6473"} 3',
        'server_open_connections{port="6474"} 1',
      ]),
      undefined,
    );
    expect(traffic).toEqual({
      callsPerSecond: 0,
      errorsPerSecond: 0,
      meanLatencyMs: null,
      totalCalls: 12,
      callsByCode: { ok: 10, unavailable: 2 },
      openConnections: 4,
      destinations: [],
    });
  });

  it("turns two readings into RunLambda rates, errors and mean latency over the interval", () => {
    const before = reading(1000, [
      `rpc_server_calls_total{${run},code="ok"} 10`,
      `rpc_server_calls_total{${other},code="ok"} 5`,
      `rpc_server_duration_seconds_sum{${run}} 1`,
      `rpc_server_duration_seconds_count{${run}} 10`,
    ]);
    const after = reading(3000, [
      `rpc_server_calls_total{${run},code="ok"} 30`,
      `rpc_server_calls_total{${run},code="deadline_exceeded"} 4`,
      `rpc_server_calls_total{${other},code="ok"} 500`,
      `rpc_server_duration_seconds_sum{${run}} 3.4`,
      `rpc_server_duration_seconds_count{${run}} 34`,
    ]);
    const traffic = routerTraffic(after, before);
    expect(traffic.callsPerSecond).toBe(10);
    expect(traffic.errorsPerSecond).toBe(2);
    expect(traffic.meanLatencyMs).toBeCloseTo(100);
    expect(traffic.totalCalls).toBe(34);
  });

  it("counts a counter that went down (the router restarted) from zero", () => {
    const traffic = routerTraffic(
      reading(2000, [`rpc_server_calls_total{${run},code="ok"} 3`]),
      reading(1000, [`rpc_server_calls_total{${run},code="ok"} 50`]),
    );
    expect(traffic.callsPerSecond).toBe(3);
  });

  it("groups whatever series carry a destination label, counters as rates, buckets left out", () => {
    const traffic = routerTraffic(
      reading(2000, [
        'router_destination_calls_total{destination="b:1",code="ok"} 40',
        'router_destination_calls_total{destination="a:1",code="ok"} 7',
        'router_destination_in_flight{destination="a:1"} 2',
        'router_destination_latency_seconds_bucket{destination="a:1",le="0.1"} 7',
        'router_ejections_total{destination="a:1"} 1',
      ]),
      reading(1000, [
        'router_destination_calls_total{destination="b:1",code="ok"} 20',
        'router_destination_calls_total{destination="a:1",code="ok"} 7',
      ]),
    );
    expect(traffic.destinations).toEqual([
      {
        destination: "a:1",
        series: {
          'router_destination_calls_total{code="ok"}/s': 0,
          router_destination_in_flight: 2,
          // No earlier reading of this series: no rate yet.
          "router_ejections_total/s": 0,
        },
      },
      { destination: "b:1", series: { 'router_destination_calls_total{code="ok"}/s': 20 } },
    ]);
  });
});

describe("destination forwarding (the router's soe_router_* series)", () => {
  const d = (destination: string) => `destination="${destination}"`;
  const before = reading(1000, [
    `soe_router_forwarded_total{${d("a:1")},outcome="ok"} 10`,
    `soe_router_forwarded_total{${d("a:1")},outcome="retcode"} 1`,
    `soe_router_forward_duration_seconds_sum{${d("a:1")}} 0.1`,
    `soe_router_forward_duration_seconds_count{${d("a:1")}} 11`,
    `soe_router_ejections_total{${d("b:2")}} 0`,
  ]);
  const after = reading(3000, [
    `soe_router_forwarded_total{${d("a:1")},outcome="ok"} 30`,
    `soe_router_forwarded_total{${d("a:1")},outcome="retcode"} 5`,
    `soe_router_forwarded_total{${d("a:1")},outcome="unavailable"} 2`,
    `soe_router_forward_duration_seconds_bucket{${d("a:1")},le="0.01"} 30`,
    `soe_router_forward_duration_seconds_sum{${d("a:1")}} 0.5`,
    `soe_router_forward_duration_seconds_count{${d("a:1")}} 37`,
    `soe_router_in_flight{${d("a:1")}} 4`,
    `soe_router_ejections_total{${d("b:2")}} 2`,
    `soe_router_table_weight{table="1",lambda="f",${d("a:1")}} 2.5`,
    `soe_router_table_weight{table="0",lambda="g",${d("a:1")}} 1`,
    `soe_router_table_weight{table="0",lambda="f",${d("a:1")}} 3`,
    // A route removed since: the router zeroes it, the console leaves it out.
    `soe_router_table_weight{table="0",lambda="gone",${d("a:1")}} 0`,
    'router_other{destination="c:3"} 1',
  ]);

  it("assembles rates, errors, failures, mean latency, in-flight, ejections and weights", () => {
    const [a, b, c] = routerTraffic(after, before).destinations;
    expect(a?.forwarding).toEqual({
      callsPerSecond: 10,
      lambdaErrorsPerSecond: 2,
      failuresPerSecond: 1,
      // 0.4 s over 26 calls.
      meanLatencyMs: expect.closeTo((0.4 / 26) * 1000, 9),
      inFlight: 4,
      ejections: 0,
      ejectionsPerSecond: 0,
      callsByOutcome: { ok: 30, retcode: 5, unavailable: 2 },
      weights: [
        { table: 0, lambda: "f", weight: 3 },
        { table: 0, lambda: "g", weight: 1 },
        { table: 1, lambda: "f", weight: 2.5 },
      ],
    });
    expect(b?.forwarding).toMatchObject({
      callsPerSecond: 0,
      meanLatencyMs: null,
      ejections: 2,
      ejectionsPerSecond: 1,
      weights: [],
    });
    // Other series with a destination label are still shown, raw, without an assembly.
    expect(c).toEqual({ destination: "c:3", series: { router_other: 1 } });
  });

  it("has totals and no rates from a first reading", () => {
    const forwarding = destinationForwarding("a:1", after, undefined, 0);
    expect(forwarding).toMatchObject({
      callsPerSecond: 0,
      failuresPerSecond: 0,
      meanLatencyMs: null,
      inFlight: 4,
      callsByOutcome: { ok: 30, retcode: 5, unavailable: 2 },
    });
  });
});
