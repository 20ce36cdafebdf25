import type { ConnectError } from "@connectrpc/connect";
import type { LambdaResponse } from "@soe/proto";
import { activeSpan, type Logger, setSpanError, startSpan, type TraceSpan } from "@soe/runtime";

/** gRPC's `service/method`, as OpenTelemetry's RPC conventions name a call's span. */
export const RUN_LAMBDA_SPAN = "uiiit.rpc.EdgeServer/RunLambda";

/**
 * The client span of one RunLambda call to the router, below the HTTP request's span (the
 * trace-context middleware's) when there is one. Only called with tracing on.
 */
export function startInvocationSpan(lambda: string, activationId: string): TraceSpan | undefined {
  return startSpan(RUN_LAMBDA_SPAN, "client", activeSpan(), {
    "rpc.system": "grpc",
    "rpc.service": "uiiit.rpc.EdgeServer",
    "rpc.method": "RunLambda",
    "soe.lambda": lambda,
    "soe.activation_id": activationId,
  });
}

/** What the domain answered, on the call's span; then the span ends. */
export function endInvocationSpan(
  span: TraceSpan,
  reply: LambdaResponse | undefined,
  failure: ConnectError | undefined,
  outcome: string,
): void {
  span.setAttribute("soe.outcome", outcome);
  if (reply !== undefined) {
    span.setAttribute("soe.retcode", reply.retcode);
    span.setAttribute("soe.hops", reply.hops);
    span.setAttribute("soe.responder", reply.responder);
  }
  if (failure !== undefined) {
    span.setAttribute("rpc.grpc.status_code", failure.code);
    setSpanError(span, failure.rawMessage);
  }
  span.end();
}

/**
 * The logger of an invocation's line: with the trace and span ids when the span was sampled and
 * the line will be written (debug), the logger itself otherwise (no child made per call).
 */
export function invocationLogger(logger: Logger, span: TraceSpan | undefined): Logger {
  if (span === undefined || !logger.isLevelEnabled("debug")) return logger;
  // The span has ended by now (isRecording is then false): sampled is what recorded it.
  const { traceId, spanId, traceFlags } = span.spanContext();
  return (traceFlags & 1) === 1 ? logger.child({ traceId, spanId }) : logger;
}
