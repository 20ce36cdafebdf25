import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  baseEnv,
  COPY_LAMBDA,
  GUEST_KEY,
  NATIVE_LAMBDA,
  SEED,
  type SeedScenario,
  startSeedScenario,
} from "../src/index.js";
import { runEdgeClient } from "./support/edgeclient.js";
import { OtlpReceiver, type ReceivedSpan, SPAN_KIND } from "./support/otlp-receiver.js";

// Issue 14's goal: one invocation through proxy → router → wsk-computer → OpenWhisk is one trace
// with a span per hop, in any OTLP backend (here, a receiver in the test). Every process of the
// seed scenario gets the standard OTEL_* variables; nothing else turns tracing on.
const CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
const CLIENT_SPAN = "b7ad6b7169203331";
const AUTH = `Basic ${Buffer.from(GUEST_KEY).toString("base64")}`;

let receiver: OtlpReceiver;
let scenario: SeedScenario | undefined;
/** The proxy's lines that name a trace (at debug it logs much more than a tail keeps). */
const proxyTraceLines: string[] = [];

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  scenario = await startSeedScenario(
    { ports: "free", leaseTtlSeconds: 3, listerPeriodSeconds: 0.2, proxyLogLevel: "debug" },
    {
      env: {
        ...baseEnv(),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        // Exported within 100 ms of ending, so the test waits little.
        OTEL_BSP_SCHEDULE_DELAY: "100",
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=e2e",
      },
      onLine: (name, line) => {
        if (name === SEED.proxy && line.includes('"traceId"')) proxyTraceLines.push(line);
      },
    },
  );
}, 90_000);

afterAll(async () => {
  await scenario?.stop();
  await receiver?.close();
}, 60_000);

/** Polls until `probe` gives a value; bounded, and asserts nothing on time. */
async function eventually<T>(
  probe: () => T | undefined,
  what: string,
  limitMs = 20_000,
): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function only(spans: readonly ReceivedSpan[], service: string, kind: number): ReceivedSpan {
  const found = spans.filter((s) => s.serviceName === service && s.kind === kind);
  expect(found, `${service} spans of kind ${kind}`).toHaveLength(1);
  return found[0] as ReceivedSpan;
}

describe("distributed tracing (OpenTelemetry)", () => {
  test("one invocation through the proxy is one trace: proxy, router and wsk-computer spans, parent by parent, and OpenWhisk got the traceparent", async () => {
    const s = scenario;
    if (s === undefined) throw new Error("the seed scenario did not start");
    const res = await fetch(`${s.proxyUrl}/api/v1/namespaces/guest/actions/copy?blocking=true`, {
      method: "POST",
      headers: {
        authorization: AUTH,
        "content-type": "application/json",
        traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`,
        tracestate: "client=e2e",
      },
      body: JSON.stringify({ input: "traced" }),
    });
    expect(res.status).toBe(200);
    const record = (await res.json()) as { activationId: string; response: { result: unknown } };
    expect(record.response.result).toEqual({ payload: "traced" });

    // proxy: server + client; router: server; wsk-computer: server.
    const trace = await eventually(() => {
      const spans = receiver.spans.filter((span) => span.traceId === CLIENT_TRACE);
      return spans.length >= 4 && spans.some((span) => span.serviceName === "edgecomputerwsk")
        ? spans
        : undefined;
    }, "the invocation's spans from the proxy, the router and the wsk-computer");

    const proxyServer = only(trace, "wskproxy", SPAN_KIND.server);
    const proxyClient = only(trace, "wskproxy", SPAN_KIND.client);
    const router = only(trace, "edgerouter", SPAN_KIND.server);
    const wsk = only(trace, "edgecomputerwsk", SPAN_KIND.server);
    expect(trace).toHaveLength(4);

    // Parent links: client → proxy (HTTP) → proxy's call → router → wsk-computer.
    expect(proxyServer.parentSpanId).toBe(CLIENT_SPAN);
    expect(proxyClient.parentSpanId).toBe(proxyServer.spanId);
    expect(router.parentSpanId).toBe(proxyClient.spanId);
    expect(wsk.parentSpanId).toBe(router.spanId);

    expect(proxyServer).toMatchObject({
      name: "POST /api/v1/namespaces/{namespace}/actions/{action}",
      attributes: {
        "http.response.status_code": 200,
        "soe.activation_id": record.activationId,
        "url.path": "/api/v1/namespaces/guest/actions/copy",
      },
    });
    const wskName = wsk.attributes["soe.responder"];
    expect([SEED.ow1, SEED.ow2]).toContain(wskName);
    const wskEndpoint = s.ports.endpoint(wskName === SEED.ow1 ? SEED.wsk1 : SEED.wsk2);
    expect(proxyClient.attributes).toMatchObject({
      "soe.lambda": COPY_LAMBDA,
      "soe.activation_id": record.activationId,
      "soe.retcode": "OK",
      // As the reference's line says: proxy, router, wsk-computer.
      "soe.hops": 3,
      "soe.responder": wskName,
    });
    expect(router).toMatchObject({
      name: "uiiit.rpc.EdgeServer/RunLambda",
      attributes: {
        "soe.lambda": COPY_LAMBDA,
        "soe.policy": "least-latency-rif",
        "soe.destination": wskEndpoint,
        "soe.retcode": "OK",
        "soe.hops": 1,
        "soe.activation_id": record.activationId,
      },
      events: ["forward"],
    });
    expect(wsk.attributes).toMatchObject({
      "soe.lambda": COPY_LAMBDA,
      "soe.hops": 2,
      "soe.retcode": "OK",
      "soe.activation_id": record.activationId,
    });
    for (const span of trace) expect(span.status, span.name).toBe(0);

    // OpenWhisk (the mock) was invoked with the wsk-computer's span as the parent: it records
    // the traceparent of each invocation as an annotation of the activation.
    const owId = String(wsk.attributes["openwhisk.activation_id"]);
    const ow = await fetch(
      `${s.ports.url(wskName as string)}/api/v1/namespaces/guest/activations/${owId}`,
      { headers: { authorization: AUTH } },
    );
    expect(ow.status).toBe(200);
    const owRecord = (await ow.json()) as { annotations: { key: string; value: unknown }[] };
    expect(owRecord.annotations).toContainEqual({
      key: "traceparent",
      value: `00-${CLIENT_TRACE}-${wsk.spanId}-01`,
    });

    // The proxy's line for this invocation (debug) names the trace and its call's span.
    const line = await eventually(
      () => proxyTraceLines.find((l) => l.includes(record.activationId)),
      "the proxy's invocation line",
    );
    expect(JSON.parse(line)).toMatchObject({ traceId: CLIENT_TRACE, spanId: proxyClient.spanId });
  });

  test("without a traceparent the proxy starts the trace", async () => {
    const s = scenario;
    if (s === undefined) throw new Error("the seed scenario did not start");
    const before = new Set(receiver.spans.map((span) => span.traceId));
    const res = await fetch(
      `${s.proxyUrl}/api/v1/namespaces/guest/actions/copy?blocking=true&result=true`,
      {
        method: "POST",
        headers: { authorization: AUTH, "content-type": "application/json" },
        body: JSON.stringify({ input: "fresh" }),
      },
    );
    expect(await res.json()).toEqual({ payload: "fresh" });
    const trace = await eventually(() => {
      const fresh = receiver.spans.filter((span) => !before.has(span.traceId));
      const root = fresh.find(
        (span) => span.serviceName === "wskproxy" && span.parentSpanId === "",
      );
      if (root === undefined) return undefined;
      const spans = fresh.filter((span) => span.traceId === root.traceId);
      return spans.some((span) => span.serviceName === "edgecomputerwsk") ? spans : undefined;
    }, "a new trace rooted at the proxy");
    expect(trace.map((span) => span.serviceName).sort()).toEqual([
      "edgecomputerwsk",
      "edgerouter",
      "wskproxy",
      "wskproxy",
    ]);
  });

  test("edgeclient continues a given traceparent through the router to the computer that runs clambda0", async () => {
    const s = scenario;
    if (s === undefined) throw new Error("the seed scenario did not start");
    const trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parent = "00f067aa0ba902b7";
    // edgeclient inherits this worker's environment: tracing on for it too.
    const saved = { ...process.env };
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    });
    let run: Awaited<ReturnType<typeof runEdgeClient>>;
    try {
      run = await runEdgeClient([
        "--server-endpoints",
        s.routerEndpoint,
        "--lambda",
        NATIVE_LAMBDA,
        "--max-requests",
        "1",
        "--traceparent",
        `00-${trace}-${parent}-01`,
      ]);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
    expect(run.code, run.stderr).toBe(0);
    const spans = await eventually(() => {
      const found = receiver.spans.filter((span) => span.traceId === trace);
      return found.some((span) => span.serviceName === "edgecomputer") && found.length >= 3
        ? found
        : undefined;
    }, "the spans of edgeclient, the router and the computer");
    const client = only(spans, "edgeclient", SPAN_KIND.client);
    const router = only(spans, "edgerouter", SPAN_KIND.server);
    const computer = only(spans, "edgecomputer", SPAN_KIND.server);
    expect(client.parentSpanId).toBe(parent);
    expect(router.parentSpanId).toBe(client.spanId);
    expect(computer.parentSpanId).toBe(router.spanId);
    expect(computer.attributes).toMatchObject({ "soe.lambda": NATIVE_LAMBDA, "soe.retcode": "OK" });
    expect(router.attributes["soe.destination"]).toBe(s.ports.endpoint(SEED.computer));
  });
});
