import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "@connectrpc/connect";
import { KeyRing } from "@soe/openwhisk";
import { EdgeServer, soev1 } from "@soe/proto";
import { createTransport, type EndpointTransport, type RunningServer, serve } from "@soe/runtime";
import type { Hono } from "hono";
import openwhisk from "openwhisk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionLister } from "../src/action-lister.js";
import { MemoryActivationStore } from "../src/activation-store.js";
import { InstallationActivations } from "../src/backend-activations.js";
import { DomainInvoker } from "../src/domain-invoker.js";
import { DEFAULT_KEYS } from "../src/key-file.js";
import { createProxyApp } from "../src/proxy-app.js";
import {
  GUEST_KEY,
  installRoutes,
  quietLogger,
  startDomain,
  type TestDomain,
} from "./support/domain.js";

// The logs of calls answered at once (issue 11): a RunLambda reply carries none, so the proxy
// reads them the first time the activation is read, from whichever installation ran the call
// (found by the proxy's id, which the call carried as its uuid). The proxy is assembled here as
// proxy-server.ts assembles it, with its backend given the controller, which lists the
// installations; real router, wsk-computers, controller and mocks behind it.
const LOGGER = `function main(p) {
  console.log("hello " + p.name);
  console.error("to stderr");
  return p.fail ? { error: "failed " + p.name } : { greeting: "hi " + p.name };
}`;
const auth = { authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}` };
let domain: TestDomain;
let server: RunningServer;
let invoker: DomainInvoker;
const transports: EndpointTransport[] = [];

beforeAll(async () => {
  domain = await startDomain();
  for (const mock of domain.mocks) {
    const ow = openwhisk({ apihost: mock.url, api_key: GUEST_KEY });
    await ow.actions.create({ name: "logger", action: LOGGER, kind: "nodejs:20" });
  }
  const endpoints = domain.computers.map((c) => c.serverEndpoint);
  await installRoutes(domain.router.configurationEndpoint, "/guest/logger", endpoints);
  const router = createTransport(domain.router.serverEndpoint);
  const controller = createTransport(domain.controller.endpoint);
  transports.push(router, controller);
  // Both installations registered: the proxy's first listing of them must hold both.
  const deployment = createClient(soev1.DeploymentService, controller);
  for (let i = 0; (await deployment.listInstallations({})).installations.length < 2; i++) {
    if (i > 500) throw new Error("the installations never registered");
    await sleep(10);
  }
  const store = new MemoryActivationStore();
  const lister = new ActionLister({ source: undefined });
  invoker = new DomainInvoker({
    client: createClient(EdgeServer, router),
    store,
    lister,
    callTimeoutMs: 10_000,
    maxInFlight: 10,
    backend: new InstallationActivations({ controller }),
    logger: quietLogger,
  });
  const app = createProxyApp({
    keys: new KeyRing(DEFAULT_KEYS),
    invoker,
    lister,
    store,
    maxWaitMs: 60_000,
    maxBodyBytes: 1024 * 1024,
    logger: quietLogger,
  });
  server = await serve({
    name: "wskproxy",
    endpoint: "127.0.0.1:0",
    http: app as unknown as Hono,
    logger: quietLogger,
  });
}, 30_000);
afterAll(async () => {
  await server?.close();
  await invoker?.close(1_000);
  for (const transport of transports) transport.close();
  await domain?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/api/v1/namespaces/_/${path}`, {
    method,
    headers: { ...auth, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  return { status: res.status, body: (await res.json()) as any };
}

const withoutTimes = (logs: string[]) => logs.map((line) => line.replace(/^\S+ /, ""));

describe("logs of calls answered at once", () => {
  it("are read from the installation that ran the call when the activation is first read", async () => {
    const ran = await call("POST", "actions/logger?blocking=true", { name: "edge" });
    expect(ran.status).toBe(200);
    // As OpenWhisk: the blocking answer has no logs, the activation read later has them.
    expect(ran.body.logs).toEqual([]);
    const id = ran.body.activationId as string;

    const read = await call("GET", `activations/${id}`);
    expect(withoutTimes(read.body.logs)).toEqual(["stdout: hello edge", "stderr: to stderr"]);
    expect(read.body).toMatchObject({
      activationId: id,
      start: ran.body.start,
      response: ran.body.response,
    });
    const annotations = new Map(
      (read.body.annotations as { key: string; value: unknown }[]).map((a) => [a.key, a.value]),
    );
    // Not deployed through the domain: kind and limits come from the backend's record.
    expect(annotations.get("kind")).toBe("nodejs:20");
    expect(annotations.get("limits")).toMatchObject({ memory: 256 });
    expect([...annotations.keys()].filter((k) => k.startsWith("soe-"))).toEqual([]);

    expect((await call("GET", `activations/${id}/logs`)).body).toEqual({ logs: read.body.logs });
  });

  it("are read for a failed activation too", async () => {
    const failed = await call("POST", "actions/logger?blocking=true", { name: "x", fail: true });
    expect(failed.status).toBe(502);
    const logs = await call("GET", `activations/${failed.body.activationId}/logs`);
    expect(withoutTimes(logs.body.logs)).toEqual(["stdout: hello x", "stderr: to stderr"]);
  });

  it("are absent from listings until read, which ask no installation", async () => {
    const ran = await call("POST", "actions/logger?blocking=true", { name: "list" });
    const listed = await call("GET", "activations?name=logger&docs=true&limit=1");
    expect(listed.body).toEqual([ran.body]);
  });
});
