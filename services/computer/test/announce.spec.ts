import { createClient } from "@connectrpc/connect";
import { EdgeServer } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import { type RecordingController, startRecordingController } from "@soe/testing";
import { afterEach, describe, expect, test } from "vitest";
import { type ComputerServer, createComputerServer } from "../src/computer-server.js";
import { freePort, quietLogger, sleep } from "./helpers.js";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function controller(endpoint?: string, token?: string): Promise<RecordingController> {
  const c = await startRecordingController({
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(token === undefined ? {} : { token }),
  });
  open.push(c);
  return c;
}

async function computer(
  options: Partial<Parameters<typeof createComputerServer>[0]>,
): Promise<ComputerServer> {
  const c = await createComputerServer({
    serverEndpoint: "127.0.0.1:0",
    logger: quietLogger(),
    ...options,
  });
  open.push(c);
  return c;
}

describe("announcement to the controller (reference §5.5, DESIGN §4 lease)", () => {
  test("announces every container with its worker count, once it listens", async () => {
    const ctl = await controller();
    const c = await computer({ controllerEndpoint: ctl.endpoint });
    await ctl.waitForCalls(1);
    const first = ctl.calls[0];
    expect(first?.method).toBe("announceComputer");
    expect(first?.info.edgeServerEndpoint).toBe(c.serverEndpoint);
    expect(
      first?.info.containers.map((k) => [k.name, k.processor, k.lambda, k.numWorkers]),
    ).toEqual([
      ["ccontainer0", "arm", "clambda0", 4],
      ["gcontainer0", "bm2837", "glambda0", 2],
    ]);
    // the end-point announced answers already (the reference announced before listening)
    expect(first?.serving).toBe(true);
  });

  test("re-announces every period to keep its lease", async () => {
    const ctl = await controller();
    await computer({ controllerEndpoint: ctl.endpoint, announcePeriodMs: 50 });
    await ctl.waitForCalls(4);
    expect(ctl.calls.slice(0, 4).every((call) => call.method === "announceComputer")).toBe(true);
  });

  test("announces once with a lease of 0", async () => {
    const ctl = await controller();
    await computer({ controllerEndpoint: ctl.endpoint, announcePeriodMs: 0 });
    await ctl.waitForCalls(1);
    await sleep(300);
    expect(ctl.calls).toHaveLength(1);
  });

  test("keeps retrying until a controller that starts later answers", async () => {
    const port = await freePort();
    await computer({ controllerEndpoint: `127.0.0.1:${port}` });
    await sleep(300);
    const ctl = await controller(`127.0.0.1:${port}`);
    await ctl.waitForCalls(1);
    expect(ctl.calls[0]?.method).toBe("announceComputer");
  });

  test("sends RemoveComputer on close", async () => {
    const ctl = await controller();
    const c = await computer({ controllerEndpoint: ctl.endpoint });
    await ctl.waitForCalls(1);
    await c.close();
    const last = ctl.calls.at(-1);
    expect(last?.method).toBe("removeComputer");
    expect(last?.info.edgeServerEndpoint).toBe(c.serverEndpoint);
    expect(last?.info.containers).toEqual([]);
  });

  test("announces the advertised host with the bound port", async () => {
    const ctl = await controller();
    const c = await computer({ controllerEndpoint: ctl.endpoint, advertise: "computer.example" });
    await ctl.waitForCalls(1);
    const port = c.serverEndpoint.split(":").at(-1);
    expect(ctl.calls[0]?.info.edgeServerEndpoint).toBe(`computer.example:${port}`);
    expect(c.name).toBe(`computer@computer.example:${port}`);
  });

  test("announces --advertise host:port whole, not as a host", async () => {
    const ctl = await controller();
    const c = await computer({
      controllerEndpoint: ctl.endpoint,
      advertise: "computer.example:7000",
    });
    await ctl.waitForCalls(1);
    expect(ctl.calls[0]?.info.edgeServerEndpoint).toBe("computer.example:7000");
    expect(c.announcedEndpoint).toBe("computer.example:7000");
  });

  test("sends the control-plane token", async () => {
    const ctl = await controller(undefined, "s3cret");
    await computer({ controllerEndpoint: ctl.endpoint, token: "s3cret" });
    await ctl.waitForCalls(1);
    expect(ctl.calls[0]?.method).toBe("announceComputer");
  });

  test("does not get through a controller's token check without the token", async () => {
    const ctl = await controller(undefined, "s3cret");
    await computer({ controllerEndpoint: ctl.endpoint });
    await sleep(300);
    expect(ctl.calls).toHaveLength(0);
  });

  test("does not stop shutting down when the controller is gone", async () => {
    const ctl = await controller();
    const c = await createComputerServer({
      serverEndpoint: "127.0.0.1:0",
      controllerEndpoint: ctl.endpoint,
      logger: quietLogger(),
    });
    await ctl.waitForCalls(1);
    await ctl.close();
    // RemoveComputer has a deadline: close settles (within the test's time-out) and stops serving
    await c.close();
    expect(ctl.calls.map((call) => call.method)).not.toContain("removeComputer");
    const t = createTransport(c.serverEndpoint);
    try {
      await expect(
        createClient(EdgeServer, t).runLambda({ name: "clambda0", input: "x" }),
      ).rejects.toThrow();
    } finally {
      t.close();
    }
  });
});
