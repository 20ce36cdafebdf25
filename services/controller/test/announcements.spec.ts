import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import type { ControllerServerOptions } from "../src/controller-server.js";
import {
  cleanupList,
  containers,
  controllerClients,
  eventually,
  startController,
  startTestRouter,
} from "./fixtures.js";

const cleanup = cleanupList();
afterEach(() => cleanup.run());

async function setup(options: ControllerServerOptions = {}) {
  const controller = cleanup.add(await startController(options), (c) => c.close());
  const clients = cleanup.add(controllerClients(controller.endpoint, options.token), (c) =>
    c.close(),
  );
  return { controller, ...clients };
}

describe("announcement validation", () => {
  it.each([
    [
      "an empty computer end-point",
      { edgeServerEndpoint: "", containers: containers("l0") },
      "edgeServerEndpoint is empty",
    ],
    [
      "a computer end-point without a port",
      { edgeServerEndpoint: "c1", containers: [] },
      "not a host:port",
    ],
    [
      "a container without a lambda",
      {
        edgeServerEndpoint: "c1:6473",
        containers: [{ name: "x", processor: "p", lambda: "", numWorkers: 1 }],
      },
      "container #0 (x) has no lambda",
    ],
  ])("refuses %s with InvalidArgument", async (_, info, message) => {
    const { control, query } = await setup();
    const error = await control.announceComputer(info).catch((e: unknown) => ConnectError.from(e));
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ code: Code.InvalidArgument });
    expect((error as ConnectError).rawMessage).toContain(message);
    expect((await query.listComputers({})).computers).toEqual([]);
  });

  it("refuses a router without a forwarding-table end-point", async () => {
    const { control } = await setup();
    await expect(control.announceRouter({ edgeServerEndpoint: "r1:6473" })).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
  });
});

describe("control-plane token", () => {
  it("guards announcements, leaves the read API open, and is sent to the routers", async () => {
    const token = "s3cret";
    const { controller, control } = await setup({ token });
    const open = cleanup.add(controllerClients(controller.endpoint), (c) => c.close());
    await expect(
      open.control.announceComputer({
        edgeServerEndpoint: "c1:6473",
        containers: containers("l0"),
      }),
    ).rejects.toMatchObject({ code: Code.Unauthenticated });
    await expect(
      open.control.removeComputer({ edgeServerEndpoint: "c1:6473" }),
    ).rejects.toMatchObject({
      code: Code.Unauthenticated,
    });

    const r1 = cleanup.add(await startTestRouter({ token }), (r) => r.close());
    await control.announceRouter({
      edgeServerEndpoint: "r1:6473",
      forwardingTableEndpoint: r1.tableEndpoint,
    });
    await control.announceComputer({ edgeServerEndpoint: "c1:6473", containers: containers("l0") });
    await eventually(() => expect(r1.routes()).toEqual(["l0 c1:6473 1 F"]));
    expect((await open.query.listLambdas({})).lambdas.map((l) => l.name)).toEqual(["l0"]);
  });
});
