import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { notSent, RequestNotSentError, requestNotSent } from "./request-not-sent.js";

describe("notSent", () => {
  it("is an unavailable ConnectError marked as never sent", () => {
    const error = notSent("cannot connect to 127.0.0.1:6475");
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.code).toBe(Code.Unavailable);
    expect(error.rawMessage).toBe("cannot connect to 127.0.0.1:6475");
    expect(error.cause).toBeInstanceOf(RequestNotSentError);
    expect((error.cause as Error).name).toBe("RequestNotSentError");
  });

  it("keeps the socket error as the cause a reader is told", () => {
    const socket = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6475"), {
      code: "ECONNREFUSED",
    });
    const error = notSent("cannot connect to 127.0.0.1:6475", socket);
    expect((error.cause as Error).cause).toBe(socket);
  });
});

describe("requestNotSent", () => {
  it("holds for a failure that never reached the peer", () => {
    expect(requestNotSent(notSent("stream refused by peer"))).toBe(true);
  });

  it("does not hold for failures that may have reached the peer", () => {
    expect(requestNotSent(new ConnectError("closed before a response", Code.Unavailable))).toBe(
      false,
    );
    expect(requestNotSent(new RequestNotSentError("not wrapped"))).toBe(false);
    expect(requestNotSent(undefined)).toBe(false);
  });
});
