import { isTracing, runWithSpan, setSpanError, startServerSpan } from "@soe/runtime";
import type { MiddlewareHandler } from "hono";
import type { ProxyEnv } from "../../proxy-env.js";

/** The invoke route, as OpenTelemetry's `http.route` (the span's name with the method). */
export const INVOKE_ROUTE = "/api/v1/namespaces/{namespace}/actions/{action}";
const ACTIVATION_ID_HEADER = "x-openwhisk-activation-id";

/**
 * A server span per invocation (`POST .../actions/...`), child of the client's W3C
 * `traceparent`/`tracestate` when it sent them, made the active span of everything the request
 * starts: the invoker's call to the router (and each component of a sequence) hangs below it.
 * With tracing off this is one test and `next()`.
 */
export function traceInvocations(): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    if (!isTracing() || c.req.method !== "POST" || !c.req.path.includes("/actions/")) {
      return next();
    }
    const span = startServerSpan(`POST ${INVOKE_ROUTE}`, (name) => c.req.header(name), {
      "http.request.method": "POST",
      "http.route": INVOKE_ROUTE,
      "url.path": c.req.path,
      "soe.request_id": c.get("requestId") ?? "",
    });
    try {
      await runWithSpan(span, next);
    } finally {
      if (span !== undefined) {
        const status = c.res.status;
        span.setAttribute("http.response.status_code", status);
        const activationId = c.res.headers.get(ACTIVATION_ID_HEADER);
        if (activationId !== null) span.setAttribute("soe.activation_id", activationId);
        // OpenTelemetry's HTTP conventions: a server span fails on 5xx only.
        if (status >= 500) setSpanError(span, `HTTP ${status}`);
        span.end();
      }
    }
  };
}
