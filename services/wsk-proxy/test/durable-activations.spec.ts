import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Writable } from "node:stream";
import { createLogger } from "@soe/runtime";
import { type PostgresServer, startPostgresServer } from "@soe/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BufferedActivationStore } from "../src/buffered-activation-store.js";
import { createProxyServer, type ProxyServer } from "../src/proxy-server.js";
import { GUEST_KEY, quietLogger, startDomain, type TestDomain } from "./support/domain.js";

// Issue 11: activations outlive the proxy process (SQLite) and are shared by proxies behind one
// load balancer (PostgreSQL), through the same OpenWhisk API a client uses.

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let postgres: PostgresServer;
let scratch: string;
let databases = 0;
beforeAll(async () => {
  postgres = await startPostgresServer();
  scratch = mkdtempSync(join(tmpdir(), "soe-durable-"));
}, 60_000);
afterAll(async () => {
  await postgres?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const auth = { authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}` };

async function domainWith(proxy: NonNullable<Parameters<typeof startDomain>[0]>["proxy"]) {
  const domain = await startDomain({ proxy });
  cleanups.push(() => domain.close());
  return domain;
}

async function anotherProxy(domain: TestDomain, activationStore: string): Promise<ProxyServer> {
  const proxy = await createProxyServer({
    serverEndpoint: domain.router.serverEndpoint,
    controllerEndpoint: domain.controller.endpoint,
    activationStore,
    logger: quietLogger,
  });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function invoke(base: string, action: string, query: string, params: unknown = {}) {
  const res = await fetch(`${base}/api/v1/namespaces/_/actions/${action}?${query}`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function getJson(url: string) {
  const res = await fetch(url, { headers: auth });
  return { status: res.status, body: (await res.json()) as unknown };
}

/** A non-blocking invocation's record, once the background call has finished; bounded. */
async function finished(base: string, id: string) {
  for (let i = 0; i < 500; i++) {
    const got = await getJson(`${base}/api/v1/namespaces/_/activations/${id}`);
    if (got.status === 200 && (got.body as { end?: number }).end !== undefined) return got;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`activation ${id} never finished`);
}

describe("activations in a durable store", () => {
  it("survive a proxy restart with SQLite", async () => {
    const file = join(scratch, `restart-${databases++}`, "activations.db");
    const domain = await domainWith({ activationStore: `sqlite:${file}` });
    const first = await invoke(domain.proxy.url, "echo", "blocking=true", { n: 1 });
    expect(first.status).toBe(200);
    const id = first.body.activationId as string;
    const before = await getJson(`${domain.proxy.url}/api/v1/namespaces/_/activations/${id}`);
    expect(before.status).toBe(200);
    await domain.proxy.close();

    const restarted = await anotherProxy(domain, `sqlite:${file}`);
    const after = await getJson(`${restarted.url}/api/v1/namespaces/_/activations/${id}`);
    expect(after).toEqual(before);
    const result = await getJson(`${restarted.url}/api/v1/namespaces/_/activations/${id}/result`);
    expect(result.body).toMatchObject({ result: { n: 1 }, success: true });
    const listed = await getJson(`${restarted.url}/api/v1/namespaces/_/activations?name=echo`);
    expect((listed.body as Array<{ activationId: string }>).map((a) => a.activationId)).toEqual([
      id,
    ]);
  });

  it("are seen by two proxies sharing one PostgreSQL, each through the other", async () => {
    const url = await postgres.createDatabase(`shared_${databases++}`);
    const domain = await domainWith({ activationStore: url });
    const other = await anotherProxy(domain, url);

    const viaFirst = await invoke(domain.proxy.url, "echo", "blocking=true", { via: "first" });
    expect(viaFirst.status).toBe(200);
    const viaOther = await invoke(other.url, "echo", "blocking=false", { via: "other" });
    expect(viaOther.status).toBe(202);
    const firstId = viaFirst.body.activationId as string;
    const otherId = viaOther.body.activationId as string;

    // Written a few ms after the answer (as OpenWhisk writes its records after answering too).
    const seenByOther = await finished(other.url, firstId);
    expect((seenByOther.body as { response: { result: unknown } }).response.result).toEqual({
      via: "first",
    });
    const seenByFirst = await finished(domain.proxy.url, otherId);
    expect((seenByFirst.body as { response: { result: unknown } }).response.result).toEqual({
      via: "other",
    });
    for (const base of [domain.proxy.url, other.url]) {
      const listed = await getJson(`${base}/api/v1/namespaces/_/activations?docs=true`);
      expect(
        (listed.body as Array<{ activationId: string }>).map((a) => a.activationId).sort(),
      ).toEqual([firstId, otherId].sort());
      const count = await getJson(`${base}/api/v1/namespaces/_/activations?count=true`);
      expect(count.body).toEqual({ activations: 2 });
    }
  });

  it("do not fail invocations when PostgreSQL goes down, and never log its password", async () => {
    const own = await startPostgresServer();
    cleanups.push(() => own.close());
    const lines: string[] = [];
    const logger = createLogger({
      name: "wskproxy",
      level: "debug",
      destination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const domain = await domainWith({ activationStore: own.url, logger });
    const store = domain.proxy.store;
    expect(store).toBeInstanceOf(BufferedActivationStore);
    if (!(store instanceof BufferedActivationStore)) return;
    expect((await invoke(domain.proxy.url, "echo", "blocking=true", { n: 1 })).status).toBe(200);
    await store.flush();

    await own.close();
    const down = await invoke(domain.proxy.url, "echo", "blocking=true", { n: 2 });
    expect(down.status).toBe(200);
    expect(down.body.response).toMatchObject({ result: { n: 2 }, success: true });
    await expect(store.flush()).rejects.toThrow();
    expect(store.health.failures).toBeGreaterThan(0);
    expect(store.health.pending).toBe(1);
    const metrics = await (await fetch(`${domain.proxy.url}/metrics`)).text();
    expect(metrics).toContain("wskproxy_activation_store_pending 1\n");
    expect(metrics).toMatch(/wskproxy_activation_store_failures_total [1-9]/);
    expect(metrics).toContain("wskproxy_activation_store_written_total 1\n");
    const log = lines.join("");
    expect(log).toContain("the database refused a write");
    expect(log).not.toContain(own.password);
  });
});

/** Runs src/main.ts as the wskproxy binary does; resolves with its exit code and output. */
function wskproxy(args: string[]): Promise<{ code: number | null; output: string }> {
  const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    ["--conditions=@soe/source", "--import", "tsx", main, ...args],
    { env: { ...process.env, LOG_PRETTY: "0" } },
  );
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe("wskproxy --activation-store", () => {
  it("is listed with its default and the retention options", async () => {
    const run = await wskproxy(["--help"]);
    expect(run.code).toBe(0);
    for (const text of [
      "--activation-store",
      "(default: memory)",
      "--activation-max-count",
      "--activation-max-age",
    ]) {
      expect(run.output).toContain(text);
    }
  });

  it("stops the start on a store it does not know, without repeating a password", async () => {
    const run = await wskproxy([
      "--wsk-api-root",
      "http://127.0.0.1:0",
      "--activation-store",
      "mysql://soe:hunter2@db/x",
    ]);
    expect(run.code).toBe(1);
    expect(run.output).toContain("--activation-store must be memory, sqlite:PATH or postgres://");
    expect(run.output).not.toContain("hunter2");
  });
});
