import { PUBLIC_ACTION_PROCESSOR } from "@soe/openwhisk";
import { describe, expect, it } from "vitest";
import type { ControllerClient } from "./announcer.js";
import { markingPublicContainers } from "./public-containers.js";

describe("markingPublicContainers", () => {
  it("announces the public lambdas with the public processor, the others unchanged", async () => {
    const seen: unknown[] = [];
    const inner = {
      announceComputer: async (info: unknown) => {
        seen.push(info);
        return {};
      },
      removeComputer: async (info: unknown) => {
        seen.push(["remove", info]);
        return {};
      },
    } as unknown as ControllerClient;
    let published = ["/whisk.system/utils/sort"];
    const client = markingPublicContainers(inner, () => published);
    const container = (lambda: string) => ({
      name: lambda,
      lambda,
      processor: "openwhisk",
      numWorkers: 1,
    });
    await client.announceComputer({
      edgeServerEndpoint: "127.0.0.1:1",
      containers: [container("/guest/copy"), container("/whisk.system/utils/sort")],
    });
    published = [];
    await client.announceComputer({
      edgeServerEndpoint: "127.0.0.1:1",
      containers: [container("/whisk.system/utils/sort")],
    });
    await client.removeComputer({ edgeServerEndpoint: "127.0.0.1:1" });
    expect(seen).toEqual([
      {
        edgeServerEndpoint: "127.0.0.1:1",
        containers: [
          container("/guest/copy"),
          { ...container("/whisk.system/utils/sort"), processor: PUBLIC_ACTION_PROCESSOR },
        ],
      },
      { edgeServerEndpoint: "127.0.0.1:1", containers: [container("/whisk.system/utils/sort")] },
      ["remove", { edgeServerEndpoint: "127.0.0.1:1" }],
    ]);
  });
});
