import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  codeLabel,
  createRpcMetrics,
  MetricsRegistry,
  metricsInterceptor,
  processMetricsRegistry,
  type RpcMetrics,
  registerProcessMetrics,
} from "./metrics.js";

type AnyFn = Parameters<Interceptor>[0];
type Req = Parameters<AnyFn>[0];
type Res = Awaited<ReturnType<AnyFn>>;

describe("createRpcMetrics", () => {
  it("counts calls by procedure and code and times them by procedure", async () => {
    const registry = new MetricsRegistry();
    const rpc = createRpcMetrics(registry);
    rpc.record("/uiiit.rpc.EdgeRouter/RunLambda", "ok", 0.002);
    rpc.record("/uiiit.rpc.EdgeRouter/RunLambda", "ok", 0.003);
    rpc.record("/uiiit.rpc.EdgeRouter/RunLambda", "deadline_exceeded", 20);
    const text = await registry.render();
    expect(text).toContain(
      'rpc_server_calls_total{procedure="/uiiit.rpc.EdgeRouter/RunLambda",code="ok"} 2\n' +
        'rpc_server_calls_total{procedure="/uiiit.rpc.EdgeRouter/RunLambda",code="deadline_exceeded"} 1\n',
    );
    expect(text).toContain(
      'rpc_server_duration_seconds_bucket{le="0.0005",procedure="/uiiit.rpc.EdgeRouter/RunLambda"} 0\n',
    );
    expect(text).toContain(
      'rpc_server_duration_seconds_bucket{le="0.0025",procedure="/uiiit.rpc.EdgeRouter/RunLambda"} 1\n',
    );
    expect(text).toContain(
      'rpc_server_duration_seconds_bucket{le="10",procedure="/uiiit.rpc.EdgeRouter/RunLambda"} 2\n',
    );
    expect(text).toContain(
      'rpc_server_duration_seconds_bucket{le="+Inf",procedure="/uiiit.rpc.EdgeRouter/RunLambda"} 3\n',
    );
    expect(text).toContain(
      'rpc_server_duration_seconds_count{procedure="/uiiit.rpc.EdgeRouter/RunLambda"} 3\n',
    );
  });
});

describe("codeLabel", () => {
  it("names codes in snake_case, and no code ok", () => {
    expect(codeLabel(undefined)).toBe("ok");
    expect(codeLabel(Code.DeadlineExceeded)).toBe("deadline_exceeded");
    expect(codeLabel(Code.Canceled)).toBe("canceled");
    expect(codeLabel(Code.Unauthenticated)).toBe("unauthenticated");
  });
});

describe("metricsInterceptor", () => {
  const req = {
    service: { typeName: "uiiit.rpc.EdgeRouter" },
    method: { name: "RunLambda" },
    header: new Headers(),
  } as unknown as Req;

  function recorder() {
    const records: [string, string, number][] = [];
    const metrics: RpcMetrics = { record: (...args) => records.push(args) };
    return { records, interceptor: metricsInterceptor(metrics) };
  }

  it("records a successful call as ok", async () => {
    const { records, interceptor } = recorder();
    const res = { message: "fine" } as unknown as Res;
    await expect(interceptor(async () => res)(req)).resolves.toBe(res);
    expect(records).toEqual([["/uiiit.rpc.EdgeRouter/RunLambda", "ok", expect.any(Number)]]);
    expect(records[0]?.[2]).toBeGreaterThanOrEqual(0);
  });

  it("records the error's code and rethrows the error", async () => {
    const { records, interceptor } = recorder();
    const error = new ConnectError("slow", Code.DeadlineExceeded);
    await expect(
      interceptor(async () => {
        throw error;
      })(req),
    ).rejects.toBe(error);
    const plain = new Error("boom");
    await expect(
      interceptor(async () => {
        throw plain;
      })(req),
    ).rejects.toBe(plain);
    expect(records.map(([, code]) => code)).toEqual(["deadline_exceeded", "unknown"]);
  });
});

describe("registerProcessMetrics", () => {
  it("shows prom-client's process metrics, sampled at render", async () => {
    const registry = new MetricsRegistry();
    registerProcessMetrics(registry);
    const text = await registry.render();
    for (const name of [
      "process_resident_memory_bytes",
      "process_start_time_seconds",
      "nodejs_heap_size_used_bytes",
      "nodejs_heap_size_total_bytes",
    ]) {
      const value = Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
      expect(value, name).toBeGreaterThan(0);
    }
    expect(text).toMatch(/^process_cpu_seconds_total \S+$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
  });

  it("collects them once per process, however many registries show them", async () => {
    const shared = processMetricsRegistry();
    expect(processMetricsRegistry()).toBe(shared);
    const registries = Array.from({ length: 5 }, () => new MetricsRegistry());
    for (const registry of registries) {
      registerProcessMetrics(registry);
      registerProcessMetrics(registry);
    }
    for (const registry of registries) {
      const text = await registry.render();
      expect(text.match(/^# TYPE process_cpu_seconds_total counter$/gm)).toHaveLength(1);
    }
    // One set of process metrics: the event-loop monitor and GC observer exist once.
    expect(
      shared.getMetricsAsArray().filter((m) => m.name === "nodejs_gc_duration_seconds"),
    ).toHaveLength(1);
  });

  it("leaves nothing running: a process whose server showed them exits once it closes", async () => {
    // prom-client's event-loop monitor and GC observer outlive every server; they must not
    // hold the process, or a service would hang after its shutdown.
    const script = `
      import { serve } from ${JSON.stringify(new URL("./index.ts", import.meta.url).href)};
      const server = await serve({ name: "exits" });
      const text = await (await fetch(server.url + "/metrics")).text();
      await server.close();
      process.stdout.write(String(text.includes("process_cpu_seconds_total")));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=@soe/source", "--import", "tsx", "--input-type=module", "-e", script],
      { cwd: fileURLToPath(new URL("..", import.meta.url)), timeout: 30_000 },
    );
    expect(stdout).toBe("true");
  }, 40_000);
});
