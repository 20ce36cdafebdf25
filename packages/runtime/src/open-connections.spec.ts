import { createServer, connect, type Socket } from "node:net";
import { describe, expect, test } from "vitest";
import { OpenConnections } from "./open-connections.js";

describe("OpenConnections", () => {
  test("whenEmpty resolves once every tracked socket has closed", async () => {
    const open = new OpenConnections();
    const accepted: Socket[] = [];
    const server = createServer((socket) => {
      open.add(socket);
      accepted.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const clients = [connect(port, "127.0.0.1"), connect(port, "127.0.0.1")];
    for (const c of clients) c.on("error", () => undefined);
    while (accepted.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(open.size).toBe(2);
    let empty = false;
    const waiting = open.whenEmpty().then(() => {
      empty = true;
    });
    accepted[0]?.destroy();
    await new Promise((r) => setTimeout(r, 20));
    expect(empty).toBe(false);
    open.destroyAll();
    await waiting;
    expect(open.size).toBe(0);
    server.close();
    for (const c of clients) c.destroy();
  });

  test("whenEmpty with nothing open resolves at once", async () => {
    await new OpenConnections().whenEmpty();
  });
});
