import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CONSOLE, COPY_LAMBDA, NATIVE_LAMBDA, SEED } from "../src/seed-scenario.js";
import { useSeedScenario } from "./support/seed-domain.js";

// The console in a real browser: Debian's Chromium (`apt-get install chromium`; .ci/run installs
// it) driven by playwright-core, which downloads no browser of its own. Short leases, so that a
// killed computer leaves the domain, and the page, within seconds.
const CHROMIUM = "/usr/bin/chromium";
const LEASE_S = 3;
const TOKEN = "console-e2e-token-9f3c";
const scenario = useSeedScenario({
  leaseTtlSeconds: LEASE_S,
  listerPeriodSeconds: 0.2,
  labelInstallations: true,
  token: TOKEN,
  console: true,
});

let dir: string;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  }
  dir = await mkdtemp(join(tmpdir(), "soe-console-"));
  // launchPersistentContext: playwright takes the fresh profile directory itself (it refuses
  // --user-data-dir among the args) and starts Chromium headless with it.
  context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error")
      pageErrors.push(`${message.text()} (${message.location().url})`);
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  // The screenshots stay (their paths are printed); the browser profile goes.
  if (dir !== undefined) await rm(join(dir, "profile"), { recursive: true, force: true });
});

const row = (attribute: string, value: string) => `[${attribute}="${value}"]`;

async function screenshot(name: string): Promise<string> {
  const path = join(dir, name);
  await page.screenshot({ path, fullPage: true });
  process.stdout.write(`console screenshot: ${path}\n`);
  return path;
}

describe("the edge console in Chromium, on the seed scenario", () => {
  test("shows the domain's routers, computers, lambdas and installations, live", async () => {
    const s = scenario();
    await page.goto(`${s.ports.url(CONSOLE)}/`);
    const wait = { state: "visible", timeout: 15_000 } as const;
    await page.waitForSelector(row("data-router", s.routerEndpoint), wait);
    for (const name of [SEED.wsk1, SEED.wsk2, SEED.computer]) {
      await page.waitForSelector(row("data-computer", s.ports.endpoint(name)), wait);
    }
    for (const lambda of [COPY_LAMBDA, NATIVE_LAMBDA]) {
      await page.waitForSelector(row("data-lambda", lambda), wait);
    }
    // The installations are read with the console's token, and labelled as `pnpm dev` labels them.
    for (const [name, ow] of [
      [SEED.wsk1, SEED.ow1],
      [SEED.wsk2, SEED.ow2],
    ] as const) {
      const installation = page.locator(row("data-installation", s.ports.endpoint(name)));
      await installation.waitFor(wait);
      expect(await installation.textContent()).toContain(`installation=${ow}`);
    }
    // Where copy runs: both wsk-computers, in the router's table.
    const copy = (await page.locator(row("data-lambda", COPY_LAMBDA)).textContent()) ?? "";
    expect(copy).toContain(s.ports.endpoint(SEED.wsk1));
    expect(copy).toContain(s.ports.endpoint(SEED.wsk2));
    expect(await page.locator("#status").getAttribute("data-state")).toBe("live");
    expect(await page.locator("#chart .uplot").count()).toBe(1);
    expect(await page.content()).not.toContain(TOKEN);
    await screenshot("domain.png");
    expect(pageErrors).toEqual([]);
  });

  test("a killed computer disappears from the page", async () => {
    const s = scenario();
    const computer = row("data-computer", s.ports.endpoint(SEED.computer));
    await page.waitForSelector(computer, { state: "visible", timeout: 15_000 });
    await s.supervisor.kill(SEED.computer);
    // SIGKILL: no goodbye; the controller drops it when its lease runs out.
    await page.waitForSelector(computer, { state: "detached", timeout: (LEASE_S + 10) * 1000 });
    await page.waitForSelector(row("data-lambda", NATIVE_LAMBDA), {
      state: "detached",
      timeout: 10_000,
    });
    await page.waitForSelector(row("data-computer", s.ports.endpoint(SEED.wsk1)), {
      state: "visible",
    });
    await screenshot("computer-gone.png");
    expect(pageErrors).toEqual([]);
  });
});
