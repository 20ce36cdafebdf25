import { type ActionName, ErrorText, formatActionName, tooManyConcurrent } from "@soe/openwhisk";
import type { Logger } from "@soe/runtime";
import type { Context, Hono } from "hono";
import { actionAccess } from "../action-access.js";
import { type ActionFacts, ActionFactsCache } from "../action-facts.js";
import type { ActionLister } from "../action-lister.js";
import type { ActivationStore } from "../activation-store.js";
import type { DomainDeployment } from "../domain-deployment.js";
import type { DomainInvoker, FinalOutcome, Invocation, StartRefusal } from "../domain-invoker.js";
import { readJsonParams } from "../json-params.js";
import { bodyLimit } from "../middleware/body-limit/index.js";
import { errorResponse } from "../middleware/errors/index.js";
import type { ProxyEnv } from "../proxy-env.js";
import { invokeQuery } from "../query-params.js";
import { componentsRefusal } from "../sequence-components.js";
import { SequenceInvoker } from "../sequence-invoker.js";
import { routeTarget } from "./route-target.js";

export interface InvokeRouteDeps {
  readonly invoker: DomainInvoker;
  readonly lister: ActionLister;
  /** Longest blocking wait (OpenWhisk: 60 s); the `timeout` query can only shorten it. */
  readonly maxWaitMs: number;
  readonly maxBodyBytes: number;
  /** The controller's desired state: versions, kinds and limits for activation records. */
  readonly deployment?: DomainDeployment | undefined;
  /**
   * The domain's actions' facts, shared with the routes that change them (so a sequence just
   * created or changed runs as it now is); made here when not given.
   */
  readonly facts?: ActionFactsCache | undefined;
  /** Where the sequences the proxy runs store their records (the invoker's store). */
  readonly store?: ActivationStore | undefined;
  readonly logger: Logger;
}

/**
 * Longest wait for whether an action is one of the domain's sequences before it is invoked as
 * any other: only an action's first call can wait (its facts are then known), and a slow
 * controller must not hold every first call up for its whole read deadline.
 */
export const SEQUENCE_LOOKUP_WAIT_MS = 1_000;

export const ACTIVATION_ID_HEADER = "x-openwhisk-activation-id";

/** Resolves after `ms` with undefined, unless the promise settles first. */
async function waitAtMost<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The answer to a blocking invocation that finished within the wait (openwhisk-api.md §2). */
function answer(c: Context<ProxyEnv>, final: FinalOutcome, activationId: string, result: boolean) {
  switch (final.kind) {
    case "activation": {
      c.header(ACTIVATION_ID_HEADER, activationId);
      const value = final.record.response.result;
      // Array results are sent bare whatever `result` says, as newer controllers do.
      if (result || Array.isArray(value)) return c.json(value as object, final.httpStatus);
      return c.json(final.record, final.httpStatus);
    }
    case "still-running":
      c.header(ACTIVATION_ID_HEADER, activationId);
      return c.json({ activationId }, 202);
    case "refused":
      return errorResponse(c, final.httpStatus, final.error);
  }
}

/**
 * `POST /api/v1/namespaces/{ns}/actions/{[pkg/]name}?blocking&result&timeout`: every
 * combination the JS client (`blocking` only) and the wsk CLI (both) send, an empty query, a
 * missing body. Non-blocking calls are answered 202 at once and run on; blocking ones that
 * outlast the wait too.
 */
export function registerInvokeRoutes(app: Hono<ProxyEnv>, deps: InvokeRouteDeps): void {
  const { invoker, lister, maxWaitMs } = deps;
  const facts =
    deps.facts ??
    (deps.deployment === undefined
      ? undefined
      : new ActionFactsCache({ deployment: deps.deployment, logger: deps.logger }));
  // The domain's sequences run here, component by component (sequence-invoker.ts).
  const sequences =
    facts === undefined || deps.store === undefined
      ? undefined
      : new SequenceInvoker({
          invoker,
          store: deps.store,
          sources: { facts: (action) => facts.of(action), offers: (name) => lister.has(name) },
          lister,
          // Each running sequence holds at most one invocation at a time: one bound for both.
          maxInFlight: invoker.capacity,
          logger: deps.logger,
        });
  const base = "/api/v1/namespaces/:namespace/actions";

  const invoke = async (c: Context<ProxyEnv>) => {
    const target = routeTarget(c);
    const caller = c.get("identity");
    const access = await actionAccess(lister, caller, target.namespaceSegment, target.segments);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const query = invokeQuery((name) => c.req.query(name));
    if (!query.ok) return errorResponse(c, 400, query.error);
    const { blocking, result, timeout } = query.value;
    const params = readJsonParams(c.get("body"), c.req.header("content-type"));
    if (!params.ok) return errorResponse(c, params.status, params.error);

    const action: ActionName = {
      namespace: access.namespace,
      packageName: target.packageName,
      name: target.name ?? "",
    };
    const known = facts?.of(action);
    // Known facts are read at once; only an action's first call waits for them (bounded).
    const settled = facts?.settledOf(action);
    let knownNow: ActionFacts | undefined;
    if (sequences !== undefined && known !== undefined) {
      knownNow =
        settled?.facts ?? (settled ? undefined : await waitAtMost(known, SEQUENCE_LOOKUP_WAIT_MS));
    }
    let started: Invocation | StartRefusal;
    if (sequences !== undefined && knownNow?.components !== undefined) {
      // OpenWhisk checks the caller's right to every component before it runs any.
      const forbidden = await componentsRefusal(lister, caller, knownNow.components);
      if (forbidden !== undefined) return errorResponse(c, forbidden.status, forbidden.error);
      const sequence = { ...knownNow, components: knownNow.components };
      started = sequences.start({ caller, action, sequence, params: params.params });
    } else {
      // OpenWhisk answers 404 at once for an action it does not have, blocking or not; a 202
      // must not promise an activation that can never run. (Blocking calls learn it from the
      // router's answer; non-blocking ones ask the controller first, when there is one.)
      if (!blocking && (await lister.has(formatActionName(action))) === false) {
        return errorResponse(c, 404, ErrorText.notFound);
      }
      started = invoker.start({
        caller,
        action,
        params: params.params,
        ...(known === undefined ? {} : { facts: known }),
      });
    }
    if ("refused" in started) {
      return started.refused === "busy"
        ? errorResponse(c, 429, tooManyConcurrent(started.count, started.allowed))
        : errorResponse(c, 503, ErrorText.unavailable);
    }
    const { activationId } = started;
    if (!blocking) {
      started.detach();
      c.header(ACTIVATION_ID_HEADER, activationId);
      return c.json({ activationId }, 202);
    }
    const final = await waitAtMost(started.completion, Math.min(timeout ?? maxWaitMs, maxWaitMs));
    if (final === undefined) {
      // Still running: the caller gets the id and polls, exactly like a non-blocking call.
      started.detach();
      c.header(ACTIVATION_ID_HEADER, activationId);
      return c.json({ activationId }, 202);
    }
    return answer(c, final, activationId, result);
  };

  const limit = bodyLimit(deps.maxBodyBytes);
  app.post(`${base}/:name`, limit, invoke);
  app.post(`${base}/:package/:name`, limit, invoke);
}
