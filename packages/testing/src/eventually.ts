import { setTimeout as sleep } from "node:timers/promises";

/** Polls until `check` holds (state that changes asynchronously), failing after `ms`. */
export async function eventually(check: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not reached in time");
    await sleep(10);
  }
}
