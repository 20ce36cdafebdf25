import { Writable } from "node:stream";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { EdgeController } from "@soe/proto";
import { eventually, ManualTime, unusedPort } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { Announcer, type AnnouncerOptions } from "./announcer.js";
import { createLogger } from "./logger.js";
import { createTransport } from "./transports.js";

interface LogLine {
  level: number;
  msg: string;
  err?: { stack?: string };
  [field: string]: unknown;
}
const WARN = 40;
const ERROR = 50;

function captureLogs() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return {
    logger: createLogger({ name: "test", level: "trace", pretty: false, destination }),
    lines,
  };
}

const refused = () =>
  new ConnectError(
    "cannot connect to 127.0.0.1:6475",
    Code.Unavailable,
    undefined,
    undefined,
    Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6475"), { code: "ECONNREFUSED" }),
  );

/** Lets the announcer's promise chain run after a timer fired. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

const open: Announcer[] = [];
afterEach(async () => {
  for (const announcer of open.splice(0)) await announcer.close();
});

/** An announcer on manual time whose calls are recorded; `failNext` calls are refused. */
function setup(overrides: Partial<AnnouncerOptions> = {}) {
  const time = new ManualTime();
  const logs = captureLogs();
  const calls: string[] = [];
  const state = { failNext: 0 };
  const announcer = new Announcer({
    controllerEndpoint: "127.0.0.1:6475",
    announce: async () => {
      calls.push(`announce@${time.now}`);
      if (state.failNext > 0) {
        state.failNext -= 1;
        throw refused();
      }
      return { endpoint: "10.0.0.1:6473" };
    },
    remove: async () => {
      calls.push(`remove@${time.now}`);
    },
    periodMs: 1_000,
    backoff: { initialMs: 100, maxMs: 400, jitter: 0 },
    schedule: time.schedule,
    logger: logs.logger,
    ...overrides,
  });
  open.push(announcer);
  return { time, logs, calls, state, announcer };
}

/** Moves manual time to `to`, letting each announcement settle before the next timer. */
async function runTo(time: ManualTime, to: number) {
  await flush();
  for (let at = time.nextAt; at !== undefined && at <= to; at = time.nextAt) {
    time.advanceTo(at);
    await flush();
  }
  time.advanceTo(to);
}

describe("Announcer", () => {
  it("announces at once, then every period to keep the lease", async () => {
    const { time, calls, announcer } = setup();
    announcer.start();
    await runTo(time, 3_000);
    expect(calls).toEqual(["announce@0", "announce@1000", "announce@2000", "announce@3000"]);
  });

  it("logs the first announcement at info and lease refreshes only at debug", async () => {
    const { time, logs, announcer } = setup();
    announcer.start();
    await runTo(time, 2_000);
    expect(logs.lines.map((l) => [l.level, l.msg])).toEqual([
      [30, "announced"],
      [20, "lease refreshed"],
      [20, "lease refreshed"],
    ]);
    expect(logs.lines[0]).toMatchObject({
      controller: "127.0.0.1:6475",
      endpoint: "10.0.0.1:6473",
    });
  });

  it("retries a refused announcement with back-off, then keeps the period", async () => {
    const { time, calls, state, announcer } = setup();
    state.failNext = 3;
    announcer.start();
    await runTo(time, 2_000);
    // 0 refused, +100 refused, +200 refused, +400 taken, then every 1000.
    expect(calls).toEqual([
      "announce@0",
      "announce@100",
      "announce@300",
      "announce@700",
      "announce@1700",
    ]);
    expect(announcer.upToDate).toBe(true);
  });

  it("warns once, in one line, with the peer, the cause and the next try; no stack", async () => {
    const { time, logs, state, announcer } = setup();
    state.failNext = 3;
    announcer.start();
    await runTo(time, 700);
    const warnings = logs.lines.filter((l) => l.level >= WARN);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toBe(
      "controller 127.0.0.1:6475 not reachable (connection refused); next try in 100 ms",
    );
    expect(warnings[0]).toMatchObject({ cause: "connection refused", retryInMs: 100, failures: 1 });
    expect(JSON.stringify(warnings[0])).not.toContain("stack");
    // The retries are at debug; the success after them is news again.
    expect(logs.lines.filter((l) => l.level === 20).map((l) => l.failures)).toEqual([2, 3]);
    expect(logs.lines.at(-1)).toMatchObject({ level: 30, msg: "announced" });
  });

  it("logs an error that is not an RPC failure with its stack: that is a bug", async () => {
    const { time, logs, announcer } = setup({
      announce: async () => {
        throw new TypeError("info is undefined");
      },
    });
    announcer.start();
    await runTo(time, 0);
    const [line] = logs.lines.filter((l) => l.level >= WARN);
    expect(line).toMatchObject({ level: ERROR, msg: "announcement failed" });
    expect(line?.err?.stack).toContain("TypeError: info is undefined");
  });

  it("announces a change at once, without waiting for the period, and logs it at info", async () => {
    const { time, calls, logs, announcer } = setup();
    announcer.start();
    await runTo(time, 400);
    expect(announcer.upToDate).toBe(true);
    announcer.changed();
    expect(announcer.upToDate).toBe(false);
    await runTo(time, 400);
    expect(calls).toEqual(["announce@0", "announce@400"]);
    expect(announcer.upToDate).toBe(true);
    expect(logs.lines.map((l) => l.msg)).toEqual(["announced", "announced"]);
    // The period starts again from the change.
    await runTo(time, 1_399);
    expect(calls).toHaveLength(2);
    await runTo(time, 1_400);
    expect(calls).toEqual(["announce@0", "announce@400", "announce@1400"]);
  });

  it("starts on the first change, and not before", async () => {
    const { time, calls, announcer } = setup();
    await runTo(time, 5_000);
    expect(calls).toEqual([]);
    announcer.changed();
    await runTo(time, 5_000);
    expect(calls).toEqual(["announce@5000"]);
  });

  it("announces only once with a period of 0 (a controller without leases)", async () => {
    const { time, calls, announcer } = setup({ periodMs: 0 });
    announcer.start();
    await runTo(time, 3_600_000);
    expect(calls).toEqual(["announce@0"]);
  });

  it("removes the peer on close and announces nothing after", async () => {
    const { time, calls, logs, announcer } = setup();
    announcer.start();
    await runTo(time, 500);
    await announcer.close();
    announcer.changed();
    await runTo(time, 5_000);
    expect(calls).toEqual(["announce@0", "remove@500"]);
    expect(logs.lines.at(-1)?.msg).toBe("removed from the controller");
    expect(time.pending).toBe(0);
  });

  it("removes nothing when it never started", async () => {
    const { calls, announcer } = setup();
    await announcer.close();
    expect(calls).toEqual([]);
  });

  it("warns in one line when the removal fails, and still closes", async () => {
    const { time, logs, announcer } = setup({
      remove: () => Promise.reject(refused()),
    });
    announcer.start();
    await runTo(time, 0);
    await announcer.close();
    const [line] = logs.lines.filter((l) => l.level >= WARN);
    expect(line?.msg).toBe(
      "could not remove from the controller at 127.0.0.1:6475: connection refused; its lease will expire",
    );
    expect(line?.err).toBeUndefined();
  });

  it("says 'connection refused' for a real controller that is not listening", async () => {
    const endpoint = `127.0.0.1:${await unusedPort()}`;
    const transport = createTransport(endpoint);
    const controller = createClient(EdgeController, transport);
    const logs = captureLogs();
    const announcer = new Announcer({
      controllerEndpoint: endpoint,
      announce: async () => {
        await controller.announceRouter({ edgeServerEndpoint: "127.0.0.1:1" });
        return undefined;
      },
      periodMs: 60_000,
      backoff: { initialMs: 60_000, maxMs: 60_000, jitter: 0 },
      logger: logs.logger,
    });
    try {
      announcer.start();
      await eventually(() => logs.lines.some((l) => l.level === WARN));
      const [line] = logs.lines;
      expect(line?.msg).toBe(
        `controller ${endpoint} not reachable (connection refused); next try in 60 s`,
      );
      expect(line?.err).toBeUndefined();
    } finally {
      await announcer.close();
      transport.close();
    }
  });
});
