import type { ConnectError } from "@connectrpc/connect";
import type { LambdaResponse } from "@soe/proto";
import type { Logger } from "@soe/runtime";

/** What the debug line of one invocation reports (reference §9). */
export interface InvocationLogFacts {
  /** Seconds from the request to the answer. */
  readonly elapsed: number;
  readonly retcode: string;
  readonly responder: string;
  readonly ptime: number;
  readonly hops: number;
  readonly load1: number;
  readonly load10: number;
  readonly load30: number;
  readonly output: string;
  readonly dataoutSize: number;
}

const MAX_OUTPUT = 200;

/**
 * The reference wskproxy's per-request line: `<elapsed> retcode: R, from: F, ptime: P ms, hops:
 * H, load: L1/L10/L30, output: O, dataout size: N`. The output is cut short: it is the caller's
 * data, and a log line must stay a line.
 */
export function formatInvocationLine(facts: InvocationLogFacts): string {
  const flat = facts.output.replace(/\s+/g, " ");
  const output = flat.length > MAX_OUTPUT ? `${flat.slice(0, MAX_OUTPUT)}…` : flat;
  return (
    `${facts.elapsed.toFixed(6)} retcode: ${facts.retcode}, from: ${facts.responder}, ` +
    `ptime: ${facts.ptime} ms, hops: ${facts.hops}, ` +
    `load: ${facts.load1}/${facts.load10}/${facts.load30}, output: ${output}, ` +
    `dataout size: ${facts.dataoutSize}`
  );
}

/** One invocation as the proxy saw it, for its debug line. */
export interface InvocationLogEntry {
  readonly activationId: string;
  /** `/namespace/package/action` */
  readonly lambda: string;
  /** What the proxy made of it (activation, no-route, …). */
  readonly outcome: string;
  /** Seconds from the request to the answer. */
  readonly elapsed: number;
  /** The domain's reply, if the call returned one. */
  readonly reply: LambdaResponse | undefined;
  /** The RPC error, if the call failed. */
  readonly failure: ConnectError | undefined;
}

/** The facts of the reference's line, from a reply or an RPC failure. */
export function invocationFacts(entry: InvocationLogEntry): InvocationLogFacts {
  const { reply, failure } = entry;
  return {
    elapsed: entry.elapsed,
    retcode: reply?.retcode ?? `rpc error: ${failure?.message ?? ""}`,
    responder: reply?.responder ?? "",
    ptime: reply?.ptime ?? 0,
    hops: reply?.hops ?? 0,
    load1: reply?.load1 ?? 0,
    load10: reply?.load10 ?? 0,
    load30: reply?.load30 ?? 0,
    output: reply?.output ?? "",
    dataoutSize: reply?.dataout.byteLength ?? 0,
  };
}

/**
 * Logs one invocation at debug level: the reference's line as the message, its fields also as
 * fields for log processors. Nothing is assembled unless debug is on.
 */
export function logInvocation(logger: Logger, entry: InvocationLogEntry): void {
  if (!logger.isLevelEnabled("debug")) return;
  const facts = invocationFacts(entry);
  logger.debug(
    {
      activationId: entry.activationId,
      lambda: entry.lambda,
      outcome: entry.outcome,
      elapsed: facts.elapsed,
      retcode: facts.retcode,
      from: facts.responder,
      ptime: facts.ptime,
      hops: facts.hops,
      load: `${facts.load1}/${facts.load10}/${facts.load30}`,
    },
    formatInvocationLine(facts),
  );
}
