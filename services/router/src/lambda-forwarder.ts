import { Code, ConnectError, createClient, type HandlerContext } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { EdgeServer, type LambdaRequest, type LambdaResponseSchema } from "@soe/proto";

type LambdaReply = MessageInitShape<typeof LambdaResponseSchema>;
import {
  allUnreachableRetcode,
  LOOP_DETECTED,
  type Logger,
  RETCODE_OK,
  isTracing,
  requestNotSent,
  type Scheduler,
  setSpanError,
  spanLogFields,
  spanTraceHeaders,
  startServerSpan,
  type TraceSpan,
  type TransportPool,
  timerScheduler,
} from "@soe/runtime";
import type { DestinationHealth } from "./destination-health.js";
import type { DestinationLimiter } from "./destination-limiter.js";
import type { CallTicket, DestinationLoad } from "./destination-load.js";
import { type DestinationMetrics, NO_DESTINATION_METRICS } from "./destination-metrics.js";
import { NoDestinations } from "./forwarding-table-errors.js";
import type { RetryBudget } from "./retry-budget.js";
import type { RouterTables } from "./router-tables.js";

/** Reference §3.3: a request that has crossed this many edge nodes is looping. */
export const MAX_HOPS = 254;
// The retcode lives in @soe/runtime, where proxies read it; re-exported for this module's users.
export { LOOP_DETECTED };

export interface LambdaForwarderOptions {
  readonly tables: RouterTables;
  readonly health: DestinationHealth;
  readonly limiter: DestinationLimiter;
  /** Calls in flight per destination, which the policies read (O(1) per call). */
  readonly load: DestinationLoad;
  readonly budget: RetryBudget;
  readonly transports: TransportPool;
  /** Deadline of every forwarded call, ms (`--timeout`); the caller's own deadline, if shorter, wins. */
  readonly timeoutMs: number;
  /** Artificial delay before forwarding, uniform in [min, max] seconds (`--router-conf`). */
  readonly forwardDelay: { readonly min: number; readonly max: number };
  /** `fake=true`: answer OK without forwarding, learning a fake time (scalability tests). */
  readonly fake: boolean;
  readonly rng: () => number;
  /** Milliseconds: deadlines and the latencies the policies learn from (the router's clock). */
  readonly clock: () => number;
  /** Waits of the artificial forwarding delay; `setTimeout` by default. */
  readonly schedule?: Scheduler;
  /** Called once per ejection: the table changed (a probe must be scheduled). */
  readonly onEjected: (destination: string) => void;
  /** Per-destination outcomes, latencies and ejections; none recorded by default. */
  readonly metrics?: DestinationMetrics;
  /** The table's policy (`--table-conf type=`), named in each call's span. */
  readonly policy?: string;
  readonly logger: Logger;
}

/** The span of a forwarded call: gRPC's `service/method` (OpenTelemetry's RPC conventions). */
export const RUN_LAMBDA_SPAN = "uiiit.rpc.EdgeServer/RunLambda";

/**
 * RunLambda on a router (reference §3.3, with DESIGN §4's failure semantics): pick a destination
 * from the table the request's `forward` flag names, forward with `hops+1` and `forward=true`,
 * and learn from the observed latency. A lambda's own non-OK retcode goes back unchanged and
 * evicts nothing. Only transport failures eject a destination; a request that provably never
 * reached it is retried elsewhere within the retry budget.
 */
export class LambdaForwarder {
  readonly #metrics: DestinationMetrics;

  constructor(private readonly options: LambdaForwarderOptions) {
    this.#metrics = options.metrics ?? NO_DESTINATION_METRICS;
  }

  async run(request: LambdaRequest, context: HandlerContext): Promise<LambdaReply> {
    // Tracing off: this test is all it costs (issue 14).
    if (!isTracing()) return this.#forward(request, context, undefined);
    const span = startServerSpan(RUN_LAMBDA_SPAN, (name) => context.requestHeader.get(name), {
      "rpc.system": "grpc",
      "rpc.service": "uiiit.rpc.EdgeServer",
      "rpc.method": "RunLambda",
      "soe.lambda": request.name,
      "soe.hops": request.hops,
      "soe.forward": request.forward,
      "soe.policy": this.options.policy ?? "",
      // The proxy's activation id, the same at every hop (issue 11).
      "soe.activation_id": request.uuid,
    });
    try {
      const reply = await this.#forward(request, context, span);
      span?.setAttribute("soe.retcode", reply.retcode ?? "");
      return reply;
    } catch (error) {
      const failure = ConnectError.from(error);
      span?.setAttribute("rpc.grpc.status_code", failure.code);
      setSpanError(span, failure.rawMessage);
      throw error;
    } finally {
      span?.end();
    }
  }

  async #forward(
    request: LambdaRequest,
    context: HandlerContext,
    span: TraceSpan | undefined,
  ): Promise<LambdaReply> {
    const { tables, health, limiter, load, budget, logger, clock } = this.options;
    if (request.hops > MAX_HOPS) return { retcode: LOOP_DETECTED };
    if (this.options.fake) return this.#fake(request);
    budget.deposit();
    const callerMs = context.timeoutMs();
    // When the caller's deadline is the shorter one, a timeout says nothing about the destination.
    const callerBound = callerMs !== undefined && callerMs < this.options.timeoutMs;
    const deadline = clock() + (callerBound ? callerMs : this.options.timeoutMs);
    // The next hop's parent is this router's span (gRPC metadata; reference peers ignore it).
    const headers = span === undefined ? undefined : spanTraceHeaders(span);
    let attempt = 0;
    for (;;) {
      let destination: string;
      try {
        destination = tables.select(request.name, request.forward);
      } catch (error) {
        if (!(error instanceof NoDestinations)) throw error;
        const ejected = health.ejectedFor(request.name);
        return {
          retcode:
            ejected === 0
              ? error.message
              : allUnreachableRetcode(error.message, ejected, request.name),
        };
      }
      attempt += 1;
      span?.addEvent("forward", { "soe.destination": destination, "soe.attempt": attempt });
      const delay = this.#forwardDelayMs();
      if (delay > 0) await this.#sleep(delay);

      const started = clock();
      const remaining = deadline - started;
      let release: (() => void) | undefined;
      // In flight from here (queued in the limiter included) to the end, whatever the outcome.
      let ticket: CallTicket | undefined = load.start(destination);
      const series = this.#metrics.series(destination);
      try {
        if (remaining <= 0) {
          throw new ConnectError("the operation timed out", Code.DeadlineExceeded);
        }
        const slot = limiter.acquire(destination, remaining);
        release = typeof slot === "function" ? slot : await slot;
        const response = await createClient(
          EdgeServer,
          this.options.transports.get(destination),
        ).runLambda(
          // Reference §1.7/§3.3: forwarded requests carry hops+1 and forward=true, and a
          // router never propagates dry (the call executes for real).
          { ...request, hops: request.hops + 1, forward: true, dry: false },
          { timeoutMs: deadline - clock(), signal: context.signal, headers },
        );
        health.succeeded(destination);
        const sample = load.finish(ticket);
        ticket = undefined;
        series.answered(response.retcode === RETCODE_OK, sample.seconds);
        if (response.retcode === RETCODE_OK) {
          // The latency includes the wait for a limiter slot: the policy chose that wait too.
          tables.succeeded(
            request.name,
            destination,
            request.forward,
            (clock() - started) / 1000,
            sample.alone,
          );
        }
        if (response.responder === "") response.responder = destination;
        if (span !== undefined) {
          span.setAttribute("soe.destination", destination);
          span.setAttribute("soe.responder", response.responder);
          span.setAttribute("soe.attempts", attempt);
        }
        return response;
      } catch (error) {
        const failure = ConnectError.from(error);
        series.failed(failure.code, (clock() - started) / 1000);
        const callerGaveUp =
          context.signal.aborted || (callerBound && failure.code === Code.DeadlineExceeded);
        if (!isTransportFailure(failure) || callerGaveUp) throw failure;
        this.#eject(destination, failure);
        if (requestNotSent(error) && deadline > clock() && budget.tryRetry()) {
          span?.addEvent("retry", {
            "soe.destination": destination,
            "soe.reason": failure.rawMessage,
          });
          logger.debug(
            { lambda: request.name, destination, ...spanLogFields(span) },
            "retrying on another destination",
          );
          continue;
        }
        span?.setAttribute("soe.destination", destination);
        throw new ConnectError(
          `forwarding '${request.name}' to ${destination} failed: ${failure.rawMessage}`,
          failure.code,
        );
      } finally {
        if (ticket !== undefined) load.finish(ticket);
        release?.();
      }
    }
  }

  #eject(destination: string, failure: ConnectError): void {
    const routes = this.options.tables.eject(destination);
    if (this.options.health.failed(destination, routes)) {
      this.#metrics.series(destination).ejected();
      this.options.logger.warn(
        { destination, code: Code[failure.code], reason: failure.rawMessage },
        "destination unreachable: ejected",
      );
      this.options.onEjected(destination);
    }
  }

  #sleep(ms: number): Promise<void> {
    const schedule = this.options.schedule ?? timerScheduler;
    return new Promise((resolve) => schedule(ms, resolve));
  }

  #forwardDelayMs(): number {
    const { min, max } = this.options.forwardDelay;
    if (max <= 0) return 0;
    return (min + (max - min) * this.options.rng()) * 1000;
  }

  /** Reference fake mode: OK at once, with 0.001 + U[0,1] s fed to the optimizer. */
  #fake(request: LambdaRequest): LambdaReply {
    try {
      const destination = this.options.tables.select(request.name, request.forward);
      this.options.tables.succeeded(
        request.name,
        destination,
        request.forward,
        0.001 + this.options.rng(),
      );
    } catch (error) {
      if (error instanceof NoDestinations) return { retcode: error.message };
      throw error;
    }
    return { retcode: RETCODE_OK };
  }
}

/** Failures that say the destination is not there: nothing else ejects it (DESIGN §4). */
function isTransportFailure(error: ConnectError): boolean {
  return error.code === Code.Unavailable || error.code === Code.DeadlineExceeded;
}
