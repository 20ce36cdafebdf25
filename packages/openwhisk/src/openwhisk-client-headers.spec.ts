import { describe, expect, it } from "vitest";
import { client, ENCODED, ID, json, stubServer } from "../test/stub-server.js";

describe("OpenWhiskClient extra headers", () => {
  it("sends a caller's traceparent on an invocation, never over its own headers", async () => {
    const stub = await stubServer((_, res) => json(res, 202, { activationId: ID }));
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await client(stub.url).invoke(
      "copy",
      {},
      { headers: { traceparent, tracestate: "k=v", authorization: "Basic bm9wZQ==" } },
    );
    const [request] = stub.seen;
    expect(request?.headers.traceparent).toBe(traceparent);
    expect(request?.headers.tracestate).toBe("k=v");
    expect(request?.headers.authorization).toBe(`Basic ${ENCODED}`);
  });
});
