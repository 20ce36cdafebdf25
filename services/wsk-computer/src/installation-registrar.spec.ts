import { Code, ConnectError } from "@connectrpc/connect";
import { OpenWhiskUnreachableError } from "@soe/openwhisk";
import { afterEach, describe, expect, it } from "vitest";
import { captureLogs, eventually } from "../test/log-capture.js";
import { type DeploymentClient, InstallationRegistrar } from "./installation-registrar.js";

type Call = { method: string; request: Record<string, unknown> };

/** A DeploymentService client that records calls and answers each with `answer(call)`. */
function fakeController(answer: (call: Call) => Error | undefined = () => undefined) {
  const calls: Call[] = [];
  const record = async (method: string, request: Record<string, unknown>) => {
    const call = { method, request };
    calls.push(call);
    const error = answer(call);
    if (error !== undefined) throw error;
    return {};
  };
  const client = {
    registerInstallation: (request: Record<string, unknown>) => record("register", request),
    unregisterInstallation: (request: Record<string, unknown>) => record("unregister", request),
  } as unknown as DeploymentClient;
  return { client, calls };
}

const open: InstallationRegistrar[] = [];
afterEach(async () => {
  for (const registrar of open.splice(0)) await registrar.close();
});

function registrar(
  controller: DeploymentClient,
  options: {
    periodMs?: number;
    namespace?: () => Promise<string>;
    logs?: ReturnType<typeof captureLogs>;
  } = {},
) {
  const made = new InstallationRegistrar({
    controller,
    controllerEndpoint: "127.0.0.1:6475",
    endpoint: "10.0.0.1:6473",
    namespace: options.namespace ?? (async () => "guest"),
    labels: { zone: "eu" },
    leaseTtlMs: 15_000,
    periodMs: options.periodMs ?? 60_000,
    backoff: { initialMs: 5, maxMs: 10 },
    callTimeoutMs: 1_000,
    logger: (options.logs ?? captureLogs()).logger,
  });
  open.push(made);
  made.start();
  return made;
}

describe("InstallationRegistrar", () => {
  it("registers the end-point, namespace, labels and lease, and refreshes every period", async () => {
    const { client, calls } = fakeController();
    const r = registrar(client, { periodMs: 10 });
    await eventually(() => calls.length >= 3, "three registrations");
    expect(r.registered).toBe(true);
    expect(calls[0]).toEqual({
      method: "register",
      request: {
        endpoint: "10.0.0.1:6473",
        namespace: "guest",
        labels: { zone: "eu" },
        leaseTtlMs: 15_000,
      },
    });
    expect(new Set(calls.map((c) => JSON.stringify(c))).size).toBe(1);
  });

  it("unregisters on close", async () => {
    const { client, calls } = fakeController();
    const r = registrar(client);
    await eventually(() => r.registered, "registration");
    await r.close();
    expect(calls.map((c) => c.method)).toEqual(["register", "unregister"]);
    expect(calls[1]?.request).toEqual({ endpoint: "10.0.0.1:6473" });
  });

  it("retries while OpenWhisk cannot tell the namespace, then registers", async () => {
    let down = 2;
    const { client, calls } = fakeController();
    const logs = captureLogs();
    const r = registrar(client, {
      logs,
      namespace: async () => {
        if (down-- > 0)
          throw new OpenWhiskUnreachableError("GET", "http://ow", new Error("refused"));
        return "guest";
      },
    });
    await eventually(() => r.registered, "registration");
    expect(calls).toHaveLength(1);
    expect(logs.text()).toContain("could not register the installation");
  });

  it("takes UNIMPLEMENTED quietly: one debug line, asked again every period, never unregistered", async () => {
    const { client, calls } = fakeController(
      () => new ConnectError("soe.v1.DeploymentService is not implemented", Code.Unimplemented),
    );
    const logs = captureLogs();
    const r = registrar(client, { periodMs: 10, logs });
    await eventually(() => calls.length >= 3, "three tries at the period");
    await r.close();
    expect(r.registered).toBe(false);
    expect(calls.every((c) => c.method === "register")).toBe(true);
    const lines = logs
      .text()
      .split("\n")
      .filter((line) => line.includes("no DeploymentService"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"level":20');
    expect(logs.text()).not.toContain('"level":40');
  });

  it("retries a controller that fails with back-off, and warns once", async () => {
    let failures = 3;
    const { client } = fakeController(() =>
      failures-- > 0 ? new ConnectError("down", Code.Unavailable) : undefined,
    );
    const logs = captureLogs();
    const r = registrar(client, { logs });
    await eventually(() => r.registered, "registration after failures");
    const warnings = logs
      .text()
      .split("\n")
      .filter((line) => line.includes('"level":40'));
    expect(warnings).toHaveLength(1);
  });
});
