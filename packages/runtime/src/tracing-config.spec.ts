import { describe, expect, it } from "vitest";
import { describeTracingConfig, parseTracingConfig, type TracingConfig } from "./tracing-config.js";

function on(env: Record<string, string>): { config: TracingConfig; warnings: readonly string[] } {
  const setup = parseTracingConfig(env, "edgerouter");
  if (!setup.enabled) throw new Error(`tracing off: ${setup.warnings.join("; ")}`);
  return setup;
}

describe("parseTracingConfig", () => {
  it("is off when no end-point is set, whatever else is", () => {
    const setup = parseTracingConfig(
      {
        OTEL_SERVICE_NAME: "x",
        OTEL_TRACES_SAMPLER: "always_on",
        OTEL_EXPORTER_OTLP_ENDPOINT: " ",
      },
      "edgerouter",
    );
    expect(setup).toEqual({ enabled: false, warnings: [] });
  });

  it("appends v1/traces to the base end-point and takes the traces end-point as given", () => {
    expect(on({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).config.tracesUrl).toBe(
      "http://collector:4318/v1/traces",
    );
    expect(on({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }).config.tracesUrl).toBe(
      "http://collector:4318/v1/traces",
    );
    expect(
      on({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://b/custom/path",
      }).config.tracesUrl,
    ).toBe("https://b/custom/path");
  });

  it("defaults: the binary's name, http/protobuf, parent-based always-on, the SDK's batching", () => {
    const { config, warnings } = on({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" });
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      serviceName: "edgerouter",
      protocol: "http/protobuf",
      headers: {},
      timeoutMs: 10_000,
      compression: "none",
      sampler: { kind: "parentbased_always_on", ratio: 1 },
      batch: { scheduledDelayMs: 5_000, maxQueueSize: 2_048, maxExportBatchSize: 512 },
    });
  });

  it("reads the service name, resource attributes, headers, protocol, sampler and batching", () => {
    const { config, warnings } = on({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
      OTEL_SERVICE_NAME: "router-eu-1",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=edge,team=a%20b",
      OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=k1,x-other=o",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-api-key=k2",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
      OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
      OTEL_BSP_SCHEDULE_DELAY: "200",
      OTEL_BSP_MAX_QUEUE_SIZE: "100",
    });
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      serviceName: "router-eu-1",
      resourceAttributes: { "deployment.environment": "edge", team: "a b" },
      // The traces-specific header wins over the general one of the same name.
      headers: { "x-api-key": "k2", "x-other": "o" },
      protocol: "http/json",
      compression: "gzip",
      timeoutMs: 2500,
      sampler: { kind: "parentbased_traceidratio", ratio: 0.25 },
      batch: { scheduledDelayMs: 200, maxQueueSize: 100 },
    });
  });

  it("takes service.name from the resource attributes when OTEL_SERVICE_NAME is unset", () => {
    const { config } = on({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://h:4318",
      OTEL_RESOURCE_ATTRIBUTES: "service.name=from-resource",
    });
    expect(config.serviceName).toBe("from-resource");
  });

  it("turns tracing off with a warning when grpc is asked for (not installed)", () => {
    const setup = parseTracingConfig(
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://h:4317", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc" },
      "edgerouter",
    );
    expect(setup.enabled).toBe(false);
    expect(setup.warnings.join()).toMatch(/grpc is not supported.*http\/protobuf.*tracing is off/);
  });

  it("is off when disabled or when the exporter is none", () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://h:4318" };
    expect(parseTracingConfig({ ...endpoint, OTEL_SDK_DISABLED: "true" }, "x").enabled).toBe(false);
    expect(parseTracingConfig({ ...endpoint, OTEL_TRACES_EXPORTER: "none" }, "x").enabled).toBe(
      false,
    );
  });

  it("warns and keeps the default for bad values", () => {
    const { config, warnings } = on({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://h:4318",
      OTEL_TRACES_SAMPLER: "sometimes",
      OTEL_EXPORTER_OTLP_PROTOCOL: "thrift",
      OTEL_BSP_SCHEDULE_DELAY: "-1",
      OTEL_EXPORTER_OTLP_TIMEOUT: "soon",
    });
    expect(config.sampler.kind).toBe("parentbased_always_on");
    expect(config.protocol).toBe("http/protobuf");
    expect(config.batch.scheduledDelayMs).toBe(5_000);
    expect(config.timeoutMs).toBe(10_000);
    expect(warnings).toHaveLength(4);
  });

  it("refuses a ratio outside [0, 1] and a non-http end-point", () => {
    const { config, warnings } = on({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://h:4318",
      OTEL_TRACES_SAMPLER: "traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "2",
    });
    expect(config.sampler).toEqual({ kind: "traceidratio", ratio: 1 });
    expect(warnings).toHaveLength(1);
    const bad = parseTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, "x");
    expect(bad.enabled).toBe(false);
    expect(bad.warnings).toHaveLength(1);
  });

  it("never puts a header value in a warning or in the start-up description", () => {
    const secret = "s3cr3t-api-key";
    const setup = parseTracingConfig(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://user:pw@h:4318/base?token=q",
        OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${secret},${secret},x=%E0%A4%A`,
      },
      "x",
    );
    if (!setup.enabled) throw new Error("off");
    const said = JSON.stringify([setup.warnings, describeTracingConfig(setup.config)]);
    expect(said).not.toContain(secret);
    expect(said).not.toContain("pw");
    expect(said).not.toContain("token=q");
    expect(describeTracingConfig(setup.config)).toMatchObject({
      tracesUrl: "http://h:4318/base/v1/traces",
      exportHeaders: ["authorization", "x"],
    });
  });
});
