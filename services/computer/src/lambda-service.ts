import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type { LambdaRequest, LambdaResponseSchema } from "@soe/proto";
import {
  isTracing,
  type Logger,
  setSpanError,
  spanLogFields,
  startServerSpan,
  type TraceSpan,
} from "@soe/runtime";
import { type FunctionCatalog, JS_PROCESSOR } from "./functions/function-catalog.js";
import { ASYNC_UNSUPPORTED, requestedFunction } from "./lambda-request.js";
import type { SimulationRunner } from "./simulation-runner.js";
import type { UtilizationMonitor } from "./utilization-monitor.js";

type Response = MessageInitShape<typeof LambdaResponseSchema>;

/** The span of a served call: gRPC's `service/method` (OpenTelemetry's RPC conventions). */
export const RUN_LAMBDA_SPAN = "uiiit.rpc.EdgeServer/RunLambda";

export interface LambdaServiceOptions {
  readonly runner: SimulationRunner;
  readonly functions?: FunctionCatalog;
  readonly monitor: UtilizationMonitor;
  /** `computer@<end-point>`, known once the server listens (for the unknown-lambda retcode). */
  readonly computerName: () => string;
  readonly logger: Logger;
}

/**
 * `EdgeServer.RunLambda` of a computer (reference §5.3): simulated lambdas first, then JavaScript
 * functions. Every outcome travels in `retcode` with RPC status OK, and every path answers
 * `hops = request.hops + 1` (§1.7); `responder` stays empty, the forwarding router fills it.
 * Failures are wrapped as the reference's server does with a handler's exception (§0.3):
 * `invalid '<name>' request: <what>`.
 */
export function lambdaService(options: LambdaServiceOptions): {
  runLambda(request: LambdaRequest, context?: HandlerContext): Promise<Response>;
} {
  const { runner, functions, monitor, logger } = options;
  const model = runner.computer;

  const run = async (request: LambdaRequest, name: string, hops: number): Promise<Response> => {
    if (model.hasLambda(name)) {
      // Reference §5.1: loads are those of the processor when the task is submitted.
      const loads = monitor.loads(model.processorOf(name));
      if (request.dry) {
        // Reference §5.3: an estimate, truncated to ms; nothing runs, no output.
        const ptime = Math.trunc(runner.estimate(name, request.input));
        return { retcode: "OK", ptime, ...loads, hops };
      }
      const completion = await runner.run(name, request.input).done;
      return {
        retcode: "OK",
        output: completion.output,
        ptime: completion.ptime,
        ...loads,
        hops,
        states: request.states,
      };
    }
    if (functions?.has(name)) {
      const loads = monitor.loads(JS_PROCESSOR);
      if (request.dry) {
        return { retcode: "OK", ptime: Math.trunc(functions.estimate(name)), ...loads, hops };
      }
      const result = await functions.run(name, request.input);
      if (result.retcode !== "OK") return { retcode: result.retcode, ptime: result.ptime, hops };
      return { ...result, ...loads, hops, states: request.states };
    }
    return {
      retcode: `invalid '${name}' request: No container for lambda ${name} found in computer ${options.computerName()}`,
      hops,
    };
  };

  const serve = async (request: LambdaRequest, span: TraceSpan | undefined): Promise<Response> => {
    const hops = request.hops + 1;
    const target = requestedFunction(request);
    if (!target.ok) return { retcode: target.retcode, hops };
    if (!request.dry && request.callback !== "") return { retcode: ASYNC_UNSUPPORTED, hops };
    try {
      return await run(request, target.name, hops);
    } catch (error) {
      const what = error instanceof Error ? error.message : String(error);
      setSpanError(span, what);
      logger.debug(
        { lambda: target.name, err: error, ...spanLogFields(span) },
        "lambda request failed",
      );
      return { retcode: `invalid '${target.name}' request: ${what}`, hops };
    }
  };

  return {
    async runLambda(request, context) {
      // Tracing off: this test is all it costs (issue 14).
      if (!isTracing() || context === undefined) return serve(request, undefined);
      const span = startServerSpan(RUN_LAMBDA_SPAN, (name) => context.requestHeader.get(name), {
        "rpc.system": "grpc",
        "rpc.service": "uiiit.rpc.EdgeServer",
        "rpc.method": "RunLambda",
        "soe.lambda": request.name,
        "soe.hops": request.hops,
        "soe.dry": request.dry,
        "soe.activation_id": request.uuid,
      });
      try {
        const reply = await serve(request, span);
        span?.setAttribute("soe.retcode", reply.retcode ?? "");
        if (reply.ptime !== undefined) span?.setAttribute("soe.ptime_ms", reply.ptime);
        return reply;
      } finally {
        span?.end();
      }
    },
  };
}
