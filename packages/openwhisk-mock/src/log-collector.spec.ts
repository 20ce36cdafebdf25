import { describe, expect, it } from "vitest";
import { LogCollector, timestamp } from "./log-collector.js";

describe("LogCollector", () => {
  it("prints OpenWhisk's nanosecond timestamps from a millisecond clock", () => {
    expect(timestamp(Date.UTC(2024, 4, 1, 10, 0, 0, 123))).toBe("2024-05-01T10:00:00.123000000Z");
  });

  it("writes one entry per line, with its stream", () => {
    const logs = new LogCollector(() => 0, 1000);
    logs.write("stdout", "a\nb");
    logs.write("stderr", "c");
    expect(logs.lines).toEqual([
      "1970-01-01T00:00:00.000000000Z stdout: a",
      "1970-01-01T00:00:00.000000000Z stdout: b",
      "1970-01-01T00:00:00.000000000Z stderr: c",
    ]);
  });

  it("stops at the byte limit with one truncation notice", () => {
    const logs = new LogCollector(() => 0, 4);
    logs.write("stdout", "abc");
    logs.write("stdout", "def");
    logs.write("stdout", "ghi");
    expect(logs.lines).toHaveLength(2);
    expect(logs.lines[1]).toContain(
      "Logs were truncated because the total bytes size exceeds the limit of 4 bytes.",
    );
  });
});
