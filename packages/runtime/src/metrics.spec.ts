import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  codeLabel,
  createRpcMetrics,
  MetricsRegistry,
  metricsInterceptor,
  type RpcMetrics,
  registerProcessMetrics,
} from "./metrics.js";

type AnyFn = Parameters<Interceptor>[0];
type Req = Parameters<AnyFn>[0];
type Res = Awaited<ReturnType<AnyFn>>;

describe("createRpcMetrics", () => {
  it("counts calls by procedure and code and times them by procedure", () => {
    const registry = new MetricsRegistry();
    const rpc = createRpcMetrics(registry);
    rpc.record("/uiiit.rpc.EdgeRouter/RunLambda", "ok", 0.002);
    rpc.record("/uiiit.rpc.EdgeRouter/RunLambda", "ok", 0.003);
    rpc.record("/uiiit.rpc.EdgeRouter/RunLambda", "deadline_exceeded", 20);
    const text = registry.render();
    expect(text).toContain(
      'rpc_server_calls_total{procedure="/uiiit.rpc.EdgeRouter/RunLambda",code="ok"} 2\n' +
        'rpc_server_calls_total{procedure="/uiiit.rpc.EdgeRouter/RunLambda",code="deadline_exceeded"} 1\n',
    );
    expect(text).toContain(
      'rpc_server_duration_seconds_bucket{procedure="/uiiit.rpc.EdgeRouter/RunLambda",le="0.0005"} 0\n',
    );
    expect(text).toContain(
      'rpc_server_duration_seconds_bucket{procedure="/uiiit.rpc.EdgeRouter/RunLambda",le="0.0025"} 1\n',
    );
    expect(text).toContain(
      'rpc_server_duration_seconds_bucket{procedure="/uiiit.rpc.EdgeRouter/RunLambda",le="10"} 2\n',
    );
    expect(text).toContain(
      'rpc_server_duration_seconds_bucket{procedure="/uiiit.rpc.EdgeRouter/RunLambda",le="+Inf"} 3\n',
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
  it("samples memory and CPU at render", () => {
    const registry = new MetricsRegistry();
    registerProcessMetrics(registry);
    const text = registry.render();
    for (const name of [
      "process_resident_memory_bytes",
      "process_cpu_seconds_total",
      "nodejs_heap_used_bytes",
    ]) {
      const value = Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
      expect(value, name).toBeGreaterThan(0);
    }
  });
});
