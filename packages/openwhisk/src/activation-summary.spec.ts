import { describe, expect, it } from "vitest";
import { activationSummary } from "./activation-summary.js";
import type { ActivationRecord } from "./api-types.js";

const ended: ActivationRecord = {
  activationId: "1".padStart(32, "0"),
  annotations: [],
  duration: 5,
  end: 1006,
  logs: ["line"],
  name: "copy",
  namespace: "guest",
  publish: false,
  response: { status: "application error", success: false, result: { error: "x" } },
  start: 1001,
  subject: "guest",
  version: "0.0.1",
};

describe("activationSummary", () => {
  it("summarises without response and logs, with the numeric status code", () => {
    const summary = activationSummary(ended);
    expect(summary).toMatchObject({ statusCode: 1, end: 1006, duration: 5 });
    expect(summary).not.toHaveProperty("response");
    expect(summary).not.toHaveProperty("logs");
  });

  it("leaves end, duration and status code out while the activation runs", () => {
    const { end: _end, duration: _duration, ...running } = ended;
    expect(activationSummary(running)).toEqual({
      activationId: ended.activationId,
      namespace: "guest",
      name: "copy",
      version: "0.0.1",
      publish: false,
      annotations: [],
      start: 1001,
    });
    expect(activationSummary({ ...ended, cause: "c" })).toMatchObject({ cause: "c" });
  });
});
