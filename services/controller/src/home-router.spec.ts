import { describe, expect, it } from "vitest";
import { homeRouterAddress } from "./home-router.js";
import { InvalidNode, Topology } from "./topology.js";

// The reference's hier test topology: host0 and host1 hang off host2, then host3, then host4.
const topology = Topology.parse(
  "host0 0 2 1 2 3\nhost1 2 0 1 2 3\nhost2 1 1 0 1 2\nhost3 2 2 1 0 1\nhost4 3 3 2 1 0\n",
);

describe("homeRouterAddress", () => {
  // reference §10: host0/host1 → host2, host4 → host4, with either objective
  it.each(["min-max", "min-avg"] as const)(
    "places computers like the reference (%s)",
    (objective) => {
      const routers = ["host2", "host4"];
      expect(homeRouterAddress(topology, routers, "host0", objective)).toBe("host2");
      expect(homeRouterAddress(topology, routers, "host1", objective)).toBe("host2");
      expect(homeRouterAddress(topology, routers, "host4", objective)).toBe("host4");
      expect(homeRouterAddress(topology, ["host1", "host2", "host4"], "host1", objective)).toBe(
        "host1",
      );
    },
  );

  it("lets the objectives disagree where max and average costs do", () => {
    // Routers a, b, c; computer x. From a: d(a,x)=1 but a is far from c (max 10, sum 14).
    // From b: d(b,x)=4, close to every router (max 4, sum 8).
    const t = Topology.parse("a 0 4 10 1\n" + "b 4 0 4 4\n" + "c 10 4 0 20\n" + "x 1 4 20 0\n");
    // maxCost a = 1+10 = 11, b = 4+4 = 8; avgCost (N=4) a = 4+14 = 18, b = 16+8 = 24
    expect(homeRouterAddress(t, ["a", "b", "c"], "x", "min-max")).toBe("b");
    expect(homeRouterAddress(t, ["a", "b", "c"], "x", "min-avg")).toBe("a");
  });

  it("breaks ties by address order and has no home without routers", () => {
    const t = Topology.parse("a 0 1 1\nb 1 0 1\nx 1 1 0\n");
    expect(homeRouterAddress(t, ["a", "b"], "x", "min-max")).toBe("a");
    expect(homeRouterAddress(t, [], "x", "min-max")).toBeUndefined();
  });

  it("throws InvalidNode for an address outside the topology", () => {
    expect(() => homeRouterAddress(topology, ["host2"], "host666", "min-max")).toThrow(InvalidNode);
  });
});
