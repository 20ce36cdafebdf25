import { describe, expect, it } from "vitest";
import { formatMembership } from "./membership-records.js";
import {
  type Container,
  InvalidAnnouncement,
  Membership,
  type MembershipEvent,
} from "./membership.js";

const makeContainers = (n: number, from = 0): Container[] =>
  Array.from({ length: n }, (_, i) => ({
    name: "cont0",
    processor: "cpu0",
    lambda: `lambda${from + i}`,
    numWorkers: 2,
  }));

/** Mirrors the reference test's addLambda/delLambda/addComputer/delComputer hooks from events. */
const recorder = () => {
  const lambdas = new Set<string>();
  const computers = new Map<string, readonly string[]>();
  let delComputerError = false;
  const apply = (events: MembershipEvent[]) => {
    for (const e of events) {
      if (e.kind === "lambda-added") lambdas.add(e.lambda);
      if (e.kind === "lambda-removed") lambdas.delete(e.lambda);
      if (e.kind === "computer-added") computers.set(e.endpoint, e.lambdas);
      if (e.kind === "computer-removed") {
        const known = computers.get(e.endpoint);
        delComputerError = known === undefined || known.join() !== e.lambdas.join();
        computers.delete(e.endpoint);
      }
    }
  };
  return {
    apply,
    lambdas: () => [...lambdas].sort(),
    computers: () => Object.fromEntries([...computers].sort()),
    error: () => delComputerError,
  };
};

const setup = (leaseTtlMs = 0) => {
  const time = { now: 0 };
  const membership = new Membership({ clock: () => time.now, leaseTtlMs });
  return { time, membership };
};

describe("Membership", () => {
  // reference §2.2–2.4 / §10: Test/testedgecontrollerflat.cpp test_lambdas
  it("tracks lambdas and computers exactly as the reference's hooks see them", () => {
    const { membership } = setup();
    const r = recorder();
    expect(r.lambdas()).toEqual([]);

    r.apply(membership.announceComputer("host0:6473", makeContainers(1))); // new host, new lambda
    expect(r.lambdas()).toEqual(["lambda0"]);
    expect(r.computers()).toEqual({ "host0:6473": ["lambda0"] });

    r.apply(membership.announceComputer("host1:6473", makeContainers(1))); // new host, same lambda
    expect(r.lambdas()).toEqual(["lambda0"]);
    expect(r.computers()).toEqual({ "host0:6473": ["lambda0"], "host1:6473": ["lambda0"] });

    r.apply(membership.announceComputer("host1:6473", makeContainers(1))); // same host, same lambda
    expect(r.lambdas()).toEqual(["lambda0"]);
    expect(r.computers()).toEqual({ "host0:6473": ["lambda0"], "host1:6473": ["lambda0"] });
    expect(r.error()).toBe(false);

    r.apply(membership.announceComputer("host1:6473", makeContainers(2))); // same host, new lambda
    expect(r.lambdas()).toEqual(["lambda0", "lambda1"]);
    expect(r.computers()).toEqual({
      "host0:6473": ["lambda0"],
      "host1:6473": ["lambda0", "lambda1"],
    });
    expect(r.error()).toBe(false);

    r.apply(membership.announceComputer("host2:6473", makeContainers(3))); // new host, new lambda
    expect(r.lambdas()).toEqual(["lambda0", "lambda1", "lambda2"]);

    r.apply(membership.removeComputer("host0:6473")); // remove host, keep lambda
    expect(r.lambdas()).toEqual(["lambda0", "lambda1", "lambda2"]);
    expect(r.computers()).toEqual({
      "host1:6473": ["lambda0", "lambda1"],
      "host2:6473": ["lambda0", "lambda1", "lambda2"],
    });
    expect(r.error()).toBe(false);

    r.apply(membership.removeComputer("host2:6473")); // remove host, remove lambda
    expect(r.lambdas()).toEqual(["lambda0", "lambda1"]);
    expect(r.computers()).toEqual({ "host1:6473": ["lambda0", "lambda1"] });
    expect(r.error()).toBe(false);

    r.apply(membership.removeComputer("host1:6473")); // remove last host, remove all lambdas
    expect(r.lambdas()).toEqual([]);
    expect(r.computers()).toEqual({});
    expect(r.error()).toBe(false);
  });

  it("emits a lambda's first computer before the computer, and removals before re-adding", () => {
    const { membership } = setup();
    membership.announceComputer("c", makeContainers(1));
    expect(membership.announceComputer("c", makeContainers(1, 1)).map((e) => e.kind)).toEqual([
      "lambda-removed",
      "computer-removed",
      "lambda-added",
      "computer-added",
    ]);
  });

  it("treats a change of any container field or of their order as changed containers", () => {
    const { membership } = setup();
    const two = makeContainers(2);
    membership.announceComputer("c", two);
    expect(membership.announceComputer("c", [...two].reverse())).not.toEqual([]);
    const workers = makeContainers(2).map((k) => ({ ...k, numWorkers: 3 }));
    expect(membership.announceComputer("c", workers)).not.toEqual([]);
    expect(membership.announceComputer("c", workers)).toEqual([]);
  });

  it("lists a lambda once per computer even if two containers offer it", () => {
    const { membership } = setup();
    const events = membership.announceComputer("c", [...makeContainers(1), ...makeContainers(1)]);
    expect(events.at(-1)).toEqual({ kind: "computer-added", endpoint: "c", lambdas: ["lambda0"] });
  });

  it("rejects empty end-points and containers without a lambda", () => {
    const { membership } = setup();
    expect(() => membership.announceComputer("", [])).toThrow(InvalidAnnouncement);
    expect(() => membership.announceRouter("r:1", "")).toThrow(InvalidAnnouncement);
    expect(() =>
      membership.announceComputer("c", [{ name: "k", processor: "p", lambda: "", numWorkers: 1 }]),
    ).toThrow(InvalidAnnouncement);
  });

  it("prints computers and routers as the reference controller does", () => {
    const { membership } = setup();
    membership.announceComputer("host0:10001", makeContainers(1));
    membership.announceComputer("host0:10000", makeContainers(1));
    expect(formatMembership(membership)).toBe(
      "computer host0:10000\n" +
        "cont0: processor cpu0, lambda lambda0, #workers 2\n" +
        "computer host0:10001\n" +
        "cont0: processor cpu0, lambda lambda0, #workers 2\n",
    );
    membership.announceRouter("r1:6473", "r1:6474");
    membership.announceRouter("r0:6473", "r0:6474");
    expect(formatMembership(membership)).toMatch(/#workers 2\nr0:6473\|r0:6474,r1:6473\|r1:6474$/);
  });
});

describe("Membership leases", () => {
  it("expires a computer one TTL after its last announcement, refreshed by identical ones", () => {
    const { time, membership } = setup(15_000);
    membership.announceComputer("c", makeContainers(1));
    expect(membership.nextExpiry()).toBe(15_000);
    time.now = 10_000;
    expect(membership.announceComputer("c", makeContainers(1))).toEqual([]); // refresh only
    expect(membership.nextExpiry()).toBe(25_000);
    time.now = 24_999;
    expect(membership.expire()).toEqual([]);
    time.now = 25_000;
    expect(membership.expire()).toEqual([
      { kind: "lambda-removed", lambda: "lambda0" },
      { kind: "computer-removed", endpoint: "c", lambdas: ["lambda0"], cause: "expired" },
    ]);
    expect(membership.computers()).toEqual([]);
    expect(membership.nextExpiry()).toBeUndefined();
  });

  it("expires routers too", () => {
    const { time, membership } = setup(15_000);
    membership.announceRouter("r:6473", "r:6474");
    time.now = 15_000;
    expect(membership.expire()).toEqual([
      {
        kind: "router-removed",
        lambdaEndpoint: "r:6473",
        tableEndpoint: "r:6474",
        cause: "expired",
      },
    ]);
  });

  it("collects expired leases before an announcement, so a router back after expiry is new", () => {
    const { time, membership } = setup(15_000);
    membership.announceRouter("r:6473", "r:6474");
    time.now = 20_000;
    expect(membership.announceRouter("r:6473", "r:6474").map((e) => e.kind)).toEqual([
      "router-removed",
      "router-added",
    ]);
  });

  it("expires each lease on time when refreshes leave the earliest expiry behind", () => {
    const { time, membership } = setup(100);
    const removed = (events: { kind: string; endpoint?: string }[]) =>
      events.filter((e) => e.kind === "computer-removed").map((e) => e.endpoint);
    membership.announceComputer("a", makeContainers(1)); // expires at 100
    time.now = 50;
    membership.announceComputer("b", makeContainers(1)); // expires at 150
    time.now = 60;
    membership.announceComputer("a", makeContainers(1)); // refreshed: expires at 160
    time.now = 120;
    expect(membership.expire()).toEqual([]);
    time.now = 150;
    expect(removed(membership.expire())).toEqual(["b"]);
    time.now = 159;
    expect(membership.expire()).toEqual([]);
    time.now = 160;
    expect(removed(membership.announceComputer("c", makeContainers(1)))).toEqual(["a"]);
  });

  it("never expires anything with ttl 0", () => {
    const { time, membership } = setup(0);
    membership.announceComputer("c", makeContainers(1));
    membership.announceRouter("r:6473", "r:6474");
    time.now = 1e12;
    expect(membership.expire()).toEqual([]);
    expect(membership.nextExpiry()).toBeUndefined();
  });

  it("gives a fresh lease to changed containers", () => {
    const { time, membership } = setup(1_000);
    membership.announceComputer("c", makeContainers(1));
    time.now = 900;
    membership.announceComputer("c", makeContainers(2));
    expect(membership.computer("c")?.expiresAt).toBe(1_900);
  });

  it("records when each lease was last refreshed, also when leases never expire", () => {
    const { time, membership } = setup(0);
    membership.announceComputer("c", makeContainers(1));
    membership.announceRouter("r:6473", "r:6474");
    time.now = 700;
    membership.announceComputer("c", makeContainers(1));
    expect(membership.computer("c")?.refreshedAt).toBe(700);
    expect(membership.router("r:6473")?.refreshedAt).toBe(0);
  });

  it("snapshots registrations without leases, for the state file", () => {
    const { membership } = setup(1_000);
    membership.announceComputer("c", makeContainers(1));
    membership.announceRouter("r:6473", "r:6474");
    expect(JSON.parse(JSON.stringify(membership.snapshot()))).toEqual({
      computers: [{ endpoint: "c", containers: makeContainers(1) }],
      routers: [{ lambdaEndpoint: "r:6473", tableEndpoint: "r:6474" }],
    });
  });
});
