import { GUEST_KEY, KeyRing } from "@soe/openwhisk";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { ProxyEnv } from "../../proxy-env.js";
import { requestId } from "../request-id/index.js";
import { authenticate, WWW_AUTHENTICATE } from "./index.js";

const app = new Hono<ProxyEnv>();
app.use("*", requestId());
app.use("*", authenticate(new KeyRing(new Map([["guest", [GUEST_KEY]]]))));
app.get("*", (c) => c.json(c.get("identity")));

const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(key).toString("base64")}` });

describe("auth middleware", () => {
  it("lets the guest key through, with its identity", async () => {
    const res = await app.request("/api/v1/namespaces", { headers: basic(GUEST_KEY) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ namespace: "guest", subject: "guest" });
  });

  it("answers 401 as OpenWhisk does when no credentials are supplied", async () => {
    const res = await app.request("/api/v1/namespaces", { headers: { "x-request-id": "t1" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(WWW_AUTHENTICATE);
    expect(await res.json()).toEqual({
      error: "The resource requires authentication, which was not supplied with the request",
      code: "t1",
    });
  });

  it("answers 401 for credentials it does not know, without echoing them", async () => {
    const wrong = `${GUEST_KEY.slice(0, -1)}X`;
    const res = await app.request("/api/v1/namespaces", { headers: basic(wrong) });
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text).error).toBe("The supplied authentication is invalid");
    expect(text).not.toContain(wrong.slice(37));
  });
});
