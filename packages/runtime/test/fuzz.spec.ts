import { createClient } from "@connectrpc/connect";
import { EdgeServer } from "@soe/proto";
import {
  type CaseOutcome,
  type HostileCase,
  HostileRunner,
  hostileCases,
  regressionCorpus,
  ruleBroken,
  serveRules,
  slowSenderCases,
} from "@soe/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningServer, serve } from "../src/serve.js";
import { createTransport, type EndpointTransport } from "../src/transports.js";
import { testRoutes } from "./fixtures.js";

// A seeded fuzz of the port every service serves on (issue "Hardening"): thousands of hostile
// inputs, then the server must still answer a valid call. FUZZ_SEED and FUZZ_CASES reproduce or
// widen a run; a failure prints the seed and the inputs that broke the rules.
const seed = process.env.FUZZ_SEED ?? "runtime-1";
const count = Number(process.env.FUZZ_CASES ?? 3000);
const target = {
  procedures: ["/uiiit.rpc.EdgeServer/RunLambda", "/uiiit.rpc.EdgeComputer/StreamUtil"],
  httpPaths: [],
};

let server: RunningServer;
let transport: EndpointTransport;
beforeAll(async () => {
  server = await serve({
    name: "fuzz",
    routes: testRoutes,
    readMaxBytes: 64 * 1024,
    headersTimeoutMs: 400,
    requestTimeoutMs: 800,
  });
  transport = createTransport(server.endpoint);
});
afterAll(async () => {
  transport.close();
  await server.close();
});

async function validCallSucceeds(): Promise<void> {
  const reply = await createClient(EdgeServer, transport).runLambda({ name: "echo", input: "ok" });
  expect(reply.output).toBe("OK");
}

function broken(cases: readonly HostileCase[], outcomes: readonly CaseOutcome[]): string[] {
  return cases.flatMap((c, i) => {
    const why = ruleBroken(c, outcomes[i] as CaseOutcome, serveRules);
    return why === undefined ? [] : [`${c.label}: ${why}`];
  });
}

describe(`hostile input on one serve() port (seed ${seed})`, () => {
  test("every input that ever broke a service is answered as documented", async () => {
    const runner = new HostileRunner({ host: server.host, port: server.port });
    const cases = regressionCorpus();
    const outcomes = await runner.runAll(cases, 1);
    runner.close();
    expect(broken(cases, outcomes)).toEqual([]);
    const whole = outcomes.filter((_, i) => cases[i]?.kind !== "h1" || cases[i]?.complete);
    expect(whole.every((o) => o.result === "answered")).toBe(true);
    await validCallSucceeds();
  });

  test(`${count} seeded inputs: only documented answers, and valid calls keep succeeding`, async () => {
    const runner = new HostileRunner({
      host: server.host,
      port: server.port,
      caseTimeoutMs: 2_000,
    });
    const cases = hostileCases(target, seed, count);
    const violations: string[] = [];
    for (let start = 0; start < cases.length; start += 500) {
      const batch = cases.slice(start, start + 500);
      violations.push(...broken(batch, await runner.runAll(batch, 8)));
      await validCallSucceeds();
    }
    runner.close();
    expect(violations.slice(0, 20)).toEqual([]);
  }, 120_000);

  test("slow senders are cut by the headers or request timeout", async () => {
    const runner = new HostileRunner({
      host: server.host,
      port: server.port,
      caseTimeoutMs: 10_000,
    });
    const outcomes = await runner.runAll(slowSenderCases(target, 10), 2);
    runner.close();
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ result: "answered", status: 408 });
    }
    await validCallSucceeds();
  });
});
