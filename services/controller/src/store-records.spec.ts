import { soev1 } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { DesiredState } from "./desired-state.js";
import { InvalidStateFile } from "./state-file.js";
import {
  eventKeys,
  membershipRecord,
  parseKey,
  parseRecord,
  parseRecords,
  stateRecords,
} from "./store-records.js";

const action = { kind: soev1.EntityKind.ACTION, namespace: "guest", package: "utils", name: "a/b" };

function sampleState() {
  const desired = new DesiredState();
  desired.put(action, new TextEncoder().encode('{"exec":{"kind":"nodejs:20"}}'), 1_000);
  return {
    computers: [
      {
        endpoint: "c1:1",
        containers: [{ name: "k", processor: "cpu", lambda: "l0", numWorkers: 2 }],
      },
    ],
    routers: [{ lambdaEndpoint: "r1:1", tableEndpoint: "r1:2" }],
    installations: [
      { endpoint: "w1:1", namespace: "guest", labels: { zone: "a" }, leaseTtlMs: 900 },
    ],
    entities: desired.entities(),
  };
}

describe("store records", () => {
  it("splits a state into one record per key and reads it back whole", () => {
    const records = stateRecords(sampleState());
    expect([...records.keys()]).toEqual([
      "computers/c1%3A1",
      "routers/r1%3A1",
      "installations/w1%3A1",
      "entities/action/guest/utils/a%2Fb",
    ]);
    expect(parseRecords(records, "etcd://x")).toEqual(sampleState());
  });

  it("reads one record, and names what a key stands for", () => {
    const records = stateRecords(sampleState());
    const key = "routers/r1%3A1";
    expect(parseRecord(key, records.get(key) ?? "", "etcd://x")).toEqual({
      kind: "router",
      lambdaEndpoint: "r1:1",
      tableEndpoint: "r1:2",
    });
    expect(parseKey("entities/action/guest/utils/a%2Fb")).toEqual({ kind: "entity", ref: action });
    expect(parseKey("computers/c1%3A1")).toEqual({ kind: "computer", endpoint: "c1:1" });
    expect(parseKey("leader/694d7b1f")).toBeUndefined();
    expect(parseRecord("leader/694d7b1f", "{}", "etcd://x")).toBeUndefined();
  });

  it("refuses an invalid record, naming its key", () => {
    expect(() => parseRecord("computers/c1", '{"endpoint":"c1"}', "etcd://x")).toThrow(
      InvalidStateFile,
    );
    expect(() => parseRecord("computers/c1", '{"endpoint":"c1"}', "etcd://x")).toThrow(
      "etcd://x computers/c1",
    );
  });

  it("writes one membership record alone as the whole state writes it", () => {
    const state = sampleState();
    const records = stateRecords(state);
    const source = {
      computer: (endpoint: string) => state.computers.find((c) => c.endpoint === endpoint),
      router: (endpoint: string) => state.routers.find((r) => r.lambdaEndpoint === endpoint),
    };
    for (const key of ["computers/c1%3A1", "routers/r1%3A1"]) {
      expect(membershipRecord(source, key)).toBe(records.get(key));
    }
    expect(membershipRecord(source, "computers/gone%3A1")).toBeUndefined();
    expect(membershipRecord(source, "installations/w1%3A1")).toBeUndefined();
    expect(
      eventKeys({ kind: "computer-removed", endpoint: "c1:1", lambdas: [], cause: "expired" }),
    ).toEqual(["computers/c1%3A1"]);
    expect(
      eventKeys({ kind: "router-added", lambdaEndpoint: "r1:1", tableEndpoint: "r1:2" }),
    ).toEqual(["routers/r1%3A1"]);
    expect(eventKeys({ kind: "lambda-added", lambda: "l0" })).toEqual([]);
  });
});
