import { activeSpan, recordSpansInMemory, spanTraceHeaders } from "@soe/runtime";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import type { ProxyEnv } from "../../proxy-env.js";
import { requestId } from "../request-id/index.js";
import { INVOKE_ROUTE, traceInvocations } from "./index.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN = "00f067aa0ba902b7";

function app() {
  const hono = new Hono<ProxyEnv>();
  hono.use("*", requestId());
  hono.use("/api/v1/namespaces/*", traceInvocations());
  hono.post("/api/v1/namespaces/:ns/actions/:name", async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const span = activeSpan();
    c.header("x-openwhisk-activation-id", "a1b2");
    return c.json({ next: span === undefined ? null : spanTraceHeaders(span) }, 200);
  });
  hono.get("/api/v1/namespaces/:ns/actions", (c) => c.json({ span: activeSpan() !== undefined }));
  return hono;
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

const invoke = (hono: Hono<ProxyEnv>, headers: Record<string, string> = {}) =>
  hono.request("/api/v1/namespaces/guest/actions/copy?blocking=true", {
    method: "POST",
    headers: { "x-request-id": "tid-1", ...headers },
  });

describe("trace-context middleware", () => {
  it("does nothing with tracing off", async () => {
    const res = await invoke(app(), { traceparent: `00-${TRACE}-${CLIENT_SPAN}-01` });
    expect(await res.json()).toEqual({ next: null });
  });

  it("makes a server span per invocation under the client's traceparent, active below it", async () => {
    const memory = recordSpansInMemory("wskproxy");
    stop = memory.stop;
    const res = await invoke(app(), {
      traceparent: `00-${TRACE}-${CLIENT_SPAN}-01`,
      tracestate: "vendor=x",
    });
    const { next } = (await res.json()) as { next: Record<string, string> };
    const [span] = memory.spans();
    expect(span).toMatchObject({
      name: `POST ${INVOKE_ROUTE}`,
      kind: "server",
      traceId: TRACE,
      parentSpanId: CLIENT_SPAN,
      status: "unset",
      attributes: {
        "http.request.method": "POST",
        "http.route": INVOKE_ROUTE,
        "url.path": "/api/v1/namespaces/guest/actions/copy",
        "http.response.status_code": 200,
        "soe.activation_id": "a1b2",
        "soe.request_id": "tid-1",
      },
    });
    expect(next).toEqual({ traceparent: `00-${TRACE}-${span?.spanId}-01`, tracestate: "vendor=x" });
  });

  it("starts a new trace without a traceparent, and leaves other requests alone", async () => {
    const memory = recordSpansInMemory("wskproxy");
    stop = memory.stop;
    const hono = app();
    await invoke(hono);
    const listing = await hono.request("/api/v1/namespaces/guest/actions");
    expect(await listing.json()).toEqual({ span: false });
    const spans = memory.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0]?.parentSpanId).toBe("");
  });
});
