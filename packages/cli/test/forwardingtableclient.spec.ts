import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type EdgeRouterConf,
  EdgeRouter,
  EdgeRouterConf_Action,
  ForwardingTable_EntrySchema,
} from "@soe/proto";
import { describe, expect, it } from "vitest";
import {
  type ForwardingTableClientOptions,
  runForwardingTableClient,
} from "../src/forwarding-table-client.js";
import { collectors, deadEndpoint, serveFake } from "./fixtures.js";

const entry = (lambda: string, destination: string, weight: number, final: boolean) =>
  create(ForwardingTable_EntrySchema, { lambda, destination, weight, final });

// docs/example.md after five calls (reference §8.2): learned weights in table #0.
const TABLES = [
  [
    entry("clambda0", "127.0.0.1:10000", 0.106305, true),
    entry("clambda0", "127.0.0.1:10001", 0.108944, true),
    entry("glambda0", "127.0.0.1:10000", 1, true),
    entry("glambda0", "127.0.0.1:10001", 1, true),
  ],
  [entry("clambda0", "127.0.0.1:10000", 1, true), entry("glambda0", "127.0.0.1:10001", 1, false)],
];

/** A router's table server holding TABLES; records Configure calls and answers `reply`. */
async function fakeRouter(reply = "OK", token?: string) {
  const confs: EdgeRouterConf[] = [];
  const authorizations: (string | null)[] = [];
  const server = await serveFake((router) =>
    router.service(EdgeRouter, {
      // async: @soe/runtime's lean gRPC path lets a synchronous handler's throw escape (reported).
      async configure(conf, ctx) {
        authorizations.push(ctx.requestHeader.get("authorization"));
        if (token !== undefined && ctx.requestHeader.get("authorization") !== `Bearer ${token}`) {
          throw new ConnectError("missing or wrong token", Code.Unauthenticated);
        }
        confs.push(conf);
        return { msg: reply };
      },
      getTable: ({ value }) => ({ entries: TABLES[value] ?? [] }),
      getNumTables: () => ({ value: TABLES.length }),
    }),
  );
  return { endpoint: server.endpoint, confs, authorizations };
}

function options(
  serverEndpoint: string,
  more: Partial<ForwardingTableClientOptions> = {},
): ForwardingTableClientOptions {
  return {
    serverEndpoint,
    action: "dump",
    lambda: "clambda0",
    destination: "localhost:6473",
    weight: 1,
    final: false,
    transport: { defaultTimeoutMs: 5000 },
    ...more,
  };
}

describe("forwardingtableclient", () => {
  it("dumps every table in the reference's format, to the character", async () => {
    const router = await fakeRouter();
    const io = collectors();
    expect(await runForwardingTableClient(options(router.endpoint), io)).toBe(0);
    expect(io.out.text).toBe(
      "Table#0\n" +
        "clambda0 [0.106305] 127.0.0.1:10000 (F)\n" +
        "         [0.108944] 127.0.0.1:10001 (F)\n" +
        "glambda0 [1       ] 127.0.0.1:10000 (F)\n" +
        "         [1       ] 127.0.0.1:10001 (F)\n" +
        "Table#1\n" +
        "clambda0 [1] 127.0.0.1:10000 (F)\n" +
        "glambda0 [1] 127.0.0.1:10001\n",
    );
    expect(io.err.text).toBe("");
  });

  it("sends CHANGE with every field, and prints OK", async () => {
    const router = await fakeRouter();
    const io = collectors();
    const code = await runForwardingTableClient(
      options(router.endpoint, {
        action: "change",
        lambda: "f",
        destination: "10.0.0.1:6473",
        weight: 0.5,
        final: true,
      }),
      io,
    );
    expect(code).toBe(0);
    expect(io.out.text).toBe("OK\n");
    expect(router.confs).toMatchObject([
      {
        action: EdgeRouterConf_Action.CHANGE,
        lambda: "f",
        destination: "10.0.0.1:6473",
        weight: 0.5,
        final: true,
      },
    ]);
  });

  it("sends REMOVE of the (lambda, destination) pair and FLUSH with no field", async () => {
    const router = await fakeRouter();
    const remove = options(router.endpoint, { action: "remove", lambda: "g", destination: "d:1" });
    expect(await runForwardingTableClient(remove, collectors())).toBe(0);
    expect(await runForwardingTableClient({ ...remove, action: "flush" }, collectors())).toBe(0);
    expect(router.confs).toMatchObject([
      { action: EdgeRouterConf_Action.REMOVE, lambda: "g", destination: "d:1" },
      { action: EdgeRouterConf_Action.FLUSH, lambda: "", destination: "", weight: 0, final: false },
    ]);
  });

  it("resets every pair once to weight 1, keeping the final flag of its first table", async () => {
    const router = await fakeRouter();
    const io = collectors();
    expect(await runForwardingTableClient(options(router.endpoint, { action: "reset" }), io)).toBe(
      0,
    );
    expect(io.out.text).toBe("OK\n");
    expect(router.confs.map((c) => [c.action, c.lambda, c.destination, c.weight, c.final])).toEqual(
      [
        [EdgeRouterConf_Action.CHANGE, "clambda0", "127.0.0.1:10000", 1, true],
        [EdgeRouterConf_Action.CHANGE, "clambda0", "127.0.0.1:10001", 1, true],
        [EdgeRouterConf_Action.CHANGE, "glambda0", "127.0.0.1:10000", 1, true],
        [EdgeRouterConf_Action.CHANGE, "glambda0", "127.0.0.1:10001", 1, true],
      ],
    );
  });

  // reference §12.2: the reference printed OK even when the server replied "Error: …"
  it("exits 1 with the server's message when the server refuses", async () => {
    const router = await fakeRouter("Error: Invalid weight '-1', must be > 0");
    const io = collectors();
    const code = await runForwardingTableClient(
      options(router.endpoint, { action: "change", weight: -1 }),
      io,
    );
    expect(code).toBe(1);
    expect(io.out.text).toBe("");
    expect(io.err.text).toBe("forwardingtableclient: Error: Invalid weight '-1', must be > 0\n");
  });

  // edgerouter.proto: "An empty msg means success" (a server that leaves Return unset).
  it("takes an empty reply for success", async () => {
    const router = await fakeRouter("");
    const io = collectors();
    expect(await runForwardingTableClient(options(router.endpoint, { action: "flush" }), io)).toBe(
      0,
    );
    expect(io.out.text).toBe("OK\n");
  });

  it("sends the control-plane token, and reports a refused one on one line", async () => {
    const router = await fakeRouter("OK", "s3cret");
    const flush = options(router.endpoint, { action: "flush" });
    const good = collectors();
    expect(await runForwardingTableClient({ ...flush, transport: { token: "s3cret" } }, good)).toBe(
      0,
    );
    const bad = collectors();
    expect(await runForwardingTableClient({ ...flush, transport: { token: "wrong" } }, bad)).toBe(
      1,
    );
    expect(router.authorizations).toEqual(["Bearer s3cret", "Bearer wrong"]);
    expect(bad.err.lines()).toEqual([
      `forwardingtableclient: Configure on ${router.endpoint} failed: [unauthenticated] missing or wrong token`,
    ]);
  });

  it("exits 1 with one line when the server cannot be reached", async () => {
    const endpoint = await deadEndpoint();
    const io = collectors();
    expect(await runForwardingTableClient(options(endpoint), io)).toBe(1);
    expect(io.out.text).toBe("");
    expect(io.err.lines()).toHaveLength(1);
    expect(io.err.text).toMatch(
      new RegExp(`^forwardingtableclient: GetNumTables on ${endpoint} failed: \\[unavailable\\] `),
    );
  });

  it("rejects an unknown action before calling anyone", async () => {
    await expect(
      runForwardingTableClient(options("127.0.0.1:1", { action: "list" }), collectors()),
    ).rejects.toThrow("invalid action 'list': choose one of dump, reset, flush, change, remove");
  });
});
