import { describe, expect, it } from "vitest";
import { Membership } from "./membership.js";

const containers = (...lambdas: string[]) =>
  lambdas.map((lambda) => ({ name: `${lambda}-c`, processor: "cpu", lambda, numWorkers: 2 }));

function setup() {
  let now = 0;
  const membership = new Membership({ clock: () => now, leaseTtlMs: 1_000 });
  return { membership, advance: (ms: number) => (now += ms) };
}

describe("adopted computers", () => {
  it("are registered with their lambdas and no lease", () => {
    const { membership, advance } = setup();
    expect(membership.adoptComputer("c1:1", ["l0", "l1", "l0"])).toEqual([
      { kind: "lambda-added", lambda: "l0" },
      { kind: "lambda-added", lambda: "l1" },
      { kind: "computer-added", endpoint: "c1:1", lambdas: ["l0", "l1"] },
    ]);
    advance(1_000_000);
    expect(membership.expire()).toEqual([]);
    expect(membership.nextExpiry()).toBeUndefined();
    expect(membership.computer("c1:1")).toMatchObject({ adopted: true, lambdas: ["l0", "l1"] });
    expect(membership.lambdas().get("l1")).toEqual(["c1:1"]);
  });

  it("leave a computer already known as it is", () => {
    const { membership } = setup();
    membership.announceComputer("c1:1", containers("l0"));
    expect(membership.adoptComputer("c1:1", ["l0", "l9"])).toEqual([]);
    expect(membership.computer("c1:1")?.adopted).toBeUndefined();
    expect(membership.computer("c1:1")?.lambdas).toEqual(["l0"]);
  });

  it("become ordinary members without events when they announce the same lambdas", () => {
    const { membership, advance } = setup();
    membership.adoptComputer("c1:1", ["l0", "l1"]);
    expect(membership.announceComputer("c1:1", containers("l1", "l0"))).toEqual([]);
    expect(membership.computer("c1:1")).toMatchObject({
      containers: containers("l1", "l0"),
      expiresAt: 1_000,
    });
    expect(membership.computer("c1:1")?.adopted).toBeUndefined();
    // now under a lease like any other
    advance(1_000);
    expect(membership.expire()).toContainEqual(
      expect.objectContaining({ kind: "computer-removed", endpoint: "c1:1", cause: "expired" }),
    );
  });

  it("are replaced when they announce other lambdas", () => {
    const { membership } = setup();
    membership.adoptComputer("c1:1", ["l0", "l1"]);
    const events = membership.announceComputer("c1:1", containers("l0"));
    expect(events.filter((e) => e.kind.startsWith("computer-"))).toEqual([
      { kind: "computer-removed", endpoint: "c1:1", lambdas: ["l0", "l1"], cause: "replaced" },
      { kind: "computer-added", endpoint: "c1:1", lambdas: ["l0"] },
    ]);
    expect(membership.computer("c1:1")?.adopted).toBeUndefined();
    expect(membership.lambdas().has("l1")).toBe(false);
  });

  it("leave when removed, as a router's ejection report does", () => {
    const { membership } = setup();
    membership.adoptComputer("c1:1", ["l0"]);
    expect(membership.removeComputer("c1:1")).toEqual([
      { kind: "lambda-removed", lambda: "l0" },
      { kind: "computer-removed", endpoint: "c1:1", lambdas: ["l0"], cause: "removed" },
    ]);
    expect(membership.computers()).toEqual([]);
  });
});
