import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { describe, expect, it, vi } from "vitest";
import { bearerHeader, checkBearer, controlAuthInterceptor } from "./control-auth.js";

type AnyFn = Parameters<Interceptor>[0];
type Req = Parameters<AnyFn>[0];

function request(method: string, authorization?: string): Req {
  const header = new Headers(authorization === undefined ? {} : { authorization });
  return {
    service: { typeName: "uiiit.rpc.EdgeController" },
    method: { name: method },
    header,
  } as unknown as Req;
}

function call(interceptor: Interceptor, req: Req) {
  const next = vi.fn(async () => ({ ok: true }) as unknown as Awaited<ReturnType<AnyFn>>);
  return { next, result: interceptor(next)(req) };
}

async function rejection(promise: Promise<unknown>): Promise<ConnectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${error}`);
  return error;
}

describe("controlAuthInterceptor", () => {
  const interceptor = controlAuthInterceptor({
    token: "s3cret",
    protect: (procedure) => procedure !== "/uiiit.rpc.EdgeController/Ping",
  });

  it("lets a call with the right bearer token through", async () => {
    const { next, result } = call(interceptor, request("AnnounceComputer", "Bearer s3cret"));
    await expect(result).resolves.toEqual({ ok: true });
    expect(next).toHaveBeenCalledTimes(1);
  });

  it("rejects a missing or wrong token as unauthenticated, without naming the token", async () => {
    for (const authorization of [undefined, "Bearer wrong", "Basic s3cret", "s3cret", "Bearer "]) {
      const { next, result } = call(interceptor, request("AnnounceComputer", authorization));
      const error = await rejection(result);
      expect(error.code).toBe(Code.Unauthenticated);
      expect(error.rawMessage).toBe("missing or invalid bearer token");
      expect(error.message).not.toContain("s3cret");
      expect(next).not.toHaveBeenCalled();
    }
  });

  it("leaves unprotected procedures open", async () => {
    const { next } = call(interceptor, request("Ping"));
    expect(next).toHaveBeenCalledTimes(1);
  });

  it("passes the procedure path to protect", async () => {
    const protect = vi.fn(() => false);
    call(controlAuthInterceptor({ token: "t", protect }), request("AnnounceComputer"));
    expect(protect).toHaveBeenCalledWith("/uiiit.rpc.EdgeController/AnnounceComputer");
  });

  it("allows everything when no token is configured", async () => {
    for (const token of [undefined, ""]) {
      const { result } = call(controlAuthInterceptor({ token }), request("AnnounceComputer"));
      await expect(result).resolves.toEqual({ ok: true });
    }
  });
});

describe("checkBearer", () => {
  it("accepts the token after a case-insensitive Bearer scheme", () => {
    expect(checkBearer("abc", bearerHeader("abc"))).toBe(true);
    expect(checkBearer("abc", "bearer abc")).toBe(true);
  });

  it("rejects other tokens, prefixes, extensions and absent headers", () => {
    expect(checkBearer("abc", "Bearer ab")).toBe(false);
    expect(checkBearer("abc", "Bearer abcd")).toBe(false);
    expect(checkBearer("abc", "abc")).toBe(false);
    expect(checkBearer("abc", null)).toBe(false);
    expect(checkBearer("abc", undefined)).toBe(false);
    expect(checkBearer("", "Bearer ")).toBe(false);
  });
});

describe("bearerHeader", () => {
  it("formats the authorization value", () => {
    expect(bearerHeader("t0k")).toBe("Bearer t0k");
  });
});
