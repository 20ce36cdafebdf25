import { describe, expect, it } from "vitest";
import { ActivationStatus } from "./activation-status.js";
import { memoryLimitOf, sequenceRecord } from "./sequence-record.js";

const accounting = {
  response: { status: ActivationStatus.success, success: true, result: { n: 1 } },
  logs: ["c1", "c2"],
  atomicCount: 2,
  duration: 25,
  maxMemory: 256,
};
const base = {
  activationId: "s1",
  caller: { namespace: "guest", subject: "guest" },
  name: "seq",
  path: "guest/pkg/seq",
  version: "0.0.2",
  start: 1000,
  end: 1100,
  waitTime: 3,
  accounting,
  limits: { timeout: 60000, memory: 256, logs: 10, concurrency: 1 },
};

describe("sequenceRecord", () => {
  it("builds the topmost sequence's record as OpenWhisk does", () => {
    expect(sequenceRecord({ ...base, accounting: { ...accounting, maxMemory: 512 } })).toEqual({
      activationId: "s1",
      namespace: "guest",
      name: "seq",
      version: "0.0.2",
      subject: "guest",
      publish: false,
      start: 1000,
      end: 1100,
      duration: 25,
      response: { status: "success", success: true, result: { n: 1 }, size: 7 },
      logs: ["c1", "c2"],
      annotations: [
        { key: "topmost", value: true },
        { key: "path", value: "guest/pkg/seq" },
        { key: "kind", value: "sequence" },
        { key: "waitTime", value: 3 },
        { key: "limits", value: { timeout: 60000, memory: 512, logs: 10, concurrency: 1 } },
      ],
    });
  });

  it("marks an inner sequence with its cause, causedBy and topmost false", () => {
    const record = sequenceRecord({ ...base, cause: "outer" });
    expect(record.cause).toBe("outer");
    expect(record.annotations.slice(0, 4)).toEqual([
      { key: "topmost", value: false },
      { key: "path", value: "guest/pkg/seq" },
      { key: "kind", value: "sequence" },
      { key: "causedBy", value: "sequence" },
    ]);
  });

  it("has no limits annotation when no component told its memory", () => {
    const record = sequenceRecord({ ...base, accounting: { ...accounting, maxMemory: undefined } });
    expect(record.annotations.map((a) => a.key)).not.toContain("limits");
    expect(record).not.toHaveProperty("cause");
  });
});

describe("memoryLimitOf", () => {
  it("reads the memory of a limits annotation", () => {
    expect(memoryLimitOf([{ key: "limits", value: { memory: 128 } }])).toBe(128);
    expect(memoryLimitOf([{ key: "path", value: "x" }])).toBeUndefined();
  });
});
