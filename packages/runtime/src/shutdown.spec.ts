import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "./logger.js";
import { onShutdown } from "./shutdown.js";

function setup(stop: () => Promise<void>, timeoutMs = 1_000) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = createLogger({ name: "t", level: "info", pretty: false, destination });
  const target = new EventEmitter();
  const exits: number[] = [];
  const unregister = onShutdown(logger, stop, {
    timeoutMs,
    target,
    exit: (code) => {
      exits.push(code);
    },
  });
  return { lines, target, exits, unregister };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("onShutdown", () => {
  it("logs the signal, stops once and exits 0", async () => {
    const stop = vi.fn(async () => {});
    const { lines, target, exits } = setup(stop);
    target.emit("SIGTERM");
    await vi.runAllTimersAsync();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exits).toEqual([0]);
    expect(lines[0]).toMatchObject({ level: 30, signal: "SIGTERM", msg: "shutting down" });
  });

  it("logs the error and exits 1 when stop fails", async () => {
    const { lines, target, exits } = setup(async () => {
      throw new Error("deregister failed");
    });
    target.emit("SIGINT");
    await vi.runAllTimersAsync();
    expect(exits).toEqual([1]);
    expect(lines[1]).toMatchObject({ level: 50, err: { message: "deregister failed" } });
  });

  it("exits 1 when stop throws synchronously", async () => {
    const { target, exits } = setup(() => {
      throw new Error("boom");
    });
    target.emit("SIGINT");
    await vi.runAllTimersAsync();
    expect(exits).toEqual([1]);
  });

  it("exits 1 when stop outlasts the timeout", async () => {
    const { lines, target, exits } = setup(() => new Promise(() => {}), 500);
    target.emit("SIGTERM");
    await vi.advanceTimersByTimeAsync(499);
    expect(exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(exits).toEqual([1]);
    expect(lines[1]).toMatchObject({ level: 50, timeoutMs: 500, msg: "shutdown timed out" });
  });

  it("exits 130 at once on a second signal while stopping", async () => {
    const stop = vi.fn(() => new Promise<void>(() => {}));
    const { target, exits } = setup(stop);
    target.emit("SIGTERM");
    target.emit("SIGINT");
    expect(exits).toEqual([130]);
    await vi.runAllTimersAsync();
    expect(exits).toEqual([130]);
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it("stops listening once unregistered", async () => {
    const stop = vi.fn(async () => {});
    const { target, exits, unregister } = setup(stop);
    unregister();
    expect(target.listenerCount("SIGTERM")).toBe(0);
    target.emit("SIGTERM");
    await vi.runAllTimersAsync();
    expect(stop).not.toHaveBeenCalled();
    expect(exits).toEqual([]);
  });
});
