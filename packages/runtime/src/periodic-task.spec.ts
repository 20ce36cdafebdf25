import { afterEach, describe, expect, test, vi } from "vitest";
import { startPeriodicTask } from "./periodic-task.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("startPeriodicTask", () => {
  test("runs at once, then every period", async () => {
    vi.useFakeTimers();
    let runs = 0;
    const task = startPeriodicTask(
      async () => {
        runs++;
      },
      { periodMs: 1000, backoff: { initialMs: 10, maxMs: 100, jitter: 0 } },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toBe(5);
    await task.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(5);
  });

  test("retries failures with back-off and reports each", async () => {
    vi.useFakeTimers();
    const at: number[] = [];
    const failures: number[] = [];
    const task = startPeriodicTask(
      async () => {
        at.push(Date.now());
        if (at.length <= 3) throw new Error("controller down");
      },
      {
        periodMs: 10_000,
        backoff: { initialMs: 100, maxMs: 1000, jitter: 0 },
        onError: (_e, n) => failures.push(n),
      },
    );
    const start = Date.now();
    await vi.advanceTimersByTimeAsync(100 + 200 + 400);
    expect(at.map((t) => t - start)).toEqual([0, 100, 300, 700]);
    expect(failures).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(at.length).toBe(5);
    await task.stop();
  });

  test("trigger runs now, or right after a run in progress", async () => {
    vi.useFakeTimers();
    let runs = 0;
    let release: (() => void) | undefined;
    const task = startPeriodicTask(
      () => {
        runs++;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      { periodMs: 60_000, backoff: { initialMs: 10, maxMs: 100 } },
    );
    expect(runs).toBe(1);
    task.trigger();
    expect(runs).toBe(1);
    release?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(2);
    release?.();
    await vi.advanceTimersByTimeAsync(0);
    task.trigger();
    expect(runs).toBe(3);
    release?.();
    await task.stop();
  });

  test("takes its timers from an injected scheduler and tells when each retry is", async () => {
    const timers: { delayMs: number; run: () => void }[] = [];
    const retries: number[] = [];
    let runs = 0;
    const task = startPeriodicTask(
      async () => {
        runs++;
        if (runs <= 2) throw new Error("controller down");
      },
      {
        periodMs: 1000,
        backoff: { initialMs: 100, maxMs: 1000, jitter: 0 },
        onError: (_e, _n, retryInMs) => retries.push(retryInMs),
        schedule: (delayMs, run) => {
          const timer = { delayMs, run };
          timers.push(timer);
          return () => timers.splice(timers.indexOf(timer), 1);
        },
      },
    );
    const fire = async () => {
      await vi.waitFor(() => expect(timers).toHaveLength(1));
      timers.shift()?.run();
    };
    await fire();
    await fire();
    await vi.waitFor(() => expect(timers).toHaveLength(1));
    expect(retries).toEqual([100, 200]);
    expect(timers[0]?.delayMs).toBe(1000);
    expect(runs).toBe(3);
    await task.stop();
    expect(timers).toHaveLength(0);
  });
});
