import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { EdgeServer } from "@soe/proto";
import { createTransport, type EndpointTransport } from "@soe/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type ComputerServer, createComputerServer } from "../src/computer-server.js";
import { eventually, quietLogger } from "./helpers.js";
import { ManualTime } from "@soe/testing";

/** Real modules, written to a temporary directory (no package.json: `.js` files are CommonJS). */
const MODULES: Record<string, string> = {
  "echo.mjs": "export function main(params) { return { echo: params }; }",
  "double.mjs": `export async function main({ n }) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return n * 2;
  }`,
  "legacy.js": 'exports.main = (params) => "hello " + params.name;',
  "boom.mjs": 'export function main() { throw new Error("boom"); }',
  "spin.mjs": "export function main() { for (;;) {} }",
  "never.mjs": "export function main() { return new Promise(() => {}); }",
  "quit.mjs": 'import { exit } from "node:process"; export function main() { exit(3); }',
  // Marks its start with a file, then returns once the test opens its gate (another file).
  "gate.mjs": `import { existsSync, writeFileSync } from "node:fs";
  import { join } from "node:path";
  export async function main({ dir, id }) {
    writeFileSync(join(dir, "started-" + id), "");
    while (!existsSync(join(dir, "open-" + id))) await new Promise((r) => setTimeout(r, 5));
    return id;
  }`,
  "README.md": "not a function",
};

// Run times and time limits follow a hand-moved clock; the functions themselves run for real.
let time: ManualTime;
let dir: string;
let computer: ComputerServer;
let transport: EndpointTransport;
const call = (name: string, input = "", extra: { dry?: boolean; hops?: number } = {}) =>
  createClient(EdgeServer, transport).runLambda({ name, input, ...extra });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "soe-functions-"));
  for (const [file, text] of Object.entries(MODULES)) writeFileSync(join(dir, file), text);
  time = new ManualTime();
  computer = await createComputerServer({
    serverEndpoint: "127.0.0.1:0",
    conf: "type=none",
    functionsDir: dir,
    functionWorkers: 2,
    functionTimeoutMs: 500,
    utilizationPeriodMs: 100,
    clock: time.clock,
    schedule: time.schedule,
    logger: quietLogger(),
  });
  transport = createTransport(computer.serverEndpoint);
});
afterAll(async () => {
  transport.close();
  await computer.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("--functions: JavaScript modules as lambdas", () => {
  test("a sync function gets the JSON input as params and returns JSON", async () => {
    const response = await call("echo", '{"a":[1,2]}', { hops: 2 });
    expect(response).toMatchObject({ retcode: "OK", output: '{"echo":{"a":[1,2]}}', hops: 3 });
    expect(response.responder).toBe("");
  });

  test("a non-JSON input arrives as { input: text }", async () => {
    expect((await call("echo", "plain text")).output).toBe('{"echo":{"input":"plain text"}}');
    expect((await call("echo", "")).output).toBe('{"echo":{"input":""}}');
  });

  test("an async function and a CommonJS module work too", async () => {
    expect(await call("double", '{"n":21}')).toMatchObject({ retcode: "OK", output: "42" });
    expect(await call("legacy", '{"name":"edge"}')).toMatchObject({
      retcode: "OK",
      output: '"hello edge"',
    });
  });

  test("a throwing function is a non-OK retcode with its message, and the next call works", async () => {
    const response = await call("boom", "{}", { hops: 0 });
    expect(response.retcode).toBe("function 'boom' failed: boom");
    expect(response.hops).toBe(1);
    expect(response.output).toBe("");
    expect((await call("echo", "1")).retcode).toBe("OK");
  });

  test("a function over its time limit fails, whether it spins or never settles", async () => {
    const timers = time.pending;
    const calls = Promise.all([call("spin"), call("never")]);
    // each call on its worker arms its time limit
    expect(await eventually(() => time.pending === timers + 2)).toBe(true);
    const start = time.now;
    time.advanceTo(start + 499);
    expect(time.pending).toBe(timers + 2);
    time.advanceTo(start + 500);
    for (const response of await calls) {
      expect(response.retcode).toMatch(/^function '(spin|never)' failed: timed out after 500 ms$/);
      expect(response.ptime).toBe(500);
    }
    // the server is still responsive and the pool usable
    expect((await call("echo", "2")).output).toBe('{"echo":2}');
  });

  test("a function that ends its thread fails that call only", async () => {
    expect((await call("quit")).retcode).toMatch(
      /^function 'quit' failed: worker exited with code 3/,
    );
    expect((await call("echo", "3")).output).toBe('{"echo":3}');
  });

  test("calls beyond --function-workers wait in FIFO order", async () => {
    const started = (id: number) => existsSync(join(dir, `started-${id}`));
    const open = (id: number) => writeFileSync(join(dir, `open-${id}`), "");
    const gate = (id: number) => call("gate", JSON.stringify({ dir, id }));
    const start = time.now;
    const [one, two, three, four] = [1, 2, 3, 4].map(gate);
    // two run at once; the next two wait for a worker, in the order they came
    expect(await eventually(() => started(1) && started(2))).toBe(true);
    expect([started(3), started(4)]).toEqual([false, false]);
    time.advanceTo(start + 300);
    open(1);
    expect(await one).toMatchObject({ retcode: "OK", output: "1", ptime: 300 });
    expect(await eventually(() => started(3))).toBe(true);
    expect(started(4)).toBe(false);
    open(2);
    expect(await two).toMatchObject({ retcode: "OK", output: "2", ptime: 300 });
    expect(await eventually(() => started(4))).toBe(true);
    time.advanceTo(start + 400);
    open(3);
    open(4);
    // ptime counts the 300 ms of waiting; run times are 300, 300, 100 and 100 ms
    expect(await three).toMatchObject({ retcode: "OK", output: "3", ptime: 400 });
    expect(await four).toMatchObject({ retcode: "OK", output: "4", ptime: 400 });
  });

  test("dry calls estimate from recent run times", async () => {
    // the mean of the last run times of gate (300, 300, 100, 100), with every worker free
    const dry = await call("gate", JSON.stringify({ dir, id: 5 }), { dry: true });
    expect(dry).toMatchObject({ retcode: "OK", output: "", ptime: 200 });
    expect(existsSync(join(dir, "started-5"))).toBe(false);
    const unused = await call("legacy", "{}", { dry: true });
    expect(unused).toMatchObject({ retcode: "OK", output: "", ptime: 0 });
  });

  test("utilization is sampled for the js processor", async () => {
    time.advanceTo(time.now + 100);
    expect(computer.monitor.latest?.has("js")).toBe(true);
  });

  test("only modules are lambdas", async () => {
    expect((await call("README")).retcode).toMatch(/^invalid 'README' request: No container/);
  });
});

describe("--functions start-up errors", () => {
  test("a module without main stops start-up, naming the file", async () => {
    const bad = mkdtempSync(join(tmpdir(), "soe-bad-"));
    writeFileSync(join(bad, "nomain.mjs"), "export const x = 1;");
    try {
      await expect(
        createComputerServer({
          serverEndpoint: "127.0.0.1:0",
          functionsDir: bad,
          logger: quietLogger(),
        }),
      ).rejects.toThrow(/nomain\.mjs: does not export a function main/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  test("a function named like a simulated lambda stops start-up", async () => {
    const clash = mkdtempSync(join(tmpdir(), "soe-clash-"));
    writeFileSync(join(clash, "clambda0.mjs"), "export const main = () => 0;");
    try {
      await expect(
        createComputerServer({
          serverEndpoint: "127.0.0.1:0",
          functionsDir: clash,
          logger: quietLogger(),
        }),
      ).rejects.toThrow(/clambda0/);
    } finally {
      rmSync(clash, { recursive: true, force: true });
    }
  });
});
