import { create } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { LambdaRequestSchema } from "@soe/proto";
import { createLogger, recordSpansInMemory } from "@soe/runtime";
import { ManualTime } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { lambdaService, RUN_LAMBDA_SPAN } from "./lambda-service.js";
import { SimulatedComputer } from "./model/simulated-computer.js";
import { SimulationRunner } from "./simulation-runner.js";
import { UtilizationMonitor } from "./utilization-monitor.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const ROUTER_SPAN = "00f067aa0ba902b7";

function setup(
  context = {
    requestHeader: new Headers({ traceparent: `00-${TRACE}-${ROUTER_SPAN}-01` }),
  } as unknown as HandlerContext,
) {
  const time = new ManualTime();
  const computer = new SimulatedComputer("computer@10.0.0.1:6473");
  computer.addProcessor({ name: "P", type: "GenericCpu", speed: 1000, cores: 1, memory: 1000 });
  computer.addContainer({
    name: "C",
    processor: "P",
    workers: 2,
    lambda: {
      name: "L",
      requirements: { kind: "proportional", opCoeff: 1, opOffset: 0, memCoeff: 1, memOffset: 0 },
      output: { kind: "copy-input" },
    },
  });
  const runner = new SimulationRunner(computer, { clock: time.clock, schedule: time.schedule });
  const service = lambdaService({
    runner,
    monitor: new UtilizationMonitor([() => new Map([["P", 0.2]])]),
    computerName: () => computer.name,
    logger: createLogger({ name: "test", level: "silent" }),
  });
  return async (name: string) => {
    const pending = service.runLambda(
      create(LambdaRequestSchema, { name, input: "x".repeat(10), hops: 1, uuid: "act-1" }),
      context,
    );
    time.advanceTo(time.now + 60_000);
    return pending;
  };
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe("lambdaService tracing", () => {
  it("spans each run under the router's span, with its retcode", async () => {
    const memory = recordSpansInMemory("edgecomputer");
    stop = memory.stop;
    const run = setup();
    expect((await run("L")).retcode).toBe("OK");
    expect((await run("missing")).retcode).toMatch(/^invalid 'missing' request/);
    const [ok, missing] = memory.spans();
    expect(ok).toMatchObject({
      name: RUN_LAMBDA_SPAN,
      kind: "server",
      traceId: TRACE,
      parentSpanId: ROUTER_SPAN,
      attributes: {
        "soe.lambda": "L",
        "soe.hops": 1,
        "soe.retcode": "OK",
        "soe.activation_id": "act-1",
      },
    });
    expect(missing?.attributes["soe.retcode"]).toMatch(/^invalid 'missing' request/);
  });

  it("does not even read the metadata with tracing off", async () => {
    const untouchable = {
      get requestHeader(): Headers {
        throw new Error("metadata read with tracing off");
      },
    } as unknown as HandlerContext;
    const run = setup(untouchable);
    expect((await run("L")).retcode).toBe("OK");
  });
});
