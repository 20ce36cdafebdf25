import { setTimeout as delay } from "node:timers/promises";

/** Waits `ms`, or less if `signal` fires first; never rejects. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await delay(Math.max(0, ms), undefined, { signal }).catch(() => undefined);
}
