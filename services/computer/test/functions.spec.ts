import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { EdgeServer } from "@soe/proto";
import { createTransport, type EndpointTransport } from "@soe/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type ComputerServer, createComputerServer } from "../src/computer-server.js";
import { quietLogger } from "./helpers.js";

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
  "nap.mjs": `export async function main({ ms }) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return ms;
  }`,
  "README.md": "not a function",
};

let dir: string;
let computer: ComputerServer;
let transport: EndpointTransport;
const call = (name: string, input = "", extra: { dry?: boolean; hops?: number } = {}) =>
  createClient(EdgeServer, transport).runLambda({ name, input, ...extra });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "soe-functions-"));
  for (const [file, text] of Object.entries(MODULES)) writeFileSync(join(dir, file), text);
  computer = await createComputerServer({
    serverEndpoint: "127.0.0.1:0",
    conf: "type=none",
    functionsDir: dir,
    functionWorkers: 2,
    functionTimeoutMs: 500,
    utilizationPeriodMs: 100,
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
    const [spin, never] = await Promise.all([call("spin"), call("never")]);
    for (const response of [spin, never]) {
      expect(response.retcode).toMatch(/^function '(spin|never)' failed: timed out after 500 ms$/);
      expect(response.ptime).toBeGreaterThanOrEqual(500);
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
    // both workers started first, so thread start-up does not blur the timings
    await Promise.all([call("nap", '{"ms":1}'), call("nap", '{"ms":1}')]);
    const responses = await Promise.all([1, 2, 3, 4].map(() => call("nap", '{"ms":300}')));
    const ptimes = responses.map((r) => r.ptime);
    expect(responses.every((r) => r.retcode === "OK")).toBe(true);
    // two run at once; the next two wait for them (each nap lasts at least 300 ms)
    expect(Math.max(ptimes[0] ?? 0, ptimes[1] ?? 0)).toBeLessThan(550);
    expect(Math.min(ptimes[2] ?? 0, ptimes[3] ?? 0)).toBeGreaterThanOrEqual(590);
  });

  test("dry calls estimate from recent run times", async () => {
    expect((await call("nap", '{"ms":1}', { dry: true })).ptime).toBeGreaterThan(100);
    const unused = await call("legacy", "{}", { dry: true });
    expect(unused).toMatchObject({ retcode: "OK", output: "" });
  });

  test("utilization is sampled for the js processor", async () => {
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
