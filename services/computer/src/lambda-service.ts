import type { MessageInitShape } from "@bufbuild/protobuf";
import type { LambdaRequest, LambdaResponseSchema } from "@soe/proto";
import type { Logger } from "@soe/runtime";
import { type FunctionCatalog, JS_PROCESSOR } from "./functions/function-catalog.js";
import { ASYNC_UNSUPPORTED, requestedFunction } from "./lambda-request.js";
import type { SimulationRunner } from "./simulation-runner.js";
import type { UtilizationMonitor } from "./utilization-monitor.js";

type Response = MessageInitShape<typeof LambdaResponseSchema>;

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
  runLambda(request: LambdaRequest): Promise<Response>;
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

  return {
    async runLambda(request) {
      const hops = request.hops + 1;
      const target = requestedFunction(request);
      if (!target.ok) return { retcode: target.retcode, hops };
      if (!request.dry && request.callback !== "") return { retcode: ASYNC_UNSUPPORTED, hops };
      try {
        return await run(request, target.name, hops);
      } catch (error) {
        const what = error instanceof Error ? error.message : String(error);
        logger.debug({ lambda: target.name, err: error }, "lambda request failed");
        return { retcode: `invalid '${target.name}' request: ${what}`, hops };
      }
    },
  };
}
