import { PassThrough } from "node:stream";
import { createClient } from "@connectrpc/connect";
import { type ComputerServer, createComputerServer } from "@soe/computer";
import { createControllerServer } from "@soe/controller";
import { EdgeServer } from "@soe/proto";
import { createRouterServer } from "@soe/router";
import { createLogger, createTransport } from "@soe/runtime";
import { afterEach, describe, expect, test } from "vitest";
import { type ConsoleServerOptions, createConsoleServer } from "../src/console-server.js";
import { NOTE_NO_ACTIVATIONS, NOTE_NO_DESTINATION_SERIES } from "../src/domain-snapshot.js";
import type { DomainView } from "../src/domain-view.js";

const TOKEN = "console-test-token-5b1e";
const quiet = () => createLogger({ name: "test", level: "silent" });

const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

/** A real controller, router and simulated computer (clambda0, glambda0), all on port 0. */
async function domain(token?: string) {
  const controller = await createControllerServer({
    serverEndpoint: "127.0.0.1:0",
    logger: quiet(),
    ...(token === undefined ? {} : { token }),
  });
  open.push(controller);
  const router = await createRouterServer({
    serverEndpoint: "127.0.0.1:0",
    configurationEndpoint: "127.0.0.1:0",
    controllerEndpoint: controller.endpoint,
    logger: quiet(),
    ...(token === undefined ? {} : { token }),
  });
  open.push(router);
  const computer = await createComputerServer({
    serverEndpoint: "127.0.0.1:0",
    controllerEndpoint: controller.endpoint,
    logger: quiet(),
    ...(token === undefined ? {} : { token }),
  });
  open.push(computer);
  return { controller, router, computer };
}

async function startConsole(options: ConsoleServerOptions) {
  const server = await createConsoleServer({ logger: quiet(), refreshIntervalMs: 100, ...options });
  open.push(server);
  return server;
}

async function snapshot(url: string): Promise<DomainView> {
  const response = await fetch(new URL("/api/snapshot", url));
  expect(response.status).toBe(200);
  return (await response.json()) as DomainView;
}

/** Polls the snapshot until `check` holds (announcements and table installs take a moment). */
async function until(url: string, check: (view: DomainView) => boolean): Promise<DomainView> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const view = await freshSnapshot(url);
    if (check(view)) return view;
    if (Date.now() > deadline) throw new Error(`not reached: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One snapshot frame from the live feed (the feed reads the domain anew every interval). */
async function freshSnapshot(url: string): Promise<DomainView> {
  const frames = await sseFrames(url, 1);
  return JSON.parse(frames[0] as string) as DomainView;
}

/** The data of the first `n` snapshot events of `/api/events`, then the stream is closed. */
async function sseFrames(url: string, n: number): Promise<string[]> {
  const controller = new AbortController();
  const response = await fetch(new URL("/api/events", url), { signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const frames: string[] = [];
  try {
    while (frames.length < n) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0 && frames.length < n) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        expect(event.startsWith("event: snapshot\n")).toBe(true);
        frames.push(
          event
            .split("\n")
            .filter((l) => l.startsWith("data: "))
            .map((l) => l.slice(6))
            .join("\n"),
        );
        end = buffer.indexOf("\n\n");
      }
    }
  } finally {
    controller.abort();
  }
  return frames;
}

describe("edgeconsole against a real controller, router and computer", () => {
  test("shows the router with its tables, the computer, and where each lambda runs", async () => {
    const { controller, router, computer } = await domain();
    const console = await startConsole({ controllerEndpoint: controller.endpoint });
    const view = await until(console.url, (v) =>
      // The flat installer puts a computer in both tables (overall and final).
      v.lambdas.some((l) => l.name === "clambda0" && l.routes.length === 2),
    );
    expect(view.controller).toEqual({ endpoint: controller.endpoint });
    expect(view.routers.map((r) => [r.lambdaEndpoint, r.tableEndpoint])).toEqual([
      [router.serverEndpoint, router.configurationEndpoint],
    ]);
    expect(view.routers[0]?.tables.map((t) => t.name)).toEqual(["overall", "final"]);
    expect(view.routers[0]?.tables[0]?.rows).toContainEqual({
      lambda: "clambda0",
      destination: computer.serverEndpoint,
      weight: 1,
      final: true,
    });
    expect(view.computers.map((c) => [c.endpoint, c.lambdas])).toEqual([
      [computer.serverEndpoint, ["clambda0", "glambda0"]],
    ]);
    expect(view.lambdas.find((l) => l.name === "clambda0")).toMatchObject({
      computers: [computer.serverEndpoint],
      routes: [0, 1].map((table) => ({
        router: router.serverEndpoint,
        table,
        destination: computer.serverEndpoint,
        weight: 1,
      })),
    });
    // No token on this controller: installations are readable, and there are none.
    expect(view.installations).toEqual({ items: [] });
    expect(view.notes).toContain(NOTE_NO_ACTIVATIONS);
    // The same view as JSON, for tools (the latest snapshot, or one read on demand).
    const json = await snapshot(console.url);
    expect(json.computers.map((c) => [c.endpoint, c.lambdas])).toEqual(
      view.computers.map((c) => [c.endpoint, c.lambdas]),
    );
  });

  test("reads the router's /metrics: calls through it show up as totals and rates", async () => {
    const { controller, router, computer } = await domain();
    const console = await startConsole({ controllerEndpoint: controller.endpoint });
    await until(console.url, (v) => v.lambdas.some((l) => l.routes.length > 0));
    const transport = createTransport(router.serverEndpoint, { defaultTimeoutMs: 5_000 });
    open.push({ close: () => transport.close() });
    const client = createClient(EdgeServer, transport);
    for (let i = 0; i < 3; i++) {
      expect((await client.runLambda({ name: "clambda0", input: "x" })).retcode).toBe("OK");
    }
    const view = await until(console.url, (v) => (v.routers[0]?.traffic?.totalCalls ?? 0) >= 3);
    expect(view.routers[0]?.traffic?.callsByCode).toEqual({ ok: 3 });
    expect(view.routers[0]?.trafficError).toBeUndefined();
    // Per destination too: the router's soe_router_* series, assembled.
    const destinations = view.routers[0]?.traffic?.destinations ?? [];
    const towardsComputer = destinations.find((d) => d.destination === computer.serverEndpoint);
    expect(towardsComputer?.forwarding).toMatchObject({
      callsByOutcome: { ok: 3, retcode: 0 },
      inFlight: 0,
      ejections: 0,
    });
    expect(towardsComputer?.forwarding?.weights.map((w) => w.lambda)).toContain("clambda0");
    expect(view.notes).not.toContain(NOTE_NO_DESTINATION_SERIES);
  });

  test("a computer that leaves disappears from the next snapshots", async () => {
    const { controller, computer } = await domain();
    const console = await startConsole({ controllerEndpoint: controller.endpoint });
    await until(console.url, (v) => v.computers.length === 1);
    await (computer as ComputerServer).close();
    const view = await until(console.url, (v) => v.computers.length === 0);
    expect(view.lambdas).toEqual([]);
  });

  test("reads installations with the token, names the refusal without it, and never shows or logs the token", async () => {
    const { controller } = await domain(TOKEN);
    const lines = new PassThrough();
    let logged = "";
    lines.on("data", (chunk: Buffer) => {
      logged += chunk.toString();
    });
    const withToken = await createConsoleServer({
      controllerEndpoint: controller.endpoint,
      token: TOKEN,
      logger: createLogger({ name: "edgeconsole", level: "debug", destination: lines }),
    });
    open.push(withToken);
    const without = await startConsole({ controllerEndpoint: controller.endpoint });

    const good = await until(withToken.url, (v) => v.computers.length === 1);
    expect(good.installations).toEqual({ items: [] });
    const refused = await freshSnapshot(without.url);
    expect(refused.installations.error).toMatch(/^unauthenticated: /);
    // The read API stays open: the domain still shows without the token.
    expect(refused.routers).toHaveLength(1);

    for (const path of ["/", "/app.js", "/api/snapshot"]) {
      const text = await (await fetch(new URL(path, withToken.url))).text();
      expect(text).not.toContain(TOKEN);
    }
    expect(JSON.stringify(good)).not.toContain(TOKEN);
    expect(logged).toContain("edge console serving");
    expect(logged).not.toContain(TOKEN);
  });

  test("serves the page, its module and uPlot, each with its type and a strict content policy", async () => {
    const { controller } = await domain();
    const console = await startConsole({ controllerEndpoint: controller.endpoint });
    const page = await fetch(console.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    for (const [path, type, text] of [
      ["/app.js", /^text\/javascript/, "EventSource"],
      ["/vendor/uplot.esm.js", /^text\/javascript/, "export"],
      ["/vendor/uplot.min.css", /^text\/css/, ".uplot"],
    ] as const) {
      const response = await fetch(new URL(path, console.url));
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toMatch(type);
      expect(await response.text(), path).toContain(text);
    }
    expect((await fetch(new URL("/nothing", console.url))).status).toBe(404);
  });

  test("turns away live feeds beyond --max-clients with 503, and takes one again when a feed ends", async () => {
    const { controller } = await domain();
    const console = await startConsole({ controllerEndpoint: controller.endpoint, maxClients: 1 });
    const first = new AbortController();
    const held = await fetch(new URL("/api/events", console.url), { signal: first.signal });
    expect(held.status).toBe(200);
    const refused = await fetch(new URL("/api/events", console.url));
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    await refused.body?.cancel();
    first.abort();
    await held.body?.cancel().catch(() => {});
    // The server sees the feed end once the socket closes: poll until a slot is free.
    const deadline = Date.now() + 5_000;
    for (;;) {
      const again = await fetch(new URL("/api/events", console.url));
      await again.body?.cancel();
      if (again.status === 200) break;
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  test("shows an empty domain and why when the controller cannot be reached", async () => {
    // A port that was just free: nothing listens there.
    const { controller } = await domain();
    const endpoint = controller.endpoint;
    await controller.close();
    const console = await startConsole({ controllerEndpoint: endpoint, readTimeoutMs: 500 });
    const view = await snapshot(console.url);
    expect(view.controller.endpoint).toBe(endpoint);
    expect(view.controller.error).toMatch(/^(unavailable|deadline_exceeded): /);
    expect(view.installations.error).toMatch(/^(unavailable|deadline_exceeded): /);
    expect([view.routers, view.computers, view.lambdas]).toEqual([[], [], []]);
  });

  test("a live feed carries one snapshot per interval, each newer than the last", async () => {
    const { controller } = await domain();
    const console = await startConsole({ controllerEndpoint: controller.endpoint });
    const frames = (await sseFrames(console.url, 3)).map((f) => JSON.parse(f) as DomainView);
    expect(frames).toHaveLength(3);
    for (let i = 1; i < frames.length; i++) {
      expect((frames[i] as DomainView).takenAtUnixMs).toBeGreaterThanOrEqual(
        (frames[i - 1] as DomainView).takenAtUnixMs,
      );
    }
  });
});
