import { describe, expect, it } from "vitest";
import {
  assembleDomainView,
  type DomainReadings,
  NOTE_NO_ACTIVATIONS,
  NOTE_NO_DESTINATION_SERIES,
} from "./domain-snapshot.js";
import type { RouterTraffic } from "./domain-view.js";

const quiet: RouterTraffic = {
  callsPerSecond: 0,
  errorsPerSecond: 0,
  meanLatencyMs: null,
  totalCalls: 0,
  callsByCode: {},
  openConnections: 1,
  destinations: [],
};

function readings(overrides: Partial<DomainReadings> = {}): DomainReadings {
  return {
    takenAtUnixMs: 1_700_000_000_000,
    controllerEndpoint: "127.0.0.1:6475",
    computers: {
      ok: true,
      value: [
        {
          endpoint: "127.0.0.1:10002",
          containers: [{ lambda: "glambda0" }, { lambda: "clambda0" }, { lambda: "clambda0" }],
          leaseAgeSeconds: 1,
          leaseTtlSeconds: 15,
        },
        {
          endpoint: "127.0.0.1:10000",
          containers: [{ lambda: "/guest/copy" }],
          leaseAgeSeconds: 2,
          leaseTtlSeconds: 15,
        },
      ],
    },
    routers: {
      ok: true,
      value: [
        {
          lambdaEndpoint: "127.0.0.1:6473",
          tableEndpoint: "127.0.0.1:6474",
          leaseAgeSeconds: 0.5,
          pendingOperations: 0,
          failedAttempts: 0,
        },
      ],
    },
    lambdas: {
      ok: true,
      value: [
        { name: "clambda0", computers: ["127.0.0.1:10002"] },
        { name: "/guest/copy", computers: ["127.0.0.1:10000"] },
      ],
    },
    installations: {
      ok: true,
      value: [
        {
          endpoint: "127.0.0.1:10000",
          namespace: "guest",
          labels: { installation: "OW1" },
          leaseAgeSeconds: 2,
          leaseTtlSeconds: 15,
          lastReconciledUnixMs: 1_699_999_999_000,
          drift: [{ entity: "action /guest/hello", state: "missing", detail: "" }],
        },
      ],
    },
    tables: new Map([
      [
        "127.0.0.1:6474",
        {
          ok: true,
          value: [
            [
              { lambda: "clambda0", destination: "127.0.0.1:10002", weight: 1, final: false },
              { lambda: "/guest/copy", destination: "127.0.0.1:10000", weight: 0.5, final: false },
            ],
            [],
          ],
        },
      ],
    ]),
    traffic: new Map([["127.0.0.1:6473", { ok: true, value: quiet }]]),
    ...overrides,
  };
}

describe("assembleDomainView", () => {
  it("shows routers with their tables, computers with their lambdas, and where each lambda runs", () => {
    const view = assembleDomainView(readings());
    expect(view.controller).toEqual({ endpoint: "127.0.0.1:6475" });
    expect(view.computers).toEqual([
      {
        endpoint: "127.0.0.1:10000",
        leaseAgeSeconds: 2,
        leaseTtlSeconds: 15,
        lambdas: ["/guest/copy"],
        installation: { namespace: "guest", labels: { installation: "OW1" } },
      },
      {
        endpoint: "127.0.0.1:10002",
        leaseAgeSeconds: 1,
        leaseTtlSeconds: 15,
        lambdas: ["clambda0", "glambda0"],
      },
    ]);
    expect(view.routers[0]?.tables.map((t) => [t.name, t.rows.length])).toEqual([
      ["overall", 2],
      ["final", 0],
    ]);
    expect(view.routers[0]?.traffic).toEqual(quiet);
    expect(view.lambdas).toEqual([
      {
        name: "/guest/copy",
        computers: ["127.0.0.1:10000"],
        routes: [
          { router: "127.0.0.1:6473", table: 0, destination: "127.0.0.1:10000", weight: 0.5 },
        ],
      },
      {
        name: "clambda0",
        computers: ["127.0.0.1:10002"],
        routes: [{ router: "127.0.0.1:6473", table: 0, destination: "127.0.0.1:10002", weight: 1 }],
      },
    ]);
    expect(view.installations.items[0]?.drift).toEqual([
      { entity: "action /guest/hello", state: "missing", detail: "" },
    ]);
  });

  it("says so when no router exposes per-destination series, and that activations are not shown", () => {
    expect(assembleDomainView(readings()).notes).toEqual([
      NOTE_NO_DESTINATION_SERIES,
      NOTE_NO_ACTIVATIONS,
    ]);
    const withDestinations = readings({
      traffic: new Map([
        [
          "127.0.0.1:6473",
          {
            ok: true,
            value: { ...quiet, destinations: [{ destination: "127.0.0.1:10000", series: {} }] },
          },
        ],
      ]),
    });
    expect(assembleDomainView(withDestinations).notes).toEqual([NOTE_NO_ACTIVATIONS]);
  });

  it("keeps what it could read and names what it could not", () => {
    const view = assembleDomainView(
      readings({
        installations: { ok: false, error: "unauthenticated: the console needs --token" },
        tables: new Map([["127.0.0.1:6474", { ok: false, error: "unavailable: refused" }]]),
        traffic: new Map([["127.0.0.1:6473", { ok: false, error: "HTTP 500" }]]),
      }),
    );
    expect(view.installations).toEqual({
      items: [],
      error: "unauthenticated: the console needs --token",
    });
    expect(view.routers[0]).toMatchObject({
      tables: [],
      tablesError: "unavailable: refused",
      trafficError: "HTTP 500",
    });
    expect(view.routers[0]?.traffic).toBeUndefined();
    // Without installations, a wsk-computer is still a computer.
    expect(view.computers.every((c) => c.installation === undefined)).toBe(true);
    expect(view.lambdas).toHaveLength(2);
  });

  it("shows an empty domain and the controller's error when the controller cannot be read", () => {
    const down = { ok: false as const, error: "unavailable: connect ECONNREFUSED" };
    const view = assembleDomainView(
      readings({
        computers: down,
        routers: down,
        lambdas: down,
        tables: new Map(),
        traffic: new Map(),
      }),
    );
    expect(view.controller).toEqual({
      endpoint: "127.0.0.1:6475",
      error: "unavailable: connect ECONNREFUSED",
    });
    expect([view.routers, view.computers, view.lambdas]).toEqual([[], [], []]);
    expect(view.notes).toEqual([NOTE_NO_ACTIVATIONS]);
  });
});
