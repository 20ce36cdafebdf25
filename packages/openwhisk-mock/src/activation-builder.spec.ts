import { describe, expect, it } from "vitest";
import { buildActivationRecord, withoutLogs } from "./activation-builder.js";
import type { StoredAction } from "./entity-store.js";

const action: StoredAction = {
  namespace: "guest",
  packageName: "demo",
  name: "hello",
  version: "0.0.3",
  publish: false,
  exec: { kind: "nodejs:20", code: "" },
  parameters: [],
  annotations: [],
  limits: { concurrency: 1, logs: 10, memory: 256, timeout: 60_000 },
  updated: 0,
  sequence: 1,
};

describe("buildActivationRecord", () => {
  const record = buildActivationRecord({
    activationId: "c7bb1339cb4f40e3a6ccead6c99f804e",
    action,
    caller: { namespace: "guest", subject: "guest" },
    accepted: 100,
    start: 105,
    end: 111,
    outcome: {
      status: "success",
      result: { payload: "Hello John" },
      size: 24,
      timedOut: false,
      logs: ["l"],
    },
  });

  it("builds the record OpenWhisk stores", () => {
    expect(record).toEqual({
      activationId: "c7bb1339cb4f40e3a6ccead6c99f804e",
      namespace: "guest",
      name: "hello",
      version: "0.0.3",
      subject: "guest",
      publish: false,
      start: 105,
      end: 111,
      duration: 6,
      response: { result: { payload: "Hello John" }, size: 24, status: "success", success: true },
      logs: ["l"],
      annotations: [
        { key: "path", value: "guest/demo/hello" },
        { key: "waitTime", value: 5 },
        { key: "kind", value: "nodejs:20" },
        { key: "timeout", value: false },
        { key: "limits", value: { concurrency: 1, logs: 10, memory: 256, timeout: 60_000 } },
      ],
    });
  });

  it("has no numeric status code in the response and success only for success", () => {
    expect(record.response).not.toHaveProperty("statusCode");
    expect(withoutLogs(record).logs).toEqual([]);
    expect(record.logs).toEqual(["l"]);
  });
});
