import { grpc, loadUiiitRpc, unary } from "@soe/testing";
import openwhisk from "openwhisk";
import { afterAll, describe, expect, test } from "vitest";
import { COPY_LAMBDA, GUEST_KEY, NATIVE_LAMBDA, SEED } from "../src/index.js";
import { runEdgeClient } from "./support/edgeclient.js";
import { useSeedScenario } from "./support/seed-domain.js";

// The seed document's scenario (reference/openwhisk_integration.md), every component its own
// process: an OpenWhisk client talks to the proxy as to an OpenWhisk, and reaches both
// OpenWhisk servers; native clients use the same router in the same run.
const scenario = useSeedScenario({ leaseTtlSeconds: 3, listerPeriodSeconds: 0.2 });

/** Activations of `copy` an OpenWhisk (mock) has run, asked through its own REST API. */
async function copyActivations(openwhiskUrl: string): Promise<number> {
  const ow = openwhisk({ apihost: openwhiskUrl, api_key: GUEST_KEY });
  const counted = (await ow.activations.list({ name: "copy", count: true })) as unknown as {
    activations: number;
  };
  return counted.activations;
}

describe("the seed scenario", () => {
  test("40 invocations of /guest/copy, four at a time, return {payload: hello}, served by both OW1 and OW2, beside native clambda0 traffic", async () => {
    const s = scenario();
    const ow1 = s.ports.url(SEED.ow1);
    const ow2 = s.ports.url(SEED.ow2);
    const [before1, before2] = [await copyActivations(ow1), await copyActivations(ow2)];

    // Native traffic through the same router, at the same time: edgeclient, two closed loops.
    const native = runEdgeClient([
      "--server-endpoints",
      s.routerEndpoint,
      "--lambda",
      NATIVE_LAMBDA,
      "--num-threads",
      "2",
      "--max-requests",
      "20",
    ]);
    const ow = openwhisk({ apihost: s.proxyUrl, api_key: GUEST_KEY });
    // Four at a time: the router's default policy spreads calls in flight together over both
    // installations (a lone call goes where it expects the fastest answer).
    const results: unknown[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const invoke = () =>
        ow.actions.invoke({
          name: COPY_LAMBDA,
          blocking: true,
          result: true,
          params: { input: "hello" },
        });
      results.push(...(await Promise.all([invoke(), invoke(), invoke(), invoke()])));
    }

    expect(results).toEqual(Array.from({ length: 40 }, () => ({ payload: "hello" })));
    // Counted by the OpenWhisk servers themselves: every invocation ran once, on one of them.
    const served1 = (await copyActivations(ow1)) - before1;
    const served2 = (await copyActivations(ow2)) - before2;
    expect(served1 + served2).toBe(40);
    expect(served1).toBeGreaterThan(0);
    expect(served2).toBeGreaterThan(0);

    const run = await native;
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines).toHaveLength(40);
    for (const line of run.lines) {
      // Client → router → computer: two hops, answered by the simulated computer (reference §8.2).
      expect(line).toMatchObject({
        lambda: NATIVE_LAMBDA,
        responder: s.ports.endpoint(SEED.computer),
        hops: 2,
      });
    }
  });

  test("the proxy answers like OpenWhisk: the whole activation when not asked for the result alone", async () => {
    const s = scenario();
    const ow = openwhisk({ apihost: s.proxyUrl, api_key: GUEST_KEY });
    const activation = await ow.actions.invoke({
      name: COPY_LAMBDA,
      blocking: true,
      params: { input: "record" },
    });
    expect(activation).toMatchObject({
      namespace: "guest",
      name: "copy",
      response: { status: "success", success: true, result: { payload: "record" } },
    });
    // And a wrong key is refused as OpenWhisk refuses it.
    const intruder = openwhisk({ apihost: s.proxyUrl, api_key: `${GUEST_KEY.slice(0, -1)}0` });
    await expect(
      intruder.actions.invoke({ name: COPY_LAMBDA, blocking: true, result: true }),
    ).rejects.toMatchObject({ statusCode: 401 });
  });
});

// A third-party client: stock @grpc/grpc-js stubs built at run time from our .proto files
// (DESIGN §2: a client of the reference system must be able to drive our router).
describe("a stock grpc-js client against the router", () => {
  const rpc = loadUiiitRpc();
  const clients: grpc.Client[] = [];
  const client = (service: "EdgeServer" | "EdgeRouter", endpoint: string) => {
    const Stub = rpc[service];
    if (Stub === undefined) throw new Error(`no ${service} in the .proto files`);
    const stub = new Stub(endpoint, grpc.credentials.createInsecure());
    clients.push(stub);
    return stub;
  };
  afterAll(() => {
    for (const c of clients) c.close();
  });

  interface LambdaResponse {
    retcode: string;
    output: string;
    responder: string;
    hops: number;
  }

  test("runs OpenWhisk actions and native lambdas, and reads the forwarding tables", async () => {
    const s = scenario();
    const edge = client("EdgeServer", s.routerEndpoint);
    const run = async (name: string, input: string) =>
      (await unary<LambdaResponse>(edge, "RunLambda", { name, input }, { deadlineMs: 10_000 }))
        .value;

    const responders = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const copy = await run(COPY_LAMBDA, JSON.stringify({ input: `grpc ${i}` }));
      // The wsk-computer passes the action's whole JSON result; router + wsk-computer = 2 hops.
      expect(copy).toMatchObject({ retcode: "OK", hops: 2 });
      expect(JSON.parse(copy.output)).toEqual({ payload: `grpc ${i}` });
      responders.add(copy.responder);
    }
    expect([...responders].every((r) => r === SEED.ow1 || r === SEED.ow2)).toBe(true);

    const native = await run(NATIVE_LAMBDA, JSON.stringify({ input: "AAAA" }));
    expect(native).toMatchObject({
      retcode: "OK",
      responder: s.ports.endpoint(SEED.computer),
      hops: 2,
    });
    // A lambda nobody offers: an answer with an error retcode, not an RPC error (reference §3.3).
    expect((await run("/guest/nobody", "{}")).retcode).toBe("No destinations found for the entry");

    const table = client("EdgeRouter", s.ports.endpoint(SEED.router, "table"));
    const tables = await unary<{ value: number }>(table, "GetNumTables", {});
    expect(tables.value.value).toBe(2);
    const overall = await unary<{
      entries: { lambda: string; destination: string; final: boolean }[];
    }>(table, "GetTable", { value: 0 });
    const routes = overall.value.entries
      .filter((e) => e.lambda === COPY_LAMBDA || e.lambda === NATIVE_LAMBDA)
      .map((e) => `${e.lambda} ${e.destination} ${e.final}`)
      .sort();
    expect(routes).toEqual(
      [
        `${COPY_LAMBDA} ${s.ports.endpoint(SEED.wsk1)} true`,
        `${COPY_LAMBDA} ${s.ports.endpoint(SEED.wsk2)} true`,
        `${NATIVE_LAMBDA} ${s.ports.endpoint(SEED.computer)} true`,
      ].sort(),
    );
  });
});
