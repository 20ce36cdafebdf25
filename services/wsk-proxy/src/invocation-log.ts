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
