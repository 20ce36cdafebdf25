import https from "node:https";
import net, { type Socket } from "node:net";
import { makeTestCerts } from "@soe/testing";
import { describe, expect, it } from "vitest";
import {
  afterThisTest,
  client,
  expectNoSecret,
  ID,
  json,
  portOf,
  stubServer,
} from "../test/stub-server.js";
import {
  OpenWhiskHttpError,
  OpenWhiskProtocolError,
  OpenWhiskTimeoutError,
  OpenWhiskUnreachableError,
} from "./errors.js";

describe("OpenWhiskClient failures", () => {
  it("rejects 404 with the OpenWhisk error body and request id, never the key", async () => {
    const body = { error: "The requested resource does not exist.", code: "tid42" };
    const stub = await stubServer((_, res) => json(res, 404, body, { "x-request-id": "tid42" }));
    const error = await client(stub.url)
      .invoke("nope", {}, { blocking: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenWhiskHttpError);
    expect(error).toMatchObject({ status: 404, body, requestId: "tid42", method: "POST" });
    expect((error as Error).message).toContain("The requested resource does not exist.");
    expectNoSecret(error);
  });

  it("rejects a platform 500 {error, code} but resolves a 502 activation", async () => {
    let status = 500;
    const stub = await stubServer((_, res) =>
      status === 500
        ? json(res, 500, { error: "There was an internal server error.", code: "t" })
        : json(res, 502, { error: "boom" }, { "x-openwhisk-activation-id": ID }),
    );
    const c = client(stub.url);
    await expect(c.invoke("x", {}, { blocking: true })).rejects.toMatchObject({ status: 500 });
    status = 502;
    await expect(c.invoke("x", {}, { blocking: true, result: true })).resolves.toEqual({
      kind: "result",
      status: 502,
      activationId: ID,
      body: { error: "boom" },
    });
  });

  it("refuses a response above the size cap, declared or chunked", async () => {
    let chunked = false;
    const stub = await stubServer((_, res) => {
      const big = JSON.stringify({ payload: "x".repeat(4000) });
      if (chunked) {
        res.writeHead(200, { "content-type": "application/json" });
        res.write(big.slice(0, 2000));
        res.end(big.slice(2000));
      } else json(res, 200, JSON.parse(big));
    });
    const c = client(stub.url, { maxResponseBytes: 1024 });
    const declared = await c.invoke("x", {}, { blocking: true }).catch((e: unknown) => e);
    expect(declared).toBeInstanceOf(OpenWhiskProtocolError);
    expect((declared as Error).message).toContain("larger than 1024 bytes");
    chunked = true;
    await expect(c.invoke("x", {}, { blocking: true })).rejects.toBeInstanceOf(
      OpenWhiskProtocolError,
    );
  });

  it("refuses a success that is not JSON", async () => {
    const stub = await stubServer((_, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>");
    });
    await expect(client(stub.url).getActivation("guest", ID)).rejects.toBeInstanceOf(
      OpenWhiskProtocolError,
    );
  });

  it("refuses a listing that is not an array of actions", async () => {
    const stub = await stubServer((_, res) => json(res, 200, { actions: 3 }));
    await expect(client(stub.url).listActions()).rejects.toThrow(/not an array of actions/);
  });

  it("times out against a server that accepts and never answers", async () => {
    const sockets = new Set<Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    afterThisTest(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          silent.close(() => resolve());
        }),
    );
    const port = portOf(silent);
    const error = await client(`http://127.0.0.1:${port}`)
      .invoke("copy", {}, { blocking: true, timeoutMs: 150 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenWhiskTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 150, kind: "timeout" });
    expectNoSecret(error);
  });

  it("reports a closed port as unreachable", async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = portOf(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await client(`http://127.0.0.1:${port}`)
      .listActions()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenWhiskUnreachableError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", method: "GET" });
    expectNoSecret(error);
  });

  it("retries a GET once on a pooled socket the server dropped, but never an invoke", async () => {
    const served = new WeakMap<Socket, number>();
    const stub = await stubServer((seen, res) => {
      const count = (served.get(seen.socket) ?? 0) + 1;
      served.set(seen.socket, count);
      // Second request on a kept-alive socket: drop it unanswered, like an idle-timeout race.
      if (count === 2) seen.socket.destroy();
      else json(res, 200, [], { "x-openwhisk-activation-id": ID });
    });
    const c = client(stub.url, { maxSockets: 1 });
    await c.listActions();
    await expect(c.listActions()).resolves.toEqual([]);
    expect(stub.seen).toHaveLength(3);
    await expect(c.invoke("x", {}, { blocking: true, result: true })).rejects.toBeInstanceOf(
      OpenWhiskUnreachableError,
    );
    expect(stub.seen).toHaveLength(4);
  });
});

// Certificates come from openssl, which the tests need: without it this throws, and the file
// fails, rather than dropping the TLS tests silently.
const certs = makeTestCerts();

describe("OpenWhiskClient over TLS", () => {
  it("verifies certificates unless told to be insecure", async () => {
    const server = https.createServer(
      { key: certs.serverKey, cert: certs.serverCert },
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("[]");
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    afterThisTest(() => new Promise<void>((resolve) => server.close(() => resolve())));
    server.on("secureConnection", (socket) => afterThisTest(() => void socket.destroy()));
    const root = `https://127.0.0.1:${portOf(server)}`;

    const strict = await client(root)
      .listActions()
      .catch((e: unknown) => e);
    expect(strict).toBeInstanceOf(OpenWhiskUnreachableError);
    // signed by a CA the client does not trust
    expect((strict as OpenWhiskUnreachableError).code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expectNoSecret(strict);

    await expect(client(root, { insecure: true }).listActions()).resolves.toEqual([]);
  });
});
