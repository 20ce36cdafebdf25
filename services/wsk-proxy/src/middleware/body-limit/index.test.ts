import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { ProxyEnv } from "../../proxy-env.js";
import { requestId } from "../request-id/index.js";
import { bodyLimit } from "./index.js";

const app = new Hono<ProxyEnv>();
app.use("*", requestId());
app.post("*", bodyLimit(10), (c) => c.json({ size: c.get("body").byteLength }));

function stream(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === chunks) return controller.close();
      sent++;
      controller.enqueue(new Uint8Array(size));
    },
  });
}

describe("body-limit middleware", () => {
  it("hands the body to the route when within the limit, and an empty one when none", async () => {
    expect(await (await app.request("/", { method: "POST", body: "0123456789" })).json()).toEqual({
      size: 10,
    });
    expect(await (await app.request("/", { method: "POST" })).json()).toEqual({ size: 0 });
  });

  it("answers 413 with OpenWhisk's text from a declared Content-Length", async () => {
    const res = await app.request("/", {
      method: "POST",
      body: "x",
      headers: { "content-length": "1048577", "x-request-id": "t" },
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: "Request larger than allowed: 1048577 > 10 bytes.",
      code: "t",
    });
  });

  it("stops reading a chunked body as soon as it passes the limit", async () => {
    const body = stream(1000, 4);
    const res = await app.request("/", { method: "POST", body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe(
      "Request larger than allowed: 12 > 10 bytes.",
    );
  });
});
