import { GUEST_KEY } from "@soe/openwhisk";
import { afterAll, describe, expect, it } from "vitest";
import { ACTIONS, call, mockFactory } from "../test/rest-call.js";

// Authentication, transaction ids, CORS and unknown routes as openwhisk-api.md §1 and §6 give them.
const mocks = mockFactory();
afterAll(() => mocks.closeAll());
const mock = mocks.mock();

describe("authentication", () => {
  it("answers 401 without credentials, with the realm and a code equal to X-Request-ID", async () => {
    const r = await call(mock, "GET", ACTIONS, { auth: null });
    expect(r.status).toBe(401);
    expect(r.json.error).toBe(
      "The resource requires authentication, which was not supplied with the request",
    );
    expect(r.json.code).toBe(r.headers.get("x-request-id"));
    expect(r.headers.get("www-authenticate")).toBe(
      'Basic realm="OpenWhisk secure realm",charset=UTF-8',
    );
  });

  it.each([
    ["a wrong secret", `Basic ${Buffer.from(`${GUEST_KEY.slice(0, -1)}X`).toString("base64")}`],
    [
      "an unknown uuid",
      `Basic ${Buffer.from(`00000000-0000-0000-0000-000000000000${GUEST_KEY.slice(36)}`).toString("base64")}`,
    ],
    ["no colon", `Basic ${Buffer.from("nocolon").toString("base64")}`],
  ])("answers 401 invalid for %s", async (_, auth) => {
    const r = await call(mock, "GET", ACTIONS, { auth });
    expect(r.status).toBe(401);
    expect(r.json.error).toBe("The supplied authentication is invalid");
  });

  it("reuses the caller's X-Request-ID as transaction id", async () => {
    const r = await call(mock, "GET", `${ACTIONS}/missing`, {
      headers: { "x-request-id": "trace-123" },
    });
    expect(r.status).toBe(404);
    expect(r.headers.get("x-request-id")).toBe("trace-123");
    expect(r.json).toEqual({ error: "The requested resource does not exist.", code: "trace-123" });
  });

  it("answers 403 naming the package of another namespace it may not read", async () => {
    // ActionCollection checks READ on the package first, and that check's 403 names the package.
    const r = await call(mock, "POST", "/api/v1/namespaces/other/actions/pkg/act?blocking=true");
    expect(r.status).toBe(403);
    expect(r.json.error).toBe(
      "The supplied authentication is not authorized to access 'other/pkg'.",
    );
    const top = await call(mock, "POST", "/api/v1/namespaces/other/actions/act?blocking=true");
    expect(top.status).toBe(403);
    expect(top.json.error).toBe(
      "The supplied authentication is not authorized to access 'other/act'.",
    );
  });

  it("serves the unauthenticated endpoints and CORS preflight", async () => {
    expect((await call(mock, "GET", "/ping", { auth: null })).text).toBe("pong");
    expect((await call(mock, "GET", "/healthz", { auth: null })).text).toBe("ok");
    expect((await call(mock, "GET", "/api/v1", { auth: null })).json).toMatchObject({
      api_version_path: "v1",
    });
    const preflight = await call(mock, "OPTIONS", ACTIONS, { auth: null });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toBe(
      "GET, DELETE, POST, PUT, HEAD",
    );
    expect((await call(mock, "GET", "/api/v1/namespaces")).json).toEqual(["guest"]);
  });

  it("answers unknown routes 404 and wrong methods 405", async () => {
    const unknown = await call(mock, "GET", "/api/v1/namespaces/_/widgets");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe("The requested resource could not be found.");
    // The controller serves the namespace list only; one namespace has no route of its own.
    const namespace = await call(mock, "GET", "/api/v1/namespaces/guest");
    expect(namespace.status).toBe(404);
    expect(namespace.json.error).toBe("The requested resource could not be found.");
    const patch = await call(mock, "PATCH", `${ACTIONS}/copy`);
    expect(patch.status).toBe(405);
    expect(patch.json.error).toBe(
      "HTTP method not allowed, supported methods: GET, PUT, DELETE, POST",
    );
  });
});
