import { describe, expect, it } from "vitest";
import { exitCodeOf, UsageError } from "./cli-io.js";

function sink() {
  const sink = { text: "", write: (t: string) => (sink.text += t) };
  return sink;
}

describe("exitCodeOf", () => {
  it("passes the tool's own exit code through", async () => {
    expect(await exitCodeOf("tool", sink(), async () => 3)).toBe(3);
  });

  it("reports a usage error like a bad option, with exit code 2", async () => {
    const err = sink();
    const code = await exitCodeOf("tool", err, async () => {
      throw new UsageError("Invalid --sizes option");
    });
    expect(code).toBe(2);
    expect(err.text).toBe("tool: Invalid --sizes option\nTry 'tool --help'.\n");
  });

  it("reports any other failure on one line, with exit code 1", async () => {
    const err = sink();
    const code = await exitCodeOf("tool", err, async () => {
      throw new Error("ENOENT: no such file\nor directory");
    });
    expect(code).toBe(1);
    expect(err.text).toBe("tool: ENOENT: no such file or directory\n");
  });
});
