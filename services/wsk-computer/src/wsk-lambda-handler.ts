import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import {
  badRequestReply,
  failureToLambdaReply,
  type LambdaReply,
  type OpenWhiskClient,
  parseActionName,
  parseWskRetcode,
  RETCODE_OK,
  toLambdaReply,
} from "@soe/openwhisk";
import type { LambdaRequest, LambdaResponseSchema } from "@soe/proto";
import {
  isTracing,
  type Logger,
  spanLogFields,
  spanTraceHeaders,
  startServerSpan,
  type TraceSpan,
} from "@soe/runtime";
import { parseLambdaInput } from "./lambda-input.js";
import type { RecentActivations } from "./recent-activations.js";

type LambdaResponseInit = MessageInitShape<typeof LambdaResponseSchema>;

/** The span of a served call: gRPC's `service/method` (OpenTelemetry's RPC conventions). */
export const RUN_LAMBDA_SPAN = "uiiit.rpc.EdgeServer/RunLambda";

/** OpenWhisk's longest blocking wait (`timeout` query parameter, openwhisk-api.md §2). */
export const MAX_BLOCKING_WAIT_MS = 60_000;
/**
 * Time left for the answer to travel back to our caller after the blocking wait ends: a tenth of
 * the caller's remaining time, between 0.5 and 1 s (a router's 30 s deadline leaves 1 s).
 */
function callerMarginMs(remainingMs: number): number {
  return Math.min(1_000, Math.max(500, remainingMs / 10));
}

/**
 * The blocking wait to ask OpenWhisk for: ours (`--timeout`), shortened to end before the
 * caller's gRPC deadline, so that an action still running comes back as `wsk:accepted` with its
 * activation id instead of the caller's DEADLINE_EXCEEDED.
 */
export function blockingWaitMs(timeoutMs: number, callerRemainingMs: number | undefined): number {
  const wanted =
    callerRemainingMs === undefined
      ? timeoutMs
      : Math.min(timeoutMs, callerRemainingMs - callerMarginMs(callerRemainingMs));
  return Math.max(1, Math.min(MAX_BLOCKING_WAIT_MS, Math.floor(wanted)));
}

export interface WskLambdaHandlerOptions {
  readonly client: Pick<OpenWhiskClient, "invoke">;
  /** `LambdaResponse.responder`: the API root, or `--name` (reference §6.2). */
  readonly responder: string;
  /** Blocking wait asked of OpenWhisk, ms (`--timeout`, at most 60 s). */
  readonly timeoutMs: number;
  /**
   * Added to the wait for our own deadline of the HTTP call: OpenWhisk answers 202 when its wait
   * ends, so our deadline only fires when OpenWhisk itself hangs.
   */
  readonly graceMs?: number;
  readonly logger: Logger;
  /** ms, monotonic; for `ptime`. */
  readonly clock?: () => number;
  /**
   * Told when an invocation hints that the listing is stale: the action was not found, or the
   * server could not be reached.
   */
  readonly onSuspect?: (name: string, outcome: "not_found" | "unreachable") => void;
  /**
   * This computer's announced end-point, put in a `wsk:accepted` reply's output: where the
   * caller can read the activation's record later (InstallationService/GetActivation). Known
   * only once the server listens, hence a function; "" or absent: not said.
   */
  readonly installation?: () => string;
  /** Where OpenWhisk's id of each call is kept by the request's `uuid`, for GetActivation. */
  readonly recent?: Pick<RecentActivations, "remember">;
}

/**
 * `RunLambda` on an OpenWhisk server (reference §6.2, with DESIGN §4's fixes): a blocking
 * invocation that returns the whole activation, turned into a reply by the shared mapping of
 * @soe/openwhisk (lambda-outcome.ts). Every path answers with RPC status OK and `hops + 1`.
 *
 * Names are OpenWhisk names: `/guest/copy`, `/guest/pkg/action` as announced; `copy`, `pkg/copy`
 * and `/_/copy` are passed on with the `_` namespace, which OpenWhisk resolves to the key's own,
 * so a direct client can use them too (the domain's routers only know the announced names).
 * A name outside the last listing is still invoked: OpenWhisk is the authority, an action created
 * a moment ago works at once, and a missing one gets OpenWhisk's own 404 back (`wsk:not_found`).
 */
export class WskLambdaHandler {
  readonly #options: WskLambdaHandlerOptions;
  readonly #clock: () => number;

  constructor(options: WskLambdaHandlerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => performance.now());
  }

  async run(request: LambdaRequest, context?: HandlerContext): Promise<LambdaResponseInit> {
    // Tracing off: this test is all it costs (issue 14).
    if (!isTracing() || context === undefined) return this.#serve(request, context, undefined);
    const span = startServerSpan(RUN_LAMBDA_SPAN, (name) => context.requestHeader.get(name), {
      "rpc.system": "grpc",
      "rpc.service": "uiiit.rpc.EdgeServer",
      "rpc.method": "RunLambda",
      "soe.lambda": request.name,
      "soe.hops": request.hops,
      // The proxy's activation id, the same at every hop (issue 11).
      "soe.activation_id": request.uuid,
      "soe.responder": this.#options.responder,
    });
    try {
      const reply = await this.#serve(request, context, span);
      span?.setAttribute("soe.retcode", reply.retcode ?? "");
      return reply;
    } finally {
      span?.end();
    }
  }

  async #serve(
    request: LambdaRequest,
    context: HandlerContext | undefined,
    span: TraceSpan | undefined,
  ): Promise<LambdaResponseInit> {
    const started = this.#clock();
    // `callback`, chains and DAGs are not served, as in the reference: the call is synchronous.
    const reply = request.dry
      ? { retcode: RETCODE_OK, output: "" }
      : await this.#invoke(request, context, span);
    const ptime = request.dry
      ? 0
      : Math.min(0xffffffff, Math.max(0, Math.round(this.#clock() - started)));
    // `uuid` is the proxy's activation id: the same id in every hop's lines (issue 11).
    this.#options.logger.debug(
      {
        name: request.name,
        uuid: request.uuid,
        retcode: reply.retcode,
        ptime,
        hops: request.hops + 1,
        ...spanLogFields(span),
      },
      "lambda served",
    );
    return {
      retcode: reply.retcode,
      output: reply.output,
      responder: this.#options.responder,
      ptime,
      hops: request.hops + 1,
    };
  }

  async #invoke(
    request: LambdaRequest,
    context: HandlerContext | undefined,
    span: TraceSpan | undefined,
  ): Promise<LambdaReply> {
    const name = parseActionName(request.name);
    if (!name.ok) return badRequestReply(name.error.message);
    const input = parseLambdaInput(request.input);
    if (!input.ok) return badRequestReply(input.reason);
    const waitMs = blockingWaitMs(this.#options.timeoutMs, context?.timeoutMs());
    let reply: LambdaReply;
    try {
      // Without `result`: only the activation record tells an application error from a
      // developer error (both are 502), and it carries the activation id.
      const outcome = await this.#options.client.invoke(name.value, input.params, {
        blocking: true,
        result: false,
        waitMs,
        timeoutMs: waitMs + (this.#options.graceMs ?? 5_000),
        // OpenWhisk (and whatever traces it) continues this span's trace.
        ...(span === undefined ? {} : { headers: spanTraceHeaders(span) }),
      });
      reply = toLambdaReply(outcome, { installation: this.#options.installation?.() });
      const activationId =
        outcome.kind === "activation"
          ? (outcome.activationId ?? outcome.body.activationId)
          : outcome.activationId;
      if (activationId !== undefined) {
        this.#options.recent?.remember(request.uuid, activationId);
        span?.setAttribute("openwhisk.activation_id", activationId);
      }
    } catch (error) {
      reply = failureToLambdaReply(error);
    }
    const outcome = parseWskRetcode(reply.retcode)?.outcome;
    if (outcome === "not_found") this.#options.onSuspect?.(request.name, "not_found");
    if (outcome === "unreachable" || outcome === "timeout") {
      this.#options.onSuspect?.(request.name, "unreachable");
    }
    return reply;
  }
}
