import { afterEach, describe, expect, it } from "vitest";
import { ActionRunner, type RunRequest } from "./action-runner.js";

const NOW = Date.UTC(2024, 4, 1, 10, 0, 0, 123);
const runners: ActionRunner[] = [];
afterEach(() => {
  for (const runner of runners.splice(0)) runner.close();
});

function runner(overrides: Partial<ConstructorParameters<typeof ActionRunner>[0]> = {}) {
  const created = new ActionRunner({
    clock: () => NOW,
    maxResultBytes: 1024 * 1024,
    maxLogBytes: 4096,
    ...overrides,
  });
  runners.push(created);
  return created;
}

let counter = 0;
function request(code: string, extra: Partial<RunRequest> = {}): RunRequest {
  counter += 1;
  return {
    cacheKey: `test-${counter}`,
    code,
    main: "main",
    params: {},
    timeoutMs: 2000,
    filename: "test.js",
    ...extra,
  };
}

describe("ActionRunner results", () => {
  it("returns what a synchronous main returns", async () => {
    const outcome = await runner().run(
      request("function main(params) { return { payload: params.input } }", {
        params: { input: "hello" },
      }),
    );
    expect(outcome).toMatchObject({
      status: "success",
      result: { payload: "hello" },
      timedOut: false,
    });
    expect(outcome.size).toBe(JSON.stringify({ payload: "hello" }).length);
  });

  it("awaits an async main that uses timers", async () => {
    const code = `async function main({ ms }) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { slept: ms };
    }`;
    const outcome = await runner().run(request(code, { params: { ms: 5 } }));
    expect(outcome).toMatchObject({ status: "success", result: { slept: 5 } });
  });

  it("finds main through exports and module.exports, and a custom entry name", async () => {
    const r = runner();
    expect((await r.run(request("exports.main = () => ({ via: 'exports' })"))).result).toEqual({
      via: "exports",
    });
    expect((await r.run(request("module.exports = () => ({ via: 'module' })"))).result).toEqual({
      via: "module",
    });
    expect(
      (await r.run(request("const go = () => ({ via: 'go' })", { main: "go" }))).result,
    ).toEqual({ via: "go" });
  });

  it("turns undefined into {} and keeps array results", async () => {
    const r = runner();
    expect((await r.run(request("function main() {}"))).result).toEqual({});
    expect((await r.run(request("function main() { return [1, 2] }"))).result).toEqual([1, 2]);
  });

  it("gives each activation its own parameters and globals", async () => {
    const r = runner();
    const code =
      "globalThis.count = (globalThis.count || 0) + 1; function main(p) { p.touched = true; return { count } }";
    const params = { a: 1 };
    expect((await r.run(request(code, { params, cacheKey: "same" }))).result).toEqual({ count: 1 });
    expect((await r.run(request(code, { params, cacheKey: "same" }))).result).toEqual({ count: 1 });
    expect(params).toEqual({ a: 1 });
  });
});

describe("ActionRunner failures", () => {
  it("reports a result with an error key as an application error", async () => {
    const outcome = await runner().run(request("function main() { return { error: 'nope' } }"));
    expect(outcome).toMatchObject({ status: "application error", result: { error: "nope" } });
  });

  it("reports a rejected promise as an application error carrying the reason", async () => {
    const outcome = await runner().run(
      request("async function main() { throw new TypeError('bad input') }"),
    );
    expect(outcome.status).toBe("application error");
    expect(outcome.result).toMatchObject({ error: { name: "TypeError", message: "bad input" } });
  });

  it("reports a synchronous throw as a developer error", async () => {
    const outcome = await runner().run(request("function main() { throw new Error('boom') }"));
    expect(outcome).toMatchObject({
      status: "action developer error",
      result: { error: "An error has occurred: Error: boom" },
    });
  });

  it("reports code that does not compile or has no main as an initialization failure", async () => {
    const r = runner();
    const syntax = await r.run(request("function main( {"));
    expect(syntax.status).toBe("action developer error");
    expect((syntax.result as { error: string }).error).toMatch(
      /^Initialization has failed due to: SyntaxError/,
    );
    const missing = await r.run(request("function other() {}"));
    expect(missing.result).toEqual({
      error: "Initialization has failed due to: Action entrypoint 'main' is not a function.",
    });
  });

  it("refuses a result that is not a dictionary", async () => {
    const outcome = await runner().run(request("function main() { return 'text' }"));
    expect(outcome.result).toEqual({ error: "The action did not return a dictionary." });
    expect(outcome.logs.at(-1)).toContain('Result must be of type object but has type "string"');
  });

  it("turns a result over the limit into an application error", async () => {
    const outcome = await runner({ maxResultBytes: 100 }).run(
      request("function main() { return { x: 'y'.repeat(200) } }"),
    );
    expect(outcome.status).toBe("application error");
    expect((outcome.result as { error: string }).error).toMatch(
      /^The action produced a response that exceeded the allowed length: \d+ > 100 bytes\.$/,
    );
  });

  it("describes errors thrown by the host's own functions", async () => {
    const outcome = await runner().run(request("function main() { setTimeout('not a function') }"));
    expect(outcome.result).toEqual({
      error: "An error has occurred: TypeError: the callback must be a function",
    });
  });

  it("reports an exception thrown from a timer as a crash", async () => {
    const code =
      "function main() { return new Promise(() => setTimeout(() => { throw new Error('late') }, 1)) }";
    const outcome = await runner().run(request(code));
    expect(outcome.result).toEqual({
      error: "The action did not produce a valid response and exited unexpectedly.",
    });
    expect(outcome.logs.join("\n")).toContain("Uncaught: Error: late");
  });
});

describe("ActionRunner time limit", () => {
  const limitText = { error: "The action exceeded its time limits of 100 milliseconds." };

  it.each([
    ["a synchronous endless loop in main", "function main() { while (true) {} }"],
    ["an endless loop in the code's top level", "while (true) {} function main() {}"],
    ["an endless loop after an await", "async function main() { await null; for (;;) {} }"],
    [
      "an endless loop in a timer",
      "function main() { return new Promise(() => setTimeout(() => { for (;;) {} }, 1)) }",
    ],
    ["a promise that never settles", "function main() { return new Promise(() => {}) }"],
    [
      "a sleep longer than the limit",
      "function main() { return new Promise((r) => setTimeout(r, 60000)) }",
    ],
  ])("stops %s as a developer error", async (_, code) => {
    const outcome = await runner().run(request(code, { timeoutMs: 100 }));
    expect(outcome).toMatchObject({
      status: "action developer error",
      result: limitText,
      timedOut: true,
    });
  });

  it("keeps serving other activations after a timed out one", async () => {
    const r = runner();
    await r.run(request("function main() { while (true) {} }", { timeoutMs: 50 }));
    expect((await r.run(request("function main() { return { ok: true } }"))).result).toEqual({
      ok: true,
    });
  });

  it("ends running activations as internal errors on close", async () => {
    const r = runner();
    const pending = r.run(
      request("function main() { return new Promise(() => {}) }", { timeoutMs: 60_000 }),
    );
    r.close();
    expect(await pending).toMatchObject({ status: "whisk internal error" });
  });
});

describe("ActionRunner logs", () => {
  it("captures console output per line, stdout and stderr, with OpenWhisk timestamps", async () => {
    const code = `function main() {
      console.log("hello", { a: 1 });
      console.error("two\\nlines");
      return {};
    }`;
    const outcome = await runner().run(request(code));
    expect(outcome.logs).toEqual([
      "2024-05-01T10:00:00.123000000Z stdout: hello { a: 1 }",
      "2024-05-01T10:00:00.123000000Z stderr: two",
      "2024-05-01T10:00:00.123000000Z stderr: lines",
    ]);
  });

  it("keeps the logs of a failed activation and stops at the byte limit", async () => {
    const outcome = await runner({ maxLogBytes: 20 }).run(
      request(
        "function main() { console.log('0123456789'); console.log('0123456789'); throw new Error('x') }",
      ),
    );
    expect(outcome.logs).toEqual([
      "2024-05-01T10:00:00.123000000Z stdout: 0123456789",
      "2024-05-01T10:00:00.123000000Z stdout: 0123456789",
    ]);
    const over = await runner({ maxLogBytes: 15 }).run(
      request("function main() { console.log('0123456789'); console.log('0123456789') }"),
    );
    expect(over.logs).toHaveLength(2);
    expect(over.logs[1]).toContain(
      "Logs were truncated because the total bytes size exceeds the limit of 15 bytes.",
    );
  });
});

describe("ActionRunner warm sandboxes", () => {
  const counterCode =
    "let calls = 0; globalThis.loads = (globalThis.loads || 0) + 1; function main() { calls += 1; return { calls, loads } }";
  const warm = (code: string, extra: Partial<RunRequest> = {}) =>
    request(code, { cacheKey: "counter@1", warmSlot: "guest/counter", ...extra });

  it("keeps module-level state across activations of one version, without running the code again", async () => {
    const r = runner();
    expect((await r.run(warm(counterCode))).result).toEqual({ calls: 1, loads: 1 });
    expect((await r.run(warm(counterCode))).result).toEqual({ calls: 2, loads: 1 });
    expect(r.warm).toBe(1);
  });

  it("starts afresh for a new version, and after forget", async () => {
    const r = runner();
    await r.run(warm(counterCode));
    expect((await r.run(warm(counterCode, { cacheKey: "counter@2" }))).result).toEqual({
      calls: 1,
      loads: 1,
    });
    r.forget("guest/counter");
    expect(r.warm).toBe(0);
    expect((await r.run(warm(counterCode, { cacheKey: "counter@2" }))).result).toEqual({
      calls: 1,
      loads: 1,
    });
  });

  it("keeps each activation's logs and parameters its own", async () => {
    const r = runner();
    const code = "function main(p) { console.log('call', p.n); p.seen = true; return { n: p.n } }";
    const first = await r.run(warm(code, { params: { n: 1 } }));
    const second = await r.run(warm(code, { params: { n: 2 } }));
    expect(first.logs).toEqual(["2024-05-01T10:00:00.123000000Z stdout: call 1"]);
    expect(second.logs).toEqual(["2024-05-01T10:00:00.123000000Z stdout: call 2"]);
    expect(second.result).toEqual({ n: 2 });
  });

  it.each([
    ["a timed out", "if (calls === 1) for (;;) {}"],
    ["a thrown", "if (calls === 1) throw new Error('boom')"],
    ["a crashed", "if (calls === 1) return new Promise(() => setTimeout(() => { throw 1 }, 1))"],
  ])("discards the sandbox of %s activation", async (_, fault) => {
    const r = runner();
    const code = `let calls = 0; function main() { calls += 1; ${fault}; return { calls } }`;
    const failed = await r.run(warm(code, { timeoutMs: 100 }));
    expect(failed.status).toBe("action developer error");
    expect(r.warm).toBe(0);
    expect((await r.run(warm(code, { timeoutMs: 100 }))).result).toEqual({
      error: expect.any(String),
    });
    expect(r.warm).toBe(0);
  });

  it("runs concurrent activations of one action in sandboxes of their own", async () => {
    const r = runner();
    const code =
      "let calls = 0; async function main() { calls += 1; await new Promise((r) => setTimeout(r, 10)); return { calls } }";
    const both = await Promise.all([r.run(warm(code)), r.run(warm(code))]);
    expect(both.map((o) => o.result)).toEqual([{ calls: 1 }, { calls: 1 }]);
    expect(r.warm).toBe(2);
  });

  it("does not let a timer left by one activation fire into the next", async () => {
    const r = runner();
    const code = `let calls = 0;
      function main() {
        calls += 1;
        if (calls === 1) setTimeout(() => console.log('stale'), 20);
        return calls === 1 ? { calls } : new Promise((r) => setTimeout(() => r({ calls }), 50));
      }`;
    expect((await r.run(warm(code))).result).toEqual({ calls: 1 });
    const second = await r.run(warm(code));
    expect(second.result).toEqual({ calls: 2 });
    expect(second.logs).toEqual([]);
  });
});
