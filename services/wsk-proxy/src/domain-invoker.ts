import { type Client, ConnectError } from "@connectrpc/connect";
import {
  type ActionName,
  type ActivationRecord,
  ActivationStatus,
  ErrorText,
  formatActionName,
  type Identity,
  newActivationId,
} from "@soe/openwhisk";
import type { EdgeServer, LambdaResponse } from "@soe/proto";
import { isTracing, type Logger, spanTraceHeaders } from "@soe/runtime";
import type { ActionFacts } from "./action-facts.js";
import type { ActionLister } from "./action-lister.js";
import { buildActivationRecord } from "./activation-record.js";
import type { ActivationStore } from "./activation-store.js";
import { type BackendActivations, InstallationActivations } from "./backend-activations.js";
import {
  type InvocationOutcome,
  lambdaRequestFor,
  outcomeOfReply,
  outcomeOfRpcError,
} from "./invocation.js";
import { logInvocation } from "./invocation-log.js";
import { endInvocationSpan, invocationLogger, startInvocationSpan } from "./invocation-span.js";
import { pendingRecord, withLogsUnread } from "./pending-activation.js";
import { PendingActivations } from "./pending-activations.js";

export interface InvocationRequest {
  readonly caller: Identity;
  /** The action, its namespace resolved. */
  readonly action: ActionName;
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * The action's version, kind and limits for its record, looked up while the call runs
   * (ActionFactsCache); never rejects.
   */
  readonly facts?: Promise<ActionFacts | undefined>;
  /** The sequence's activation id, for a component of one (sequence-invoker.ts). */
  readonly cause?: string | undefined;
  /**
   * The name the router routes, when not the action's fully-qualified one: a native computer's
   * lambda (`clambda0`) as a sequence's component (sequence-components.ts).
   */
  readonly lambda?: string | undefined;
}

/**
 * How an invocation ended, ready to answer: its {@link InvocationOutcome} once "no route" is
 * resolved into a refusal and an activation that ran has its record.
 */
export type FinalOutcome =
  | {
      readonly kind: "activation";
      readonly httpStatus: 200 | 500 | 502;
      readonly record: ActivationRecord;
    }
  | Extract<InvocationOutcome, { kind: "still-running" | "refused" }>;

export interface Invocation {
  readonly activationId: string;
  /** Settles once the domain answered (or failed); never rejects. */
  readonly completion: Promise<FinalOutcome>;
  /**
   * The caller was answered 202 before the end: whatever the outcome, it must then be found
   * under the activation id, so a refusal is stored as a failed activation too.
   */
  detach(): void;
}

type Refused = Extract<FinalOutcome, { kind: "refused" }>;

export type StartRefusal = {
  readonly refused: "busy" | "closing";
  readonly count: number;
  readonly allowed: number;
};

export interface DomainInvokerOptions {
  readonly client: Client<typeof EdgeServer>;
  readonly store: ActivationStore;
  readonly lister: ActionLister;
  /** Deadline of each RunLambda call, blocking or not. */
  readonly callTimeoutMs: number;
  /** Invocations in flight at most (blocking and background together). */
  readonly maxInFlight: number;
  /** Epoch ms, for activation records. */
  readonly clock?: () => number;
  readonly newActivationId?: () => string;
  /**
   * Where accepted invocations' records are read (the wsk-computers' InstallationService,
   * behind the control-plane token). Default: InstallationActivations without a token or TLS,
   * closed with the invoker.
   */
  readonly backend?: BackendActivations;
  /**
   * Longest wait for an invocation's facts once the domain answered, ms (default 100): only the
   * first call of an action can wait (later ones find them known), and a slow controller must
   * not hold an answer up; the record then goes without them.
   */
  readonly factsWaitMs?: number;
  readonly logger: Logger;
}

interface Running {
  readonly abort: AbortController;
  readonly done: Promise<unknown>;
}

/**
 * Runs invocations through the router, each under its own activation id, whether its caller
 * waits (blocking) or not. Completed activations go to the store before anyone is answered, so
 * a client that got 200 can read the activation back at once. Bounded in count; close() lets
 * running calls finish for a while, then cancels the rest.
 */
export class DomainInvoker {
  readonly #options: DomainInvokerOptions;
  readonly #clock: () => number;
  readonly #running = new Set<Running>();
  /** The backend this invoker made itself, to close with it. */
  readonly #ownBackend: BackendActivations | undefined;
  #closing = false;
  /** Reads of the activations this invoker stored, accepted ones completed from their backend. */
  readonly activations: PendingActivations;
  /** Whether a record answered at once can have its logs read later (the installations known). */
  readonly #logsReadable: boolean;

  constructor(options: DomainInvokerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.#ownBackend = options.backend === undefined ? new InstallationActivations() : undefined;
    const backend = options.backend ?? (this.#ownBackend as BackendActivations);
    this.#logsReadable = backend.find !== undefined;
    this.activations = new PendingActivations({
      store: options.store,
      backend,
      logger: options.logger,
    });
  }

  get inFlight(): number {
    return this.#running.size;
  }

  /** Invocations allowed in flight at once (`maxInFlight`). */
  get capacity(): number {
    return this.#options.maxInFlight;
  }

  start(request: InvocationRequest): Invocation | StartRefusal {
    const allowed = this.#options.maxInFlight;
    if (this.#closing) return { refused: "closing", count: this.#running.size, allowed };
    if (this.#running.size >= allowed)
      return { refused: "busy", count: this.#running.size, allowed };
    const activationId = (this.#options.newActivationId ?? newActivationId)();
    const abort = new AbortController();
    let detached = false;
    let settled: FinalOutcome | undefined;
    const completion = this.#run(activationId, request, abort.signal).then(async (final) => {
      settled = final;
      if (detached) await this.#keepLate(activationId, request, final);
      return final;
    });
    const running: Running = { abort, done: completion };
    this.#running.add(running);
    void completion.finally(() => this.#running.delete(running));
    return {
      activationId,
      completion,
      detach: () => {
        if (detached) return;
        detached = true;
        if (settled !== undefined) void this.#keepLate(activationId, request, settled);
      },
    };
  }

  /** Stops taking invocations; waits up to drainMs for running ones, then cancels them. */
  async close(drainMs: number): Promise<void> {
    this.#closing = true;
    const all = () => Promise.allSettled([...this.#running].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      all().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), drainMs);
      }),
    ]);
    clearTimeout(timer);
    if (!drained) {
      for (const running of this.#running) running.abort.abort();
      await all();
    }
    this.#ownBackend?.close();
  }

  async #run(
    activationId: string,
    request: InvocationRequest,
    signal: AbortSignal,
  ): Promise<FinalOutcome> {
    const { client, callTimeoutMs, logger } = this.#options;
    const lambda = request.lambda ?? formatActionName(request.action);
    const began = performance.now();
    const start = this.#clock();
    let outcome: InvocationOutcome;
    let reply: LambdaResponse | undefined;
    let failure: ConnectError | undefined;
    // Tracing (issue 14): a span per call, named to the router in the call's metadata.
    const span = isTracing() ? startInvocationSpan(lambda, activationId) : undefined;
    try {
      reply = await client.runLambda(lambdaRequestFor(lambda, request.params, activationId), {
        timeoutMs: callTimeoutMs,
        signal,
        ...(span === undefined ? {} : { headers: spanTraceHeaders(span) }),
      });
      outcome = outcomeOfReply(reply.retcode, reply.output);
    } catch (error) {
      failure = ConnectError.from(error);
      outcome = outcomeOfRpcError(failure);
    }
    const end = this.#clock();
    const resolved =
      outcome.kind === "no-route" ? await this.#noRoute(lambda, outcome.allUnreachable) : outcome;
    if (span !== undefined) endInvocationSpan(span, reply, failure, resolved.kind);
    logInvocation(invocationLogger(logger, span), {
      activationId,
      lambda,
      outcome: resolved.kind,
      elapsed: (performance.now() - began) / 1000,
      reply,
      failure,
    });
    switch (resolved.kind) {
      case "activation": {
        const record = buildActivationRecord({
          activationId,
          caller: request.caller,
          action: request.action,
          start,
          end,
          status: resolved.status,
          result: resolved.result,
          actionFacts: await this.#factsOf(request),
          cause: request.cause,
        });
        // Stored marked, answered without the mark: its logs are read when it is first read.
        await this.#store(this.#logsReadable ? withLogsUnread(record) : record);
        return { kind: "activation", httpStatus: resolved.httpStatus, record };
      }
      case "still-running":
        if (resolved.backend !== undefined) {
          // Read back later under the proxy's id, completed from the backend (issue 11).
          const placeholder = buildActivationRecord({
            activationId,
            caller: request.caller,
            action: request.action,
            start,
            end,
            status: ActivationStatus.success,
            result: {},
            actionFacts: await this.#factsOf(request),
            cause: request.cause,
          });
          await this.#store(pendingRecord(placeholder, resolved.backend));
        }
        return resolved;
      case "refused":
        return resolved;
    }
  }

  async #factsOf(request: InvocationRequest): Promise<ActionFacts | undefined> {
    if (request.facts === undefined) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        request.facts,
        new Promise<undefined>((resolve) => {
          timer = setTimeout(resolve, this.#options.factsWaitMs ?? 100, undefined);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The router knows no destination. If the controller lists the lambda, it exists but cannot be
   * reached now (routes not installed yet, or all ejected): 503. Otherwise nothing in the domain
   * offers it: OpenWhisk's 404.
   */
  async #noRoute(lambda: string, allUnreachable: boolean): Promise<Refused> {
    const offered = allUnreachable || (await this.#options.lister.has(lambda)) === true;
    return offered
      ? { kind: "refused", httpStatus: 503, error: ErrorText.unavailable }
      : { kind: "refused", httpStatus: 404, error: ErrorText.notFound };
  }

  /** A refusal the caller never saw (it got 202) becomes a whisk internal error to read back. */
  async #keepLate(
    activationId: string,
    request: InvocationRequest,
    final: FinalOutcome,
  ): Promise<void> {
    if (final.kind !== "refused") return;
    const now = this.#clock();
    await this.#store(
      buildActivationRecord({
        activationId,
        caller: request.caller,
        action: request.action,
        start: now,
        end: now,
        status: ActivationStatus.internalError,
        result: { error: final.error },
        cause: request.cause,
      }),
    );
  }

  async #store(record: ActivationRecord): Promise<void> {
    try {
      await this.#options.store.put(record);
    } catch (err) {
      // The caller still gets its answer; only reading it back later will fail.
      this.#options.logger.error(
        { err, activationId: record.activationId },
        "activation not stored",
      );
    }
  }
}
