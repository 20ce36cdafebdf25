import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { ProxyEnv } from "../../proxy-env.js";
import { requestId } from "../request-id/index.js";
import { jsonErrors, notFound, onError, ProxyHttpError } from "./index.js";

const logged: unknown[] = [];
const debugged: unknown[] = [];
const logger = {
  error: (fields: unknown) => logged.push(fields),
  debug: (fields: unknown) => debugged.push(fields),
} as never;
const app = new Hono<ProxyEnv>();
app.onError(onError(logger));
app.notFound(notFound);
app.use("*", requestId());
app.use("*", jsonErrors());
app.get("/refused", () => {
  throw new ProxyHttpError(409, "no way");
});
app.get("/bug", () => {
  throw new TypeError("a bug of ours");
});
app.get("/hung-up", () => {
  throw Object.assign(new Error("aborted"), { code: "ECONNRESET" });
});
app.get("/text", (c) => c.text("plain failure", 503));
app.get("/bare", (c) => c.body(null, 404));
app.get("/activation", (c) => c.json({ activationId: "x", response: {} }, 502));

async function get(path: string) {
  const res = await app.request(path, { headers: { "x-request-id": "t" } });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.json() };
}

describe("error mapping", () => {
  it("answers a ProxyHttpError with its status and text", async () => {
    expect(await get("/refused")).toMatchObject({
      status: 409,
      body: { error: "no way", code: "t" },
    });
  });

  it("turns anything else thrown into OpenWhisk's 500, logged once", async () => {
    logged.length = 0;
    expect(await get("/bug")).toMatchObject({
      status: 500,
      body: { error: "There was an internal server error.", code: "t" },
    });
    expect(logged).toHaveLength(1);
  });

  it("notes a client that hung up at debug, not as an error", async () => {
    logged.length = 0;
    debugged.length = 0;
    expect((await get("/hung-up")).status).toBe(400);
    expect(logged).toHaveLength(0);
    expect(debugged).toHaveLength(1);
  });

  it("rewrites non-JSON refusals to {error, code}, keeping their status", async () => {
    expect(await get("/text")).toMatchObject({
      status: 503,
      type: "application/json",
      body: { code: "t", error: expect.stringContaining("unavailable") },
    });
    expect(await get("/bare")).toMatchObject({
      status: 404,
      body: { error: "The requested resource could not be found.", code: "t" },
    });
  });

  it("leaves JSON bodies of failed activations alone", async () => {
    expect(await get("/activation")).toMatchObject({ status: 502, body: { activationId: "x" } });
  });

  it("answers unknown paths with OpenWhisk's no-route text", async () => {
    expect(await get("/nowhere")).toMatchObject({
      status: 404,
      body: { error: "The requested resource could not be found.", code: "t" },
    });
  });
});
