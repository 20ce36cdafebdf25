import type { LambdaRequest, LambdaResponse } from "@soe/proto";
import {
  isTracing,
  type RemoteParent,
  setSpanError,
  spanTraceHeaders,
  startSpan,
  traceHeaders,
} from "@soe/runtime";

/** One RunLambda call with the metadata it carries (W3C trace context, when any). */
export type CallWithHeaders = (
  request: LambdaRequest,
  signal: AbortSignal,
  headers: Record<string, string> | undefined,
) => Promise<LambdaResponse>;

/** The span of each call: gRPC's `service/method` (OpenTelemetry's RPC conventions). */
export const RUN_LAMBDA_SPAN = "uiiit.rpc.EdgeServer/RunLambda";

/**
 * edgeclient's calls, traced (issue 14). Tracing on: a client span per call, child of the
 * caller's `--traceparent` when given (a root span otherwise), named to the server in the
 * call's metadata. Tracing off: the caller's traceparent, when given, is passed on unchanged,
 * so that a trace started outside still reaches the domain; nothing otherwise.
 */
export function tracedCaller(
  call: CallWithHeaders,
  endpoint: string,
  parent: RemoteParent | undefined,
): (request: LambdaRequest, signal: AbortSignal) => Promise<LambdaResponse> {
  const passOn = parent === undefined ? undefined : traceHeaders(parent);
  return async (request, signal) => {
    if (!isTracing()) return call(request, signal, passOn);
    const span = startSpan(RUN_LAMBDA_SPAN, "client", parent, {
      "rpc.system": "grpc",
      "rpc.service": "uiiit.rpc.EdgeServer",
      "rpc.method": "RunLambda",
      "server.address": endpoint,
      "soe.lambda": request.name,
      "soe.dry": request.dry,
    });
    try {
      const response = await call(request, signal, span && spanTraceHeaders(span));
      span?.setAttribute("soe.retcode", response.retcode);
      span?.setAttribute("soe.hops", response.hops);
      span?.setAttribute("soe.responder", response.responder);
      return response;
    } catch (error) {
      setSpanError(span, error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      span?.end();
    }
  };
}
