import { createServer, type Server } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prometheusConfig, type ScrapeTarget, startPrometheusServer } from "./prometheus-server.js";
import { unusedPort } from "./unused-port.js";

let exporter: Server;
let exporterEndpoint: string;

beforeAll(async () => {
  // The least a scrape target is: the text format on /metrics.
  exporter = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    res.end('# TYPE widgets_total counter\nwidgets_total{kind="round"} 42\n');
  });
  await new Promise<void>((resolve) => exporter.listen(0, "127.0.0.1", resolve));
  const address = exporter.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  exporterEndpoint = `127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await new Promise((resolve) => exporter.close(resolve));
});

describe("startPrometheusServer", () => {
  it("scrapes its static targets and answers PromQL about them, until closed", async () => {
    const prometheus = await startPrometheusServer([
      { name: "widgets", targets: [exporterEndpoint] },
    ]);
    try {
      expect(await prometheus.waitForTargetsUp()).toEqual([
        { job: "widgets", instance: exporterEndpoint, health: "up", lastError: "" },
      ]);
      expect(await prometheus.query('widgets_total{job="widgets"}')).toEqual([
        {
          labels: {
            __name__: "widgets_total",
            instance: exporterEndpoint,
            job: "widgets",
            kind: "round",
          },
          value: 42,
        },
      ]);
      await expect(prometheus.query("widgets_total{")).rejects.toThrow(/Prometheus answered 400/);
    } finally {
      await prometheus.close();
    }
    await expect(fetch(`${prometheus.url}/-/ready`)).rejects.toThrow();
    await prometheus.close();
  }, 60_000);

  it("names the targets that do not come up", async () => {
    const dead = `127.0.0.1:${await unusedPort()}`;
    const prometheus = await startPrometheusServer([
      { name: "widgets", targets: [exporterEndpoint] },
      { name: "gone", targets: [dead] },
    ]);
    try {
      // Prometheus hands new static targets to its scrapers within 5 s, then scrapes them.
      let gone: ScrapeTarget | undefined;
      for (let i = 0; i < 300 && gone?.health !== "down"; i++) {
        gone = (await prometheus.targets()).find((t) => t.job === "gone");
        await sleep(50);
      }
      expect(gone).toMatchObject({ instance: dead, health: "down" });
      expect(gone?.lastError).toMatch(/connection refused/);
      await expect(prometheus.waitForTargetsUp(0)).rejects.toThrow(`gone ${dead}: down`);
    } finally {
      await prometheus.close();
    }
  }, 60_000);

  it("writes a configuration Prometheus reads: JSON, one job per entry, interval and timeout", () => {
    expect(JSON.parse(prometheusConfig([{ name: "a", targets: ["h:1", "h:2"] }], 0.5))).toEqual({
      global: { scrape_interval: "500ms", scrape_timeout: "500ms", evaluation_interval: "500ms" },
      scrape_configs: [{ job_name: "a", static_configs: [{ targets: ["h:1", "h:2"] }] }],
    });
  });

  it("says what to install when the binary is missing", async () => {
    await expect(startPrometheusServer([], { binary: "/nonexistent/prometheus" })).rejects.toThrow(
      /install Debian's prometheus package/,
    );
  });
});
