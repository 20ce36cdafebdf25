import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { onShutdown } from "./shutdown.js";
import {
  isTracing,
  recordSpansInMemory,
  remoteParentOf,
  setSpanError,
  spanLogFields,
  spanTraceHeaders,
  startServerSpan,
  startSpan,
  startTracing,
  stopTracing,
} from "./tracing.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

afterEach(async () => {
  await stopTracing();
});

describe("spans of a hop", () => {
  it("continues the caller's trace and names itself to the next hop", async () => {
    const memory = recordSpansInMemory("edgerouter");
    expect(isTracing()).toBe(true);
    const headers = new Headers({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: "k=v" });
    const server = startServerSpan("uiiit.rpc.EdgeServer/RunLambda", (n) => headers.get(n), {
      "soe.lambda": "/guest/copy",
    });
    if (server === undefined) throw new Error("no span");
    const client = startSpan("call", "client", server);
    if (client === undefined) throw new Error("no span");
    const next = spanTraceHeaders(client);
    expect(next.traceparent).toBe(`00-${TRACE}-${client.spanContext().spanId}-01`);
    expect(next.tracestate).toBe("k=v");
    expect(spanLogFields(server)).toEqual({ traceId: TRACE, spanId: server.spanContext().spanId });
    setSpanError(client, "unavailable");
    client.end();
    server.addEvent("retry", { "soe.destination": "a:1" });
    server.end();

    const [first, second] = memory.spans();
    expect(first).toMatchObject({
      name: "call",
      kind: "client",
      traceId: TRACE,
      parentSpanId: server.spanContext().spanId,
      status: "error",
      serviceName: "edgerouter",
    });
    expect(second).toMatchObject({
      name: "uiiit.rpc.EdgeServer/RunLambda",
      kind: "server",
      traceId: TRACE,
      parentSpanId: SPAN,
      attributes: { "soe.lambda": "/guest/copy" },
      events: [{ name: "retry", attributes: { "soe.destination": "a:1" } }],
    });
  });

  it("starts a new trace without a valid traceparent", () => {
    const memory = recordSpansInMemory("x");
    const span = startServerSpan("s", (n) => (n === "traceparent" ? "nonsense" : undefined));
    span?.end();
    const [only] = memory.spans();
    expect(only?.parentSpanId).toBe("");
    expect(only?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(only?.traceId).not.toBe(TRACE);
  });

  it("records nothing under an unsampled caller, yet passes the trace on", () => {
    const memory = recordSpansInMemory("x");
    const parent = remoteParentOf(`00-${TRACE}-${SPAN}-00`);
    const span = startSpan("s", "server", parent);
    if (span === undefined) throw new Error("no span");
    expect(span.isRecording()).toBe(false);
    expect(spanLogFields(span)).toEqual({});
    expect(spanTraceHeaders(span).traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-00$`));
    span.end();
    expect(memory.spans()).toEqual([]);
  });
});

interface Received {
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
}

async function otlpReceiver(): Promise<{ url: string; received: Received[]; close(): void }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { "content-type": req.headers["content-type"] ?? "application/json" });
      res.end(req.headers["content-type"]?.includes("json") ? "{}" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => server.close() };
}

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe("export over OTLP/HTTP", () => {
  for (const protocol of ["http/json", "http/protobuf"] as const) {
    it(`sends the spans with the configured headers (${protocol}) and never logs their values`, async () => {
      const receiver = await otlpReceiver();
      const log = capture();
      try {
        const status = startTracing({
          serviceName: "wskproxy",
          env: {
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
            OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
            OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=very-secret-key",
            OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=test",
          },
          logger: createLogger({ name: "wskproxy", destination: log.stream, pretty: false }),
        });
        expect(status.enabled).toBe(true);
        startSpan("exported-span", "server", undefined, { "soe.retcode": "OK" })?.end();
        await stopTracing();
        expect(isTracing()).toBe(false);
        const [request] = receiver.received;
        expect(request?.path).toBe("/v1/traces");
        expect(request?.headers["x-api-key"]).toBe("very-secret-key");
        expect(request?.headers["content-type"]).toBe(
          protocol === "http/json" ? "application/json" : "application/x-protobuf",
        );
        const body = request?.body.toString("latin1") ?? "";
        expect(body).toContain("exported-span");
        expect(body).toContain("wskproxy");
        expect(body).toContain("deployment.environment");
        expect(log.lines.join()).toContain("tracing on");
        expect(log.lines.join()).not.toContain("very-secret-key");
      } finally {
        receiver.close();
      }
    });
  }
});

describe("graceful shutdown", () => {
  it("flushes the spans still queued before the process exits", async () => {
    const receiver = await otlpReceiver();
    const log = capture();
    const logger = createLogger({ name: "edgerouter", destination: log.stream, pretty: false });
    try {
      startTracing({
        serviceName: "edgerouter",
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
          // Far beyond the test: only the shutdown can send it.
          OTEL_BSP_SCHEDULE_DELAY: "600000",
        },
        logger,
      });
      startSpan("last-call", "server", undefined)?.end();
      expect(receiver.received).toEqual([]);
      const target = new EventEmitter();
      const exited = new Promise<number>((resolve) => {
        onShutdown(logger, async () => {}, { target, exit: resolve, signals: ["SIGTERM"] });
      });
      target.emit("SIGTERM", "SIGTERM");
      expect(await exited).toBe(0);
      expect(receiver.received.map((r) => r.body.toString())).toEqual([
        expect.stringContaining("last-call"),
      ]);
    } finally {
      receiver.close();
    }
  });
});
