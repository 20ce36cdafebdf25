import { create } from "@bufbuild/protobuf";
import { LambdaRequestSchema, StateSchema } from "@soe/proto";
import { createLogger } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { ManualTime } from "@soe/testing";
import { lambdaService } from "./lambda-service.js";
import { SimulatedComputer } from "./model/simulated-computer.js";
import { SimulationRunner } from "./simulation-runner.js";
import { UtilizationMonitor } from "./utilization-monitor.js";

function setup() {
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
  let utilization = 0.2;
  const monitor = new UtilizationMonitor([() => new Map([["P", utilization]])]);
  const service = lambdaService({
    runner,
    monitor,
    computerName: () => computer.name,
    logger: createLogger({ name: "test", level: "silent" }),
  });
  const call = (init: Parameters<typeof create<typeof LambdaRequestSchema>>[1]) => {
    const pending = service.runLambda(create(LambdaRequestSchema, init));
    time.advanceTo(time.now + 60_000);
    return pending;
  };
  return { time, monitor, call, setUtilization: (u: number) => (utilization = u) };
}

describe("lambdaService (RunLambda of a computer)", () => {
  it("runs a simulated lambda: OK, copied output, model ptime, hops+1, empty responder", async () => {
    const { call } = setup();
    const state = create(StateSchema, { name: "s", content: new Uint8Array([1]) });
    const response = await call({
      name: "L",
      input: "x".repeat(250),
      hops: 1,
      states: { s: state },
    });
    expect(response).toMatchObject({ retcode: "OK", output: "x".repeat(250), ptime: 250, hops: 2 });
    expect(response.responder ?? "").toBe("");
    expect(response.states?.s?.content).toEqual(new Uint8Array([1]));
  });

  it("attaches the processor's loads at submission time", async () => {
    const { call, monitor, setUtilization } = setup();
    monitor.sample();
    setUtilization(0.6);
    monitor.sample();
    expect(await call({ name: "L", input: "x" })).toMatchObject({
      load1: 60,
      load10: 40,
      load30: 40,
    });
  });

  it("answers dry requests with a truncated estimate and no output", async () => {
    const { call } = setup();
    const response = await call({ name: "L", input: "x".repeat(123), dry: true, hops: 4 });
    expect(response).toMatchObject({ retcode: "OK", ptime: 123, hops: 5 });
    expect(response.output ?? "").toBe("");
  });

  it("answers an unknown lambda with the reference's retcode, RPC OK, hops+1", async () => {
    const { call } = setup();
    expect(await call({ name: "nope", hops: 0 })).toEqual({
      retcode:
        "invalid 'nope' request: No container for lambda nope found in computer computer@10.0.0.1:6473",
      hops: 1,
    });
  });

  it("answers a task too large for its processor with an error naming both sizes", async () => {
    const { call } = setup();
    const response = await call({ name: "L", input: "x".repeat(1001), hops: 2 });
    expect(response.retcode).toMatch(/^invalid 'L' request: .*1001 bytes.*1000 bytes/);
    expect(response.hops).toBe(3);
  });

  it("refuses asynchronous calls and invalid chains, with hops+1", async () => {
    const { call } = setup();
    expect(await call({ name: "L", callback: "127.0.0.1:6480", hops: 7 })).toEqual({
      retcode: "Cannot handle an asynchronous function invocation",
      hops: 8,
    });
    expect(await call({ chain: ["L", "L"], hops: 0 })).toMatchObject({
      retcode: expect.stringMatching(/^invalid request/),
      hops: 1,
    });
  });

  it("runs the current function of a one-function chain", async () => {
    const { call } = setup();
    expect(await call({ name: "ignored", chain: ["L"], input: "abc" })).toMatchObject({
      retcode: "OK",
      output: "abc",
    });
  });
});
