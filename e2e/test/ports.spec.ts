import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { allocatePorts, isPortFree, LOOPBACK, PortAllocator, type Topology } from "../src/index.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((r) => server.close(r));
});

async function listen(port = 0): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, LOOPBACK, resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

const mock = (name: string, port: number) =>
  ({ name, binary: "openwhisk-mock", ports: { main: port }, args: () => [] }) as const;

describe("free ports", () => {
  test("are distinct, and each can be bound", async () => {
    const allocator = new PortAllocator();
    const ports = [];
    for (let i = 0; i < 20; i++) ports.push(await allocator.next());
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) expect(await listen(port)).toBe(port);
  });

  test("a listening port is not free, and is again once closed", async () => {
    const port = await listen();
    expect(await isPortFree(port)).toBe(false);
    await new Promise((r) => servers.pop()?.close(r));
    expect(await isPortFree(port)).toBe(true);
  });

  test("never collide with a reserved port", async () => {
    const allocator = new PortAllocator();
    const first = await allocator.next();
    const again = new PortAllocator();
    again.reserve(first);
    for (let i = 0; i < 20; i++) expect(await again.next()).not.toBe(first);
  });
});

describe("a topology's ports", () => {
  test("keep the fixed ones and give free ones for zeros", async () => {
    const fixed = await listen();
    await new Promise((r) => servers.pop()?.close(r));
    const topology: Topology = {
      host: LOOPBACK,
      processes: [mock("a", fixed), mock("b", 0), mock("c", 0)],
    };
    const ports = await allocatePorts(topology);
    expect(ports.port("a")).toBe(fixed);
    expect(new Set([ports.port("a"), ports.port("b"), ports.port("c")]).size).toBe(3);
    expect(ports.endpoint("b")).toBe(`${LOOPBACK}:${ports.port("b")}`);
    expect(ports.url("c")).toBe(`http://${LOOPBACK}:${ports.port("c")}`);
    expect(() => ports.port("a", "table")).toThrow("no port 'table' for process 'a'");
  });

  test("refuse a fixed port already in use, naming who wanted it", async () => {
    const taken = await listen();
    const topology: Topology = { host: LOOPBACK, processes: [mock("OW1", taken)] };
    await expect(allocatePorts(topology)).rejects.toThrow(`OW1 main ${taken}`);
  });

  test("refuse two processes of the same name", async () => {
    const topology: Topology = { host: LOOPBACK, processes: [mock("a", 0), mock("a", 0)] };
    await expect(allocatePorts(topology)).rejects.toThrow("two processes are named 'a'");
  });
});
