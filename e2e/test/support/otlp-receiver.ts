import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A span as an OTLP/HTTP JSON export carries it, flattened for assertions. */
export interface ReceivedSpan {
  readonly serviceName: string;
  readonly name: string;
  /** OTLP's enum: 1 internal, 2 server, 3 client. */
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  /** "" for a root span. */
  readonly parentSpanId: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly events: readonly string[];
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  readonly status: number;
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: OtlpAttribute[];
        events?: { name: string }[];
        status?: { code?: number };
      }[];
    }[];
  }[];
}

function attributeValue(value: OtlpValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue ?? "";
}

function attributes(list: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, attributeValue(a.value)]));
}

/** Flattens one OTLP/HTTP JSON export request (the collector's `/v1/traces` body). */
export function spansOfExport(body: OtlpExport): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resource of body.resourceSpans ?? []) {
    const serviceName = String(attributes(resource.resource?.attributes)["service.name"] ?? "");
    for (const scope of resource.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        spans.push({
          serviceName,
          name: span.name,
          kind: span.kind,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? "",
          attributes: attributes(span.attributes),
          events: (span.events ?? []).map((e) => e.name),
          status: span.status?.code ?? 0,
        });
      }
    }
  }
  return spans;
}

/**
 * The smallest OTLP/HTTP trace receiver (there is no OTLP backend packaged for this machine):
 * accepts `POST /v1/traces` in JSON (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`), answers 200 with
 * an empty partial-success, and keeps every span; protobuf exports are counted, not decoded.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Export requests received, JSON or protobuf. */
  exports = 0;
  /** Bytes of every export body. */
  bytes = 0;
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<OtlpReceiver> {
    let receiver: OtlpReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const json = req.headers["content-type"]?.startsWith("application/json") === true;
        if (receiver !== undefined && req.method === "POST" && req.url === "/v1/traces") {
          receiver.exports += 1;
          receiver.bytes += body.byteLength;
          if (json)
            receiver.spans.push(...spansOfExport(JSON.parse(body.toString()) as OtlpExport));
          res.writeHead(200, {
            "content-type": json ? "application/json" : "application/x-protobuf",
          });
          res.end(json ? "{}" : "");
          return;
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    receiver = new OtlpReceiver(server);
    return receiver;
  }

  /** The base end-point, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
