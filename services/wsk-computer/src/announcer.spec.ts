import type { ComputerInfo } from "@soe/proto";
import { afterEach, describe, expect, it } from "vitest";
import { captureLogs, eventually } from "../test/log-capture.js";
import { ActionAnnouncer, type ControllerClient, containersFor } from "./announcer.js";

type Call = { kind: "announce" | "remove"; endpoint: string; lambdas: string[] };

/** A controller client that records calls and fails the first `failures` of them. */
function fakeController(failures = 0) {
  const calls: Call[] = [];
  let toFail = failures;
  const record = (kind: Call["kind"], info: Partial<ComputerInfo>) => {
    if (toFail > 0) {
      toFail -= 1;
      return Promise.reject(new Error("controller down"));
    }
    calls.push({
      kind,
      endpoint: info.edgeServerEndpoint ?? "",
      lambdas: (info.containers ?? []).map((c) => c.lambda ?? ""),
    });
    return Promise.resolve({ $typeName: "uiiit.rpc.Void" as const });
  };
  const client = {
    announceComputer: (info: Partial<ComputerInfo>) => record("announce", info),
    removeComputer: (info: Partial<ComputerInfo>) => record("remove", info),
  } as unknown as ControllerClient;
  return { client, calls };
}

const open: ActionAnnouncer[] = [];
afterEach(async () => {
  for (const announcer of open.splice(0)) await announcer.close();
});

function announcer(controller: ControllerClient, periodMs = 60_000) {
  const made = new ActionAnnouncer({
    controller,
    controllerEndpoint: "127.0.0.1:6475",
    endpoint: "10.0.0.1:6473",
    periodMs,
    backoff: { initialMs: 5, maxMs: 10 },
    callTimeoutMs: 1000,
    processor: "openwhisk",
    numWorkers: 1,
    logger: captureLogs().logger,
  });
  open.push(made);
  return made;
}

describe("containersFor", () => {
  it("makes one container per action, named after it", () => {
    expect(
      containersFor(["/guest/a", "/guest/pkg/b"], { processor: "openwhisk", numWorkers: 2 }),
    ).toEqual([
      { name: "/guest/a", processor: "openwhisk", lambda: "/guest/a", numWorkers: 2 },
      { name: "/guest/pkg/b", processor: "openwhisk", lambda: "/guest/pkg/b", numWorkers: 2 },
    ]);
  });
});

describe("ActionAnnouncer", () => {
  it("announces nothing before the first offer", async () => {
    const { client, calls } = fakeController();
    const idle = announcer(client);
    await idle.close();
    expect(calls).toEqual([]);
  });

  it("announces the first offer at once and a changed set without waiting for the period", async () => {
    const { client, calls } = fakeController();
    const a = announcer(client);
    a.offer(["/guest/a"]);
    await eventually(() => a.upToDate, "first announcement");
    a.offer(["/guest/a", "/guest/b"]);
    await eventually(() => a.upToDate, "second announcement");
    expect(calls).toEqual([
      { kind: "announce", endpoint: "10.0.0.1:6473", lambdas: ["/guest/a"] },
      { kind: "announce", endpoint: "10.0.0.1:6473", lambdas: ["/guest/a", "/guest/b"] },
    ]);
  });

  it("does not re-announce an identical offer before the period", async () => {
    const { client, calls } = fakeController();
    const a = announcer(client);
    a.offer(["/guest/a"]);
    await eventually(() => a.upToDate, "announcement");
    a.offer(["/guest/a"]);
    await a.close();
    expect(calls.map((c) => c.kind)).toEqual(["announce", "remove"]);
  });

  it("retries a failed announcement until the controller answers", async () => {
    const { client, calls } = fakeController(3);
    const a = announcer(client);
    a.offer(["/guest/a"]);
    await eventually(() => a.upToDate, "announcement after failures");
    expect(calls).toEqual([{ kind: "announce", endpoint: "10.0.0.1:6473", lambdas: ["/guest/a"] }]);
  });

  it("refreshes the lease every period with the same containers", async () => {
    const { client, calls } = fakeController();
    const a = announcer(client, 10);
    a.offer(["/guest/a"]);
    await eventually(() => calls.length >= 3, "three announcements");
    expect(new Set(calls.map((c) => JSON.stringify(c))).size).toBe(1);
  });

  it("removes the computer on close, and announces nothing after", async () => {
    const { client, calls } = fakeController();
    const a = announcer(client);
    a.offer([]);
    await eventually(() => a.upToDate, "empty announcement");
    await a.close();
    a.offer(["/guest/late"]);
    expect(calls).toEqual([
      { kind: "announce", endpoint: "10.0.0.1:6473", lambdas: [] },
      { kind: "remove", endpoint: "10.0.0.1:6473", lambdas: [] },
    ]);
  });

  it("tells when the controller has acknowledged the set offered last", async () => {
    const { client, calls } = fakeController(2);
    const a = announcer(client);
    a.offer(["/guest/a"]);
    expect(await a.announced(60_000)).toBe(true);
    expect(calls.at(-1)?.lambdas).toEqual(["/guest/a"]);
    a.offer(["/guest/a", "/guest/b"]);
    expect(await a.announced(60_000)).toBe(true);
    expect(calls.at(-1)?.lambdas).toEqual(["/guest/a", "/guest/b"]);
    // Nothing new offered: already acknowledged.
    a.offer(["/guest/a", "/guest/b"]);
    expect(await a.announced(0)).toBe(true);
  });

  it("gives up waiting for an acknowledgement after the time given, or on close", async () => {
    const { client } = fakeController(Number.POSITIVE_INFINITY);
    const a = announcer(client);
    a.offer(["/guest/a"]);
    expect(await a.announced(20)).toBe(false);
    const waiting = a.announced(60_000);
    await a.close();
    expect(await waiting).toBe(false);
  });
});
