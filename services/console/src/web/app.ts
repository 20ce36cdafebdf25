// The console page's module: listens to the live feed (server-sent events) and redraws the page
// from each snapshot. DOM built with textContent only: every string comes from the domain.
import type uPlotClass from "uplot/dist/uPlot.js";
import type {
  ComputerView,
  DestinationTraffic,
  DomainView,
  InstallationView,
  LambdaView,
  RouterView,
} from "../domain-view.js";

// A variable, not a literal: the name is a URL of the console, not a package to resolve.
const UPLOT_URL: string = "/vendor/uplot.esm.js";

// The console serves uPlot's ES module itself; the type comes from the same package.
const uPlot = ((await import(UPLOT_URL)) as { default: typeof uPlotClass }).default;

const HISTORY = 120;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node;
}

function table(headers: string[], rows: HTMLTableRowElement[], empty: string): HTMLElement {
  if (rows.length === 0) return el("p", { class: "empty" }, empty);
  return el(
    "table",
    {},
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows),
  );
}

function code(text: string): HTMLElement {
  return el("code", {}, text);
}

function tags(labels: Readonly<Record<string, string>>): Node[] {
  return Object.entries(labels).map(([k, v]) => el("span", { class: "tag" }, `${k}=${v}`));
}

function seconds(s: number): string {
  return `${s.toFixed(1)} s`;
}

function weightBar(weight: number, max: number): HTMLElement {
  const width = max > 0 ? Math.max(2, Math.round((weight / max) * 80)) : 2;
  return el(
    "span",
    {},
    el("span", { class: "bar", style: `width:${width}px` }),
    Number.isInteger(weight) ? String(weight) : weight.toFixed(3),
  );
}

const TABLE_SHORT = ["overall", "final"];

/** One row per destination the router forwards to, from its soe_router_* series. */
function renderForwarding(destinations: readonly DestinationTraffic[]): HTMLElement {
  return table(
    [
      "destination",
      "calls/s",
      "lambda errors/s",
      "failures/s",
      "mean latency",
      "in flight",
      "ejections",
      "weights",
    ],
    destinations.map((d) => {
      const f = d.forwarding;
      if (f === undefined) return el("tr");
      const failures = Object.entries(f.callsByOutcome)
        .filter(([outcome]) => outcome !== "ok" && outcome !== "retcode")
        .map(([outcome, n]) => `${outcome} ${n}`)
        .join(", ");
      return el(
        "tr",
        { "data-destination": d.destination },
        el("td", {}, code(d.destination)),
        el("td", {}, f.callsPerSecond.toFixed(1)),
        el("td", {}, f.lambdaErrorsPerSecond.toFixed(1)),
        el(
          "td",
          failures === "" ? {} : { title: `since start: ${failures}` },
          f.failuresPerSecond.toFixed(1),
        ),
        el("td", {}, f.meanLatencyMs === null ? "–" : `${f.meanLatencyMs.toFixed(2)} ms`),
        el("td", {}, String(f.inFlight)),
        el("td", f.ejectionsPerSecond > 0 ? { class: "error" } : {}, String(f.ejections)),
        el(
          "td",
          {},
          f.weights
            .map((w) => `${TABLE_SHORT[w.table] ?? w.table} ${w.lambda} ${formatWeight(w.weight)}`)
            .join(" · "),
        ),
      );
    }),
    "",
  );
}

function formatWeight(weight: number): string {
  return Number.isInteger(weight) ? String(weight) : weight.toFixed(3);
}

function renderRouters(routers: readonly RouterView[]): HTMLElement {
  if (routers.length === 0) return el("p", { class: "empty" }, "No router has announced itself.");
  const box = el("div");
  for (const r of routers) {
    const traffic = r.traffic;
    const card = el(
      "div",
      { "data-router": r.lambdaEndpoint },
      el("h3", {}, "router ", code(r.lambdaEndpoint), " table ", code(r.tableEndpoint)),
      el(
        "p",
        { class: "muted" },
        `lease ${seconds(r.leaseAgeSeconds)} old · ${r.pendingOperations} table operations pending · ${r.failedAttempts} failed attempts`,
      ),
    );
    if (traffic !== undefined) {
      const mean = traffic.meanLatencyMs === null ? "–" : `${traffic.meanLatencyMs.toFixed(2)} ms`;
      const codes = Object.entries(traffic.callsByCode)
        .map(([c, n]) => `${c} ${n}`)
        .join(", ");
      card.append(
        el(
          "p",
          { class: "muted" },
          `${traffic.callsPerSecond.toFixed(1)} calls/s · ${traffic.errorsPerSecond.toFixed(1)} errors/s · mean ${mean} · ${traffic.totalCalls} calls since start${codes ? ` (${codes})` : ""} · ${traffic.openConnections} connections`,
        ),
      );
      const assembled = traffic.destinations.filter((d) => d.forwarding !== undefined);
      const raw = traffic.destinations.filter((d) => d.forwarding === undefined);
      if (assembled.length > 0) card.append(renderForwarding(assembled));
      if (raw.length > 0) {
        card.append(
          table(
            ["destination", "series"],
            raw.map((d) =>
              el(
                "tr",
                {},
                el("td", {}, code(d.destination)),
                el(
                  "td",
                  {},
                  Object.entries(d.series)
                    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
                    .join(" · "),
                ),
              ),
            ),
            "",
          ),
        );
      }
    }
    if (r.trafficError) card.append(el("p", { class: "error" }, `metrics: ${r.trafficError}`));
    if (r.tablesError) card.append(el("p", { class: "error" }, `tables: ${r.tablesError}`));
    for (const t of r.tables) {
      const max = Math.max(0, ...t.rows.map((row) => row.weight));
      card.append(
        el("h3", {}, `${t.name} table`),
        table(
          ["lambda", "destination", "weight"],
          t.rows.map((row) =>
            el(
              "tr",
              {},
              el("td", {}, code(row.lambda)),
              el("td", {}, code(row.destination)),
              el("td", {}, weightBar(row.weight, max)),
            ),
          ),
          "empty",
        ),
      );
    }
    box.append(card);
  }
  return box;
}

function renderComputers(computers: readonly ComputerView[]): HTMLElement {
  return table(
    ["computer", "kind", "lambdas", "lease"],
    computers.map((c) =>
      el(
        "tr",
        { "data-computer": c.endpoint },
        el("td", {}, code(c.endpoint)),
        el(
          "td",
          {},
          ...(c.installation === undefined
            ? ["computer"]
            : [`OpenWhisk (${c.installation.namespace}) `, ...tags(c.installation.labels)]),
        ),
        el("td", {}, ...c.lambdas.map((l) => el("span", { class: "tag" }, l))),
        el(
          "td",
          {},
          c.leaseTtlSeconds > 0
            ? `${seconds(c.leaseAgeSeconds)} of ${seconds(c.leaseTtlSeconds)}`
            : `${seconds(c.leaseAgeSeconds)}, never expires`,
        ),
      ),
    ),
    "No computer has announced itself.",
  );
}

function renderLambdas(lambdas: readonly LambdaView[]): HTMLElement {
  return table(
    ["lambda", "offered by", "routed (router → destination, weight)"],
    lambdas.map((l) =>
      el(
        "tr",
        { "data-lambda": l.name },
        el("td", {}, code(l.name)),
        el("td", {}, ...l.computers.map((c) => el("div", {}, code(c)))),
        el(
          "td",
          {},
          ...(l.routes.length === 0
            ? [el("span", { class: "empty" }, "no route")]
            : l.routes.map((r) =>
                el(
                  "div",
                  {},
                  code(r.router),
                  ` → `,
                  code(r.destination),
                  ` ${r.table === 0 ? "" : "(final) "}w ${r.weight}`,
                ),
              )),
        ),
      ),
    ),
    "No lambda is offered.",
  );
}

function renderInstallations(
  installations: readonly InstallationView[],
  error: string | undefined,
): HTMLElement {
  const box = el("div");
  if (error) box.append(el("p", { class: "error" }, error));
  box.append(
    table(
      ["installation", "namespace", "labels", "reconciled", "drift"],
      installations.map((i) =>
        el(
          "tr",
          { "data-installation": i.endpoint },
          el("td", {}, code(i.endpoint)),
          el("td", {}, i.namespace),
          el("td", {}, ...tags(i.labels)),
          el(
            "td",
            {},
            i.lastReconciledUnixMs > 0
              ? new Date(i.lastReconciledUnixMs).toLocaleTimeString()
              : "never",
          ),
          el(
            "td",
            {},
            ...(i.drift.length === 0
              ? ["in sync"]
              : i.drift.map((d) =>
                  el(
                    "div",
                    { class: `drift-${d.state}` },
                    `${d.state}: ${d.entity}${d.detail ? ` (${d.detail})` : ""}`,
                  ),
                )),
          ),
        ),
      ),
      error ? "" : "No OpenWhisk installation is registered.",
    ),
  );
  return box;
}

/** Calls per second through each router over the last HISTORY snapshots. */
class TrafficChart {
  readonly #times: number[] = [];
  readonly #series = new Map<string, (number | null)[]>();
  #plot: uPlotClass | undefined;
  #names = "";

  add(view: DomainView): void {
    this.#times.push(view.takenAtUnixMs / 1000);
    for (const r of view.routers) {
      for (const [suffix, value] of [
        ["calls/s", r.traffic?.callsPerSecond ?? null],
        ["errors/s", r.traffic?.errorsPerSecond ?? null],
      ] as const) {
        const key = `${r.lambdaEndpoint} ${suffix}`;
        let values = this.#series.get(key);
        if (values === undefined) {
          values = new Array<number | null>(this.#times.length - 1).fill(null);
          this.#series.set(key, values);
        }
        values.push(value);
      }
    }
    for (const values of this.#series.values()) {
      while (values.length < this.#times.length) values.push(null);
      if (values.length > HISTORY) values.splice(0, values.length - HISTORY);
    }
    if (this.#times.length > HISTORY) this.#times.splice(0, this.#times.length - HISTORY);
    this.#draw();
  }

  #draw(): void {
    const names = [...this.#series.keys()];
    const data: uPlotClass.AlignedData = [
      this.#times,
      ...names.map((n) => this.#series.get(n) ?? []),
    ];
    const container = byId("chart");
    if (this.#plot === undefined || names.join() !== this.#names) {
      this.#plot?.destroy();
      this.#names = names.join();
      const palette = ["#2f6fde", "#c0362c", "#2f855a", "#b7791f", "#6b46c1", "#0f766e"];
      this.#plot = new uPlot(
        {
          width: Math.max(320, container.clientWidth - 8),
          height: 180,
          series: [
            {},
            ...names.map((label, i) => ({
              label,
              stroke: palette[i % palette.length] as string,
              width: 1.5,
            })),
          ],
          axes: [{}, { label: "per second" }],
        },
        data,
        container,
      );
      return;
    }
    this.#plot.setData(data);
  }
}

const chart = new TrafficChart();

function render(view: DomainView): void {
  byId("controller").textContent = view.controller.endpoint;
  byId("taken-at").textContent = `at ${new Date(view.takenAtUnixMs).toLocaleTimeString()}`;
  const status = byId("status");
  if (view.controller.error) {
    status.dataset.state = "down";
    status.textContent = `controller: ${view.controller.error}`;
  } else {
    status.dataset.state = "live";
    status.textContent = "live";
  }
  byId("routers").replaceChildren(renderRouters(view.routers));
  byId("computers").replaceChildren(renderComputers(view.computers));
  byId("lambdas").replaceChildren(renderLambdas(view.lambdas));
  byId("installations").replaceChildren(
    renderInstallations(view.installations.items, view.installations.error),
  );
  byId("notes").replaceChildren(...view.notes.map((n) => el("li", {}, n)));
  chart.add(view);
}

// EventSource reconnects by itself after an error; the status says so meanwhile.
const events = new EventSource("/api/events");
events.addEventListener("snapshot", (event) => {
  render(JSON.parse((event as MessageEvent<string>).data) as DomainView);
});
events.addEventListener("error", () => {
  const status = byId("status");
  status.dataset.state = "down";
  status.textContent = "console unreachable: reconnecting…";
});
