import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, test } from "vitest";
import { DestinationLimiter, type Release } from "./destination-limiter.js";

async function take(
  limiter: DestinationLimiter,
  dest: string,
  timeoutMs?: number,
): Promise<Release> {
  const slot = limiter.acquire(dest, timeoutMs);
  return typeof slot === "function" ? slot : await slot;
}

describe("DestinationLimiter", () => {
  test("grants up to the bound, then queues in FIFO order", async () => {
    const limiter = new DestinationLimiter(2);
    const r1 = await take(limiter, "d");
    await take(limiter, "d");
    const order: number[] = [];
    const granted = (n: number) => (release: Release) => {
      order.push(n);
      return release;
    };
    const w3 = take(limiter, "d").then(granted(3));
    const w4 = take(limiter, "d").then(granted(4));
    expect(limiter.pending("d")).toBe(2);
    expect(limiter.waiting("d")).toBe(2);
    r1();
    r1(); // a second release of the same slot does nothing
    const r3 = await w3;
    expect(order).toEqual([3]);
    expect(limiter.waiting("d")).toBe(1);
    r3();
    await w4;
    expect(order).toEqual([3, 4]);
    expect(limiter.pending("d")).toBe(2);
  });

  test("destinations do not share slots", async () => {
    const limiter = new DestinationLimiter(1);
    await take(limiter, "a");
    await take(limiter, "b");
    expect(limiter.pending("a")).toBe(1);
    expect(limiter.pending("b")).toBe(1);
  });

  test("a waiter past its deadline gets DeadlineExceeded and leaves the queue", async () => {
    const limiter = new DestinationLimiter(1);
    const held = await take(limiter, "d");
    const error = await take(limiter, "d", 10).catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.DeadlineExceeded);
    expect(limiter.waiting("d")).toBe(0);
    held();
    expect(limiter.pending("d")).toBe(0);
  });

  test("0 means unlimited", async () => {
    const limiter = new DestinationLimiter(0);
    for (let i = 0; i < 1000; i++) await take(limiter, "d");
    expect(limiter.pending("d")).toBe(0);
  });
});
