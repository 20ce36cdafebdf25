import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { EdgeRouter, EdgeServer, soev1 } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import { afterEach, describe, expect, test } from "vitest";
import { createRouterServer } from "../src/router-server.js";
import { install, quietLogger, startComputer } from "./fixtures.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const TOKEN = "table-sync-secret";

async function router() {
  const server = await createRouterServer({
    serverEndpoint: "127.0.0.1:0",
    configurationEndpoint: "127.0.0.1:0",
    optimizerConf: "type=none",
    token: TOKEN,
    logger: quietLogger,
  });
  cleanups.push(() => server.close());
  return server;
}

/** `token` null: no token at all. */
function clients(endpoint: string, token: string | null = TOKEN) {
  const transport = createTransport(endpoint, token === null ? {} : { token });
  cleanups.push(() => transport.close());
  return {
    sync: createClient(soev1.TableSyncService, transport),
    table: createClient(EdgeRouter, transport),
    lambda: createClient(EdgeServer, transport),
  };
}

const change = (
  destination: string,
  lambdas: string[],
  extra: { weight?: number; remove?: boolean } = {},
) => ({
  destination,
  lambdas,
  weight: 1,
  final: true,
  ...extra,
});

async function rejection(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("the call succeeded");
}

describe("soe.v1.TableSyncService on the router's table port", () => {
  test("a snapshot then a batch make the routes lambdas are forwarded on", async () => {
    const r = await router();
    const c1 = await startComputer("c1");
    const c2 = await startComputer("c2");
    cleanups.push(
      () => c1.close(),
      () => c2.close(),
    );
    const { sync, table } = clients(r.configurationEndpoint);
    const first = await sync.applyBatch({
      epoch: "e1",
      fromVersion: 0n,
      toVersion: 1n,
      snapshot: true,
      changes: [change(c1.endpoint, ["l0", "l1"])],
    });
    expect(first.held).toMatchObject({ epoch: "e1", version: 1n });
    await sync.applyBatch({
      epoch: "e1",
      fromVersion: 1n,
      toVersion: 2n,
      changes: [change(c1.endpoint, ["l1"], { remove: true }), change(c2.endpoint, ["l1"])],
    });
    const rows = (await table.getTable({ value: 0 })).entries.map(
      (e) => `${e.lambda} ${e.destination}`,
    );
    expect(rows.sort()).toEqual([`l0 ${c1.endpoint}`, `l1 ${c2.endpoint}`].sort());
    expect(await sync.getVersion({})).toMatchObject({
      held: { epoch: "e1", version: 2n },
      routes: 2,
    });

    const { lambda } = clients(r.serverEndpoint);
    const reply = await lambda.runLambda({ name: "l1", input: "x" });
    expect(reply).toMatchObject({ retcode: "OK", output: "c2" });
  });

  test("a batch that does not start at the held version fails, carrying that version", async () => {
    const r = await router();
    const { sync, table } = clients(r.configurationEndpoint);
    await sync.applyBatch({
      epoch: "e1",
      fromVersion: 0n,
      toVersion: 3n,
      snapshot: true,
      changes: [change("c1:6473", ["l0"])],
    });
    const error = await rejection(
      sync.applyBatch({
        epoch: "e1",
        fromVersion: 1n,
        toVersion: 2n,
        changes: [change("c2:6473", ["l0"])],
      }),
    );
    expect(error.code).toBe(Code.FailedPrecondition);
    expect(error.findDetails(soev1.TableVersionSchema)).toMatchObject([
      { epoch: "e1", version: 3n },
    ]);
    expect((await table.getTable({ value: 0 })).entries).toHaveLength(1);
  });

  test("a batch with an invalid change is refused whole", async () => {
    const r = await router();
    const { sync, table } = clients(r.configurationEndpoint);
    const error = await rejection(
      sync.applyBatch({
        epoch: "e1",
        fromVersion: 0n,
        toVersion: 1n,
        snapshot: true,
        changes: [change("c1:6473", ["l0"]), change("c2:6473", ["l0"], { weight: Number.NaN })],
      }),
    );
    expect(error.code).toBe(Code.InvalidArgument);
    expect((await table.getTable({ value: 0 })).entries).toEqual([]);
    expect((await sync.getVersion({})).held).toMatchObject({ epoch: "", version: 0n });
  });

  test("ApplyBatch needs the control-plane token; reads do not", async () => {
    const r = await router();
    const { sync } = clients(r.configurationEndpoint, null);
    const error = await rejection(
      sync.applyBatch({ epoch: "e1", fromVersion: 0n, toVersion: 1n, snapshot: true }),
    );
    expect(error.code).toBe(Code.Unauthenticated);
    expect(error.message).not.toContain(TOKEN);
    expect((await sync.getVersion({})).routes).toBe(0);
  });

  test("a restarted router holds no version, so the controller must send a snapshot", async () => {
    const first = await router();
    await clients(first.configurationEndpoint).sync.applyBatch({
      epoch: "e1",
      fromVersion: 0n,
      toVersion: 1n,
      snapshot: true,
      changes: [change("c1:6473", ["l0"])],
    });
    const second = await router();
    const { sync } = clients(second.configurationEndpoint);
    const error = await rejection(
      sync.applyBatch({ epoch: "e1", fromVersion: 1n, toVersion: 2n, changes: [] }),
    );
    expect(error.findDetails(soev1.TableVersionSchema)).toMatchObject([{ epoch: "", version: 0n }]);
  });

  test("Configure and batches write the same tables", async () => {
    const r = await router();
    expect(await install(r.configurationEndpoint, "l9", ["c9:6473"], TOKEN)).toEqual(["OK"]);
    const { sync, table } = clients(r.configurationEndpoint);
    await sync.applyBatch({
      epoch: "e1",
      fromVersion: 0n,
      toVersion: 1n,
      snapshot: true,
      changes: [change("c1:6473", ["l0"])],
    });
    // The snapshot states the whole table: what Configure put there and it does not hold goes.
    const rows = (await table.getTable({ value: 0 })).entries.map((e) => e.lambda);
    expect(rows).toEqual(["l0"]);
  });
});
