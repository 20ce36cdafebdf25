import { describe, expect, it } from "vitest";
import type { RouterOp } from "./install-plan.js";
import { LeaderInstalls } from "./leader-installs.js";
import type { RouterTableSync } from "./router-table-sync.js";

/** A table sync that records what it is told, one per term. */
function recordingTerms() {
  const terms: string[][] = [];
  const make = () => {
    const log: string[] = [];
    terms.push(log);
    const sync = {
      enqueue: (router: string, ops: readonly RouterOp[]) =>
        log.push(`enqueue ${router} ${ops.length}`),
      replace: (router: string) => log.push(`replace ${router}`),
      resync: (router: string) => log.push(`resync ${router}`),
      drop: (router: string) => log.push(`drop ${router}`),
      status: () => ({ pending: 7, failures: 1 }),
      routers: () => ["r:1"],
      close: async () => {
        log.push("close");
      },
    };
    return sync as unknown as RouterTableSync;
  };
  return { terms, make };
}

describe("LeaderInstalls", () => {
  it("drops every operation on a standby, and reports nothing pending", () => {
    const { terms, make } = recordingTerms();
    const installs = new LeaderInstalls(make);
    installs.enqueue("r:1", []);
    installs.resync("r:1");
    installs.drop("r:1");
    expect(terms).toEqual([]);
    expect(installs.active).toBe(false);
    expect(installs.status("r:1")).toEqual({ pending: 0, failures: 0 });
    expect(installs.routers()).toEqual([]);
  });

  it("gives each leadership term a table sync of its own, closed when the term ends", async () => {
    const { terms, make } = recordingTerms();
    const installs = new LeaderInstalls(make);
    installs.start();
    installs.start(); // already leading: the same term
    installs.enqueue("r:1", []);
    installs.resync("r:2");
    expect(installs.status("r:1")).toEqual({ pending: 7, failures: 1 });
    expect(installs.routers()).toEqual(["r:1"]);
    await installs.stop();
    installs.enqueue("r:1", []); // standing by: dropped
    installs.start();
    installs.replace("r:1", []);
    expect(terms).toEqual([["enqueue r:1 0", "resync r:2", "close"], ["replace r:1"]]);
  });
});
