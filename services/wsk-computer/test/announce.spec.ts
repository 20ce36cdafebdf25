import { type RunningOpenWhiskMock, startOpenWhiskMock } from "@soe/openwhisk-mock";
import { type RecordingController, startRecordingController } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  createWskComputerServer,
  type WskComputerServer,
  type WskComputerServerOptions,
} from "../src/wsk-computer-server.js";
import { deleteAction, putAction, putPackage, unusedPort } from "./fixtures.js";
import { captureLogs, eventually } from "./log-capture.js";
import { GUEST_KEY } from "@soe/openwhisk-mock";

// The lister and the announcer against a mock OpenWhisk and a recording controller (reference
// §6.4 with DESIGN §4's lease, retries and reachability).
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function mock(
  options: Parameters<typeof startOpenWhiskMock>[0] = {},
): Promise<RunningOpenWhiskMock> {
  const started = await startOpenWhiskMock(options);
  cleanups.push(() => started.close());
  return started;
}

async function controller(port?: number): Promise<RecordingController> {
  const started = await startRecordingController(
    port === undefined ? {} : { endpoint: `127.0.0.1:${port}` },
  );
  cleanups.push(() => started.close());
  return started;
}

async function computer(
  options: Partial<WskComputerServerOptions> & { apiRoot: string; controllerEndpoint: string },
): Promise<WskComputerServer> {
  const started = await createWskComputerServer({
    serverEndpoint: "127.0.0.1:0",
    auth: GUEST_KEY,
    listerPeriodMs: 100,
    logger: captureLogs().logger,
    ...options,
  });
  cleanups.push(() => started.close());
  return started;
}

const announced = (c: RecordingController) =>
  c.calls.filter((call) => call.method === "announceComputer");

describe("announcement of the OpenWhisk actions", () => {
  it("announces every action with its namespace and package, once its server listens", async () => {
    const ow = await mock({ preload: ["echo", "copy"] });
    await putPackage(ow.url, "pkg");
    await putAction(ow.url, "pkg/act");
    const ctl = await controller();
    const wsk = await computer({ apiRoot: ow.url, controllerEndpoint: ctl.endpoint });
    const [first] = await eventually(() => announced(ctl)[0] && announced(ctl), "an announcement");
    expect(first).toEqual({
      method: "announceComputer",
      info: {
        edgeServerEndpoint: wsk.serverEndpoint,
        containers: [
          { name: "/guest/copy", processor: "openwhisk", lambda: "/guest/copy", numWorkers: 1 },
          { name: "/guest/echo", processor: "openwhisk", lambda: "/guest/echo", numWorkers: 1 },
          {
            name: "/guest/pkg/act",
            processor: "openwhisk",
            lambda: "/guest/pkg/act",
            numWorkers: 1,
          },
        ],
      },
      serving: true,
    });
  });

  it("announces the advertised end-point instead of the bound one", async () => {
    const ow = await mock({ preload: ["copy"] });
    const ctl = await controller();
    const wsk = await computer({
      apiRoot: ow.url,
      controllerEndpoint: ctl.endpoint,
      advertise: "edge-1.example",
    });
    const port = wsk.serverEndpoint.split(":")[1];
    const [first] = await eventually(() => announced(ctl)[0] && announced(ctl), "an announcement");
    expect(first?.info.edgeServerEndpoint).toBe(`edge-1.example:${port}`);
    expect(wsk.announcedEndpoint).toBe(`edge-1.example:${port}`);
  });

  it("announces --advertise host:port whole", async () => {
    const ow = await mock({ preload: ["copy"] });
    const ctl = await controller();
    const wsk = await computer({
      apiRoot: ow.url,
      controllerEndpoint: ctl.endpoint,
      advertise: "edge-1.example:7000",
    });
    const [first] = await eventually(() => announced(ctl)[0] && announced(ctl), "an announcement");
    expect(first?.info.edgeServerEndpoint).toBe("edge-1.example:7000");
    expect(wsk.announcedEndpoint).toBe("edge-1.example:7000");
  });

  it("re-announces when an action is added, and again when one is removed", async () => {
    const ow = await mock({ preload: ["copy"] });
    const ctl = await controller();
    // No lease refresh: only the change itself can cause the re-announcements.
    await computer({ apiRoot: ow.url, controllerEndpoint: ctl.endpoint, leaseTtlMs: 0 });
    await eventually(() => ctl.lastLambdas()?.length === 1, "the first announcement");
    expect(ctl.lastLambdas()).toEqual(["/guest/copy"]);

    await putAction(ow.url, "added");
    await eventually(() => ctl.lastLambdas()?.includes("/guest/added"), "the added action");
    expect(ctl.lastLambdas()).toEqual(["/guest/added", "/guest/copy"]);

    await deleteAction(ow.url, "copy");
    await eventually(() => ctl.lastLambdas()?.length === 1, "the removal");
    expect(ctl.lastLambdas()).toEqual(["/guest/added"]);
  });

  it("refreshes the lease with identical announcements", async () => {
    const ow = await mock({ preload: ["copy"] });
    const ctl = await controller();
    await computer({ apiRoot: ow.url, controllerEndpoint: ctl.endpoint, leaseTtlMs: 150 });
    const calls = await eventually(() => announced(ctl).length >= 3 && announced(ctl), "refreshes");
    const distinct = new Set(calls.map((c) => JSON.stringify(c.info)));
    expect(distinct.size).toBe(1);
  });

  it("retries the announcement while the controller is down, until it answers", async () => {
    const ow = await mock({ preload: ["copy"] });
    const port = await unusedPort();
    const logs = captureLogs();
    await computer({
      apiRoot: ow.url,
      controllerEndpoint: `127.0.0.1:${port}`,
      // No lease refresh: only the retries of the failed announcement can reach the controller.
      leaseTtlMs: 0,
      logger: logs.logger,
    });
    await eventually(() => logs.text().includes('"failures":2'), "two failed announcements");
    const ctl = await controller(port);
    await eventually(() => ctl.lastLambdas(), "the announcement once the controller is up");
    expect(ctl.lastLambdas()).toEqual(["/guest/copy"]);
  });

  it("announces no lambdas while OpenWhisk is down, and its actions when it is back", async () => {
    const first = await startOpenWhiskMock({ preload: ["copy"] });
    const ctl = await controller();
    await computer({ apiRoot: first.url, controllerEndpoint: ctl.endpoint });
    await eventually(() => ctl.lastLambdas()?.length === 1, "the first announcement");

    await first.close();
    await eventually(() => ctl.lastLambdas()?.length === 0, "the empty announcement");
    const afterDown = announced(ctl).at(-1);
    expect(afterDown?.info.containers).toEqual([]);

    await mock({ port: first.port, preload: ["copy", "echo"] });
    await eventually(() => ctl.lastLambdas()?.length === 2, "the announcement after recovery");
    expect(ctl.lastLambdas()).toEqual(["/guest/copy", "/guest/echo"]);
  });

  it("announces all of 300 actions, listed page by page", async () => {
    const ow = await mock();
    for (let i = 0; i < 300; i += 1) {
      const put = ow.mock.entities.putAction(
        "guest",
        undefined,
        `action-${String(i).padStart(3, "0")}`,
        { exec: { kind: "nodejs:20", code: "function main() { return {}; }" } },
        false,
      );
      expect(put.ok).toBe(true);
    }
    const ctl = await controller();
    await computer({ apiRoot: ow.url, controllerEndpoint: ctl.endpoint, pageSize: 70 });
    const lambdas = await eventually(() => ctl.lastLambdas(), "the announcement");
    expect(lambdas).toHaveLength(300);
    expect(lambdas).toEqual(
      Array.from({ length: 300 }, (_, i) => `/guest/action-${String(i).padStart(3, "0")}`),
    );
  });

  it("removes itself from the controller on shutdown", async () => {
    const ow = await mock({ preload: ["copy"] });
    const ctl = await controller();
    const wsk = await computer({ apiRoot: ow.url, controllerEndpoint: ctl.endpoint });
    await eventually(() => ctl.lastLambdas(), "the announcement");
    await wsk.close();
    expect(ctl.calls.at(-1)).toEqual({
      method: "removeComputer",
      info: { edgeServerEndpoint: wsk.serverEndpoint, containers: [] },
    });
  });
});
