import { PassThrough } from "node:stream";
import { afterEach, describe, expect, test } from "vitest";
import {
  allocatePorts,
  type ExitStatus,
  healthz,
  isPortFree,
  LOOPBACK,
  ProcessSupervisor,
  type ProcessSpec,
  prefixedWriter,
  type SupervisorOptions,
} from "../src/index.js";

// The supervisor against a real binary of the project: the openwhisk-mock starts fast and
// answers /healthz like every service.
const mock = (name: string, extra: readonly string[] = []): ProcessSpec => ({
  name,
  binary: "openwhisk-mock",
  ports: { main: 0 },
  args: (p) => ["--port", String(p.port(name)), ...extra],
  env: { LOG_PRETTY: "0" },
});

const supervisors: ProcessSupervisor[] = [];
afterEach(async () => {
  for (const s of supervisors.splice(0)) await s.stopAll();
});

async function supervise(specs: ProcessSpec[], options: SupervisorOptions = {}) {
  const ports = await allocatePorts({ host: LOOPBACK, processes: specs });
  const supervisor = new ProcessSupervisor(ports, options);
  supervisors.push(supervisor);
  return supervisor;
}

describe("the process supervisor", () => {
  test("starts a process once /healthz answers, and stops it with SIGTERM: exit 0, port released", async () => {
    const spec = mock("OW1");
    const s = await supervise([spec]);
    await s.start(spec);
    expect(s.isRunning("OW1")).toBe(true);
    expect(await healthz(s.ports.url("OW1"))).toBe(true);
    expect(await s.stop("OW1")).toEqual({ code: 0, signal: null });
    expect(s.isRunning("OW1")).toBe(false);
    expect(await isPortFree(s.ports.port("OW1"))).toBe(true);
  });

  test("restarts a process on the same port, as a new process", async () => {
    const spec = mock("OW1");
    const s = await supervise([spec]);
    await s.start(spec);
    const first = s.pid("OW1");
    await s.restart("OW1");
    expect(s.pid("OW1")).toBeDefined();
    expect(s.pid("OW1")).not.toBe(first);
    expect(await healthz(s.ports.url("OW1"))).toBe(true);
  });

  test("reports a process that ends by itself, and not one it killed", async () => {
    const unexpected: Array<[string, ExitStatus]> = [];
    const [a, b] = [mock("a"), mock("b")];
    const s = await supervise([a, b], {
      onUnexpectedExit: (name, status) => unexpected.push([name, status]),
    });
    await s.start(a);
    await s.start(b);
    expect(await s.kill("a")).toEqual({ code: null, signal: "SIGKILL" });
    // A crash from outside the launcher.
    process.kill(s.pid("b") ?? 0, "SIGKILL");
    await expect.poll(() => s.isRunning("b")).toBe(false);
    expect(unexpected).toEqual([["b", { code: null, signal: "SIGKILL" }]]);
  });

  test("fails the start of a process that exits first, quoting its last lines", async () => {
    const spec = mock("bad", ["--no-such-option"]);
    const s = await supervise([spec]);
    await expect(s.start(spec)).rejects.toThrow(
      /bad exited before it was ready; its last lines:\n.*no-such-option/s,
    );
  });

  test("gives up on a process never ready at the deadline, and stops it", async () => {
    const spec: ProcessSpec = { ...mock("slow"), ready: async () => false };
    const s = await supervise([spec], { readyTimeoutMs: 500 });
    await expect(s.start(spec)).rejects.toThrow("slow not ready after 500 ms");
    expect(s.isRunning("slow")).toBe(false);
  });

  test("passes every output line on with its process's name, and stops in reverse order", async () => {
    const lines: string[] = [];
    const [a, b] = [mock("a"), mock("b")];
    const s = await supervise([a, b], { onLine: (name, line) => lines.push(`${name}: ${line}`) });
    await s.start(a);
    await s.start(b);
    await s.stopAll();
    expect(lines.some((l) => l.startsWith("a: ") && l.includes("OpenWhisk mock listening"))).toBe(
      true,
    );
    const exits = lines.filter((l) => l.includes("(launcher) exited"));
    expect(exits).toEqual(["b: (launcher) exited (code 0)", "a: (launcher) exited (code 0)"]);
  });
});

describe("prefixed output", () => {
  function capture(colour: boolean) {
    const out = new PassThrough();
    let text = "";
    out.on("data", (chunk) => {
      text += String(chunk);
    });
    return { write: prefixedWriter({ out, colour, width: 6 }), text: () => text };
  }

  test("aligns the names of the processes", () => {
    const c = capture(false);
    c.write("router", "listening", "stdout");
    c.write("OW1", "ready", "stderr");
    expect(c.text()).toBe("[router] listening\n[OW1]    ready\n");
  });

  test("colours each process's name its own way on a terminal", () => {
    const c = capture(true);
    c.write("a", "one", "stdout");
    c.write("b", "two", "stdout");
    c.write("a", "three", "stdout");
    expect(c.text()).toBe(
      "\u001b[36m[a]     \u001b[0m one\n\u001b[33m[b]     \u001b[0m two\n\u001b[36m[a]     \u001b[0m three\n",
    );
  });
});
