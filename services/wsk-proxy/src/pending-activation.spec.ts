import type { ActivationRecord } from "@soe/openwhisk";
import { describe, expect, it } from "vitest";
import { buildActivationRecord } from "./activation-record.js";
import {
  completeRecord,
  logsUnread,
  PENDING_ANNOTATION,
  pendingOf,
  pendingRecord,
  withBackendDetails,
  withLogsUnread,
  withoutMarks,
} from "./pending-activation.js";

const PROXY_ID = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const BACKEND_ID = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const backend = { activationId: BACKEND_ID, installation: "10.0.0.7:6480" };

const placeholder = buildActivationRecord({
  activationId: PROXY_ID,
  caller: { namespace: "alice", subject: "alice" },
  action: { namespace: "guest", packageName: "demo", name: "slow" },
  start: 1_000,
  end: 1_900,
  status: "success",
  result: {},
});

/** What an OpenWhisk (the mock) keeps for the same run, in its own namespace and ids. */
const backendRecord: ActivationRecord = {
  activationId: BACKEND_ID,
  namespace: "guest",
  name: "slow",
  version: "0.0.3",
  subject: "installation-key",
  publish: false,
  start: 1_050,
  end: 4_050,
  duration: 3_000,
  cause: "cccccccccccccccccccccccccccccccc",
  response: { status: "success", success: true, result: { done: true }, size: 13 },
  logs: ["2026-12-05T08:00:01.000Z stdout: working"],
  annotations: [
    { key: "path", value: "guest/demo/slow" },
    { key: "waitTime", value: 4 },
    { key: "kind", value: "nodejs:20" },
    { key: "timeout", value: false },
    { key: "limits", value: { concurrency: 1, logs: 10, memory: 256, timeout: 60000 } },
    { key: "initTime", value: 12 },
    { key: "causedBy", value: "sequence" },
  ],
};

describe("pending activation records", () => {
  it("mark where the record will come from, and nothing ended yet", () => {
    const pending = pendingRecord(placeholder, backend);
    expect(pendingOf(pending)).toEqual(backend);
    expect(pending.end).toBeUndefined();
    expect(pending.duration).toBeUndefined();
    expect(pending.activationId).toBe(PROXY_ID);
    expect(pendingOf(placeholder)).toBeUndefined();
  });

  it("ignore a marker without both ids", () => {
    const odd = { ...placeholder, annotations: [{ key: PENDING_ANNOTATION, value: "x" }] };
    expect(pendingOf(odd)).toBeUndefined();
  });

  it("complete as the proxy's record with the backend's run: version, times, result, logs, kind, limits", () => {
    const final = completeRecord(pendingRecord(placeholder, backend), backendRecord);
    expect(final).toEqual({
      activationId: PROXY_ID,
      namespace: "alice",
      name: "slow",
      version: "0.0.3",
      subject: "alice",
      publish: false,
      start: 1_050,
      end: 4_050,
      duration: 3_000,
      response: backendRecord.response,
      logs: ["2026-12-05T08:00:01.000Z stdout: working"],
      annotations: [
        { key: "path", value: "guest/demo/slow" },
        { key: "waitTime", value: 4 },
        { key: "timeout", value: false },
        { key: "kind", value: "nodejs:20" },
        { key: "limits", value: { concurrency: 1, logs: 10, memory: 256, timeout: 60000 } },
        { key: "initTime", value: 12 },
      ],
    });
    expect(pendingOf(final)).toBeUndefined();
  });

  it("keep the domain's version, kind and limits when it knew them", () => {
    const domainLimits = { concurrency: 1, logs: 10, memory: 128, timeout: 5000 };
    const known = buildActivationRecord({
      activationId: PROXY_ID,
      caller: { namespace: "alice", subject: "alice" },
      action: { namespace: "guest", packageName: "demo", name: "slow" },
      start: 1_000,
      end: 1_900,
      status: "success",
      result: {},
      actionFacts: { version: "0.0.7", kind: "nodejs:18", limits: domainLimits },
    });
    const final = completeRecord(pendingRecord(known, backend), backendRecord);
    expect(final.version).toBe("0.0.7");
    const byKey = new Map(final.annotations.map((a) => [a.key, a.value]));
    expect(byKey.get("kind")).toBe("nodejs:18");
    expect(byKey.get("limits")).toEqual(domainLimits);
    // How it ran is the backend's to say.
    expect([byKey.get("waitTime"), byKey.get("initTime")]).toEqual([4, 12]);
  });

  it("complete from a sparse backend record without inventing what it lacks", () => {
    const sparse = {
      activationId: BACKEND_ID,
      response: { status: "application error", success: false, result: { error: "no" } },
    } as unknown as ActivationRecord;
    const final = completeRecord(pendingRecord(placeholder, backend), sparse);
    expect(final).toMatchObject({
      version: placeholder.version,
      start: 1_000,
      end: 1_000,
      duration: 0,
      logs: [],
      response: { status: "application error", result: { error: "no" } },
    });
    expect(final.annotations.map((a) => a.key)).toEqual(["path", "waitTime", "timeout"]);
  });
});

describe("records answered at once", () => {
  it("are marked until their logs are read, and shown without the mark", () => {
    const marked = withLogsUnread(placeholder);
    expect(logsUnread(marked)).toBe(true);
    expect(logsUnread(placeholder)).toBe(false);
    expect(withoutMarks(marked)).toEqual(placeholder);
    expect(withoutMarks(placeholder)).toBe(placeholder);
  });

  it("take the backend's logs and what the proxy did not know, and keep what their caller saw", () => {
    const final = withBackendDetails(withLogsUnread(placeholder), backendRecord);
    expect(final).toEqual({
      ...placeholder,
      logs: backendRecord.logs,
      annotations: [
        ...placeholder.annotations,
        { key: "kind", value: "nodejs:20" },
        { key: "limits", value: { concurrency: 1, logs: 10, memory: 256, timeout: 60000 } },
        { key: "initTime", value: 12 },
      ],
    });
  });
});
