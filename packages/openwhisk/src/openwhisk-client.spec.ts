import { describe, expect, it } from "vitest";
import { client, ENCODED, ID, json, stubServer } from "../test/stub-server.js";

describe("OpenWhiskClient requests", () => {
  it("invokes with Basic auth, both flags and per-segment encoding", async () => {
    const stub = await stubServer((_, res) =>
      json(res, 200, { payload: "hi" }, { "x-openwhisk-activation-id": ID }),
    );
    const outcome = await client(`${stub.url}/api/v1`).invoke(
      "/other ns/pkg/act x",
      { input: "hi" },
      { blocking: true, result: true, waitMs: 5000 },
    );
    expect(outcome).toEqual({
      kind: "result",
      status: 200,
      activationId: ID,
      body: { payload: "hi" },
    });
    const [request] = stub.seen;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe(
      "/api/v1/namespaces/other%20ns/actions/pkg/act%20x?blocking=true&result=true&timeout=5000",
    );
    expect(request?.headers.authorization).toBe(`Basic ${ENCODED}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({ input: "hi" });
  });

  it("sends result=false unless blocking, and _ for bare names", async () => {
    const stub = await stubServer((_, res) =>
      json(res, 202, { activationId: ID }, { "x-openwhisk-activation-id": ID }),
    );
    const outcome = await client(stub.url).invoke("copy", {}, { result: true });
    expect(outcome.kind).toBe("accepted");
    expect(stub.seen[0]?.url).toBe("/api/v1/namespaces/_/actions/copy?blocking=false&result=false");
  });

  it("takes an already encoded token as is", async () => {
    const stub = await stubServer((_, res) => json(res, 202, { activationId: ID }));
    await client(stub.url, { auth: ENCODED }).invoke("copy");
    expect(stub.seen[0]?.headers.authorization).toBe(`Basic ${ENCODED}`);
  });

  it("fetches an activation record", async () => {
    const record = {
      activationId: ID,
      namespace: "guest",
      name: "copy",
      response: { status: "success", success: true, result: {} },
    };
    const stub = await stubServer((_, res) => json(res, 200, record));
    expect(await client(stub.url).getActivation("guest", ID)).toEqual(record);
    expect(stub.seen[0]?.url).toBe(`/api/v1/namespaces/guest/activations/${ID}`);
  });

  it("lists every page with limit and skip", async () => {
    const all = Array.from({ length: 450 }, (_, i) => ({
      namespace: "guest",
      name: `a${i}`,
      version: "0.0.1",
    }));
    const stub = await stubServer((seen, res) => {
      const query = new URL(seen.url, "http://x").searchParams;
      const skip = Number(query.get("skip"));
      json(res, 200, all.slice(skip, skip + Number(query.get("limit"))));
    });
    const listed = await client(stub.url).listActions("guest");
    expect(listed.map((a) => a.name)).toEqual(all.map((a) => a.name));
    expect(stub.seen.map((s) => s.url)).toEqual([
      "/api/v1/namespaces/guest/actions?limit=200&skip=0",
      "/api/v1/namespaces/guest/actions?limit=200&skip=200",
      "/api/v1/namespaces/guest/actions?limit=200&skip=400",
    ]);
  });
});
