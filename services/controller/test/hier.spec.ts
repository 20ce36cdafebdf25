import { Code } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { Topology } from "../src/topology.js";
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

// A line: host0 — host1 — host2.
const topology = Topology.parse(`
# name distances
host0 0 1 2
host1 1 0 1
host2 2 1 0
`);

describe("hier installer", () => {
  it("installs computers at their home router and the home router everywhere else", async () => {
    const controller = cleanup.add(
      await startController({ installerType: "hier", topology, hierObjective: "min-max" }),
      (c) => c.close(),
    );
    const { control } = cleanup.add(controllerClients(controller.endpoint), (c) => c.close());
    const r0 = cleanup.add(await startTestRouter(), (r) => r.close());
    const r1 = cleanup.add(await startTestRouter(), (r) => r.close());
    await control.announceRouter({
      edgeServerEndpoint: "host0:6473",
      forwardingTableEndpoint: r0.tableEndpoint,
    });
    await control.announceRouter({
      edgeServerEndpoint: "host1:6473",
      forwardingTableEndpoint: r1.tableEndpoint,
    });
    await control.announceComputer({
      edgeServerEndpoint: "host0:7000",
      containers: containers("l0"),
    });
    await control.announceComputer({
      edgeServerEndpoint: "host2:7000",
      containers: containers("l1"),
    });

    await eventually(() => expect(r0.routes()).toEqual(["l0 host0:7000 1 F", "l1 host1:6473 1 -"]));
    await eventually(() => expect(r1.routes()).toEqual(["l0 host0:6473 1 -", "l1 host2:7000 1 F"]));

    // The removal at the home router goes to its table end-point (the reference's bug, §2.7).
    await control.removeComputer({ edgeServerEndpoint: "host0:7000" });
    await eventually(() => expect(r0.routes()).toEqual(["l1 host1:6473 1 -"]));
    await eventually(() => expect(r1.routes()).toEqual(["l1 host2:7000 1 F"]));

    await expect(
      control.announceComputer({
        edgeServerEndpoint: "elsewhere:7000",
        containers: containers("l2"),
      }),
    ).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: "Invalid node: elsewhere" });
  });
});
