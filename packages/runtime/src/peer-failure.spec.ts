import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { EdgeController } from "@soe/proto";
import { unusedPort } from "@soe/testing";
import { describe, expect, it } from "vitest";
import { peerFailure } from "./peer-failure.js";
import { createTransport } from "./transports.js";

describe("peerFailure", () => {
  it.each(["grpc", "connect"] as const)(
    "says 'connection refused' for a peer that does not listen (%s protocol)",
    async (protocol) => {
      const transport = createTransport(`127.0.0.1:${await unusedPort()}`, { protocol });
      try {
        const error = await createClient(EdgeController, transport)
          .announceRouter({})
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(error).toBeInstanceOf(ConnectError);
        expect(peerFailure(error)).toBe("connection refused");
      } finally {
        transport.close();
      }
    },
  );

  it("finds the socket cause however deep it is nested", () => {
    const socket = Object.assign(new Error("connect EHOSTUNREACH 10.0.0.9:6475"), {
      code: "EHOSTUNREACH",
    });
    const inner = new ConnectError(
      "cannot connect",
      Code.Unavailable,
      undefined,
      undefined,
      socket,
    );
    const outer = new ConnectError("announce", Code.Unavailable, undefined, undefined, inner);
    expect(peerFailure(outer)).toBe("host unreachable");
  });

  it("names the RPC code and message of an error without a socket cause", () => {
    expect(peerFailure(new ConnectError("bad token", Code.Unauthenticated))).toBe(
      "unauthenticated: bad token",
    );
    expect(peerFailure(new ConnectError("the operation timed out", Code.DeadlineExceeded))).toBe(
      "deadline_exceeded: the operation timed out",
    );
  });

  it("leaves anything that is not an RPC error to be logged as a bug", () => {
    expect(peerFailure(new TypeError("x is undefined"))).toBeUndefined();
    expect(peerFailure("text")).toBeUndefined();
  });
});
