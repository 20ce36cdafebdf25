import { isActivationRecord } from "@soe/openwhisk";
import { describe, expect, it } from "vitest";
import { buildActivationRecord } from "./activation-record.js";

describe("buildActivationRecord", () => {
  it("has OpenWhisk's shape: caller as namespace and subject, name without package, path with it", () => {
    const record = buildActivationRecord({
      activationId: "c7bb1339cb4f40e3a6ccead6c99f804e",
      caller: { namespace: "guest", subject: "guest" },
      action: { namespace: "guest", packageName: "demo", name: "hello" },
      start: 1714557600123,
      end: 1714557600129,
      status: "application error",
      result: { error: "Error message" },
    });
    expect(isActivationRecord(record)).toBe(true);
    expect(record).toEqual({
      activationId: "c7bb1339cb4f40e3a6ccead6c99f804e",
      namespace: "guest",
      name: "hello",
      version: "0.0.1",
      subject: "guest",
      publish: false,
      start: 1714557600123,
      end: 1714557600129,
      duration: 6,
      response: {
        result: { error: "Error message" },
        size: 25,
        status: "application error",
        success: false,
      },
      logs: [],
      annotations: [
        { key: "path", value: "guest/demo/hello" },
        { key: "waitTime", value: 0 },
        { key: "timeout", value: false },
      ],
    });
  });

  it("never has an end before its start (clocks can step back)", () => {
    const record = buildActivationRecord({
      activationId: "0".repeat(32),
      caller: { namespace: "guest", subject: "guest" },
      action: { namespace: "guest", name: "copy" },
      start: 100,
      end: 90,
      status: "success",
      result: { payload: "x" },
    });
    expect([record.end, record.duration, record.response.success]).toEqual([100, 0, true]);
  });

  it("carries the action's version, kind and limits when the domain knows them", () => {
    const limits = { timeout: 5_000, memory: 128, logs: 10, concurrency: 1 };
    const record = buildActivationRecord({
      activationId: "0".repeat(32),
      caller: { namespace: "guest", subject: "guest" },
      action: { namespace: "guest", name: "copy" },
      start: 100,
      end: 110,
      status: "success",
      result: {},
      actionFacts: { version: "0.0.3", kind: "nodejs:20", limits },
    });
    expect(record.version).toBe("0.0.3");
    expect(record.annotations).toEqual([
      { key: "path", value: "guest/copy" },
      { key: "waitTime", value: 0 },
      { key: "kind", value: "nodejs:20" },
      { key: "timeout", value: false },
      { key: "limits", value: limits },
    ]);
  });
});
