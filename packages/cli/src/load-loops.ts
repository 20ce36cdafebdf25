import { errorText } from "./cli-io.js";
import type { LambdaRequestFactory } from "./lambda-request-factory.js";
import type { LoadReport } from "./load-report.js";
import type { LambdaCaller } from "./multi-destination-caller.js";
import type { ArrivalSchedule, ClosedLoopPacer } from "./pacing.js";

/** What both kinds of load loop share. Times in ms. */
export interface LoopContext {
  readonly call: LambdaCaller;
  readonly requests: LambdaRequestFactory;
  readonly report: LoadReport;
  readonly clock: () => number;
  /** The instant the run started: the result lines' first column counts from here. */
  readonly start: number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** No new request once it fires (end of --duration, Ctrl-C). */
  readonly stop: AbortSignal;
  /** Abandons the requests in flight (Ctrl-C); they count neither as answered nor as failed. */
  readonly cancel: AbortSignal;
  /** Per-thread in the closed loop, in all in the open loop. */
  readonly maxRequests: number;
  readonly onNotOk?: (retcode: string) => void;
}

/** Sends one request and records its outcome; false when the RPC failed. */
async function send(ctx: LoopContext, client: number): Promise<boolean> {
  const { call, requests, report, clock, start, cancel } = ctx;
  const request = requests.next();
  report.requestSent();
  const sentAt = clock();
  try {
    const response = await call(request, cancel);
    const now = clock();
    const ok = report.response(client, (now - start) / 1000, (now - sentAt) / 1000, response);
    if (!ok) ctx.onNotOk?.(response.retcode);
    return true;
  } catch (error) {
    if (!cancel.aborted) report.error(errorText(error));
    return false;
  }
}

/**
 * One closed-loop client (a reference "thread", §7.2): one request at a time, paced by its
 * schedule. An RPC failure ends this client, as in the reference; the others go on.
 */
export async function runClosedLoop(
  ctx: LoopContext,
  client: number,
  pacer: ClosedLoopPacer,
  onLag?: (ms: number) => void,
): Promise<void> {
  const { clock, sleep, stop } = ctx;
  await sleep(pacer.initialWait(), stop);
  pacer.begin(clock());
  for (let n = 0; n < ctx.maxRequests && !stop.aborted; n++) {
    if (!(await send(ctx, client))) return;
    if (n + 1 >= ctx.maxRequests) return;
    const wait = pacer.waitAfterResponse(clock());
    if (wait > 0) await sleep(wait, stop);
    // The reference warns only about lags above one second.
    else if (wait < -1000) onLag?.(-wait);
  }
}

/**
 * The open loop (`--rate`): requests leave at the arrival instants whether or not earlier ones
 * were answered, so a slow server meets the offered load rather than slowing the client down.
 * At most `maxInFlight` requests are outstanding; an arrival beyond that is dropped and counted.
 * Ends after `maxRequests` arrivals (sent or dropped) or at `stop`, then waits for the calls in
 * flight.
 */
export async function runOpenLoop(
  ctx: LoopContext,
  schedule: ArrivalSchedule,
  maxInFlight: number,
): Promise<void> {
  const { clock, sleep, stop, report, maxRequests } = ctx;
  const inFlight = new Set<Promise<unknown>>();
  let arrivals = 0;
  while (!stop.aborted && arrivals < maxRequests) {
    const due = schedule.takeDue(clock(), maxRequests - arrivals);
    for (let i = 0; i < due; i++) {
      if (inFlight.size >= maxInFlight) {
        report.requestDropped();
        continue;
      }
      const call: Promise<unknown> = send(ctx, 0).finally(() => inFlight.delete(call));
      inFlight.add(call);
    }
    arrivals += due;
    if (arrivals >= maxRequests) break;
    await sleep(schedule.nextAt - clock(), stop);
  }
  await Promise.all(inFlight);
}
