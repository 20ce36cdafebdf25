import type { Scheduler } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import type { DomainReadings } from "./domain-snapshot.js";
import { DomainWatch } from "./domain-watch.js";

/** Timers run by hand: `tick()` runs what is due, in order. */
function manualScheduler() {
  let now = 0;
  const timers: { at: number; run: () => void; cancelled: boolean }[] = [];
  const schedule: Scheduler = (delayMs, run) => {
    const timer = { at: now + delayMs, run, cancelled: false };
    timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  return {
    schedule,
    clock: () => now,
    pending: () => timers.filter((t) => !t.cancelled).length,
    async advance(ms: number) {
      now += ms;
      for (const t of timers.splice(0)) {
        if (t.cancelled) continue;
        if (t.at <= now) t.run();
        else timers.push(t);
      }
      // Let the pass that just started finish (its reads are resolved promises).
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

function countingReader(clock: () => number) {
  let reads = 0;
  const read = async (): Promise<DomainReadings> => {
    reads++;
    const empty = { ok: true as const, value: [] };
    return {
      takenAtUnixMs: clock(),
      controllerEndpoint: "c:1",
      computers: empty,
      routers: empty,
      lambdas: empty,
      installations: empty,
      tables: new Map(),
      traffic: new Map(),
    };
  };
  return { read, reads: () => reads };
}

const decoder = new TextDecoder();

describe("DomainWatch", () => {
  it("reads the domain only while someone watches, once per interval", async () => {
    const timers = manualScheduler();
    const reader = countingReader(timers.clock);
    const watch = new DomainWatch({
      read: reader.read,
      intervalMs: 1000,
      maxClients: 4,
      schedule: timers.schedule,
      clock: timers.clock,
    });
    await timers.advance(5000);
    expect(reader.reads()).toBe(0);

    const stream = watch.subscribe();
    if (stream === undefined) throw new Error("refused");
    const client = stream.getReader();
    await timers.advance(0);
    expect(reader.reads()).toBe(1);
    const first = decoder.decode((await client.read()).value);
    expect(first).toMatch(/^event: snapshot\ndata: \{"takenAtUnixMs":5000,/);
    await timers.advance(1000);
    await timers.advance(1000);
    expect(reader.reads()).toBe(3);

    await client.cancel();
    await timers.advance(10_000);
    expect(reader.reads()).toBe(3);
    expect(timers.pending()).toBe(0);
    await watch.close();
  });

  it("answers snapshot requests from the latest pass within an interval, and shares a pass in progress", async () => {
    const timers = manualScheduler();
    const reader = countingReader(timers.clock);
    const watch = new DomainWatch({
      read: reader.read,
      intervalMs: 1000,
      maxClients: 1,
      schedule: timers.schedule,
      clock: timers.clock,
    });
    const [a, b] = await Promise.all([watch.current(), watch.current()]);
    expect(a).toBe(b);
    expect(reader.reads()).toBe(1);
    await timers.advance(999);
    expect(await watch.current()).toBe(a);
    await timers.advance(1);
    expect((await watch.current()).takenAtUnixMs).toBe(1000);
    expect(reader.reads()).toBe(2);
  });

  it("starts a new client with the latest snapshot only while it is recent", async () => {
    const timers = manualScheduler();
    const reader = countingReader(timers.clock);
    const watch = new DomainWatch({
      read: reader.read,
      intervalMs: 1000,
      maxClients: 2,
      schedule: timers.schedule,
      clock: timers.clock,
    });
    await watch.current();
    await timers.advance(5000);
    const stale = watch.subscribe()?.getReader();
    await timers.advance(0);
    // The first frame is the pass the watcher started, taken now, not the one from 0 ms.
    expect(decoder.decode((await stale?.read())?.value)).toContain('"takenAtUnixMs":5000');
    await watch.close();
  });
});
