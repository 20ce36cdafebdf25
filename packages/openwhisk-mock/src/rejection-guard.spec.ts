import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// A test runner listens for unhandled rejections itself (and fails the run on one), so the
// guard is tested where it matters: a plain Node process, which would otherwise crash.
const runnerModule = fileURLToPath(new URL("./action-runner.ts", import.meta.url));

const script = `
import { ActionRunner } from ${JSON.stringify(runnerModule)};
const runner = new ActionRunner({ clock: () => 0, maxResultBytes: 1 << 20, maxLogBytes: 1 << 16 });
const run = (code) => runner.run({ cacheKey: code, code, main: "main", params: {}, timeoutMs: 5000, filename: "t.js" });
const stray = await run("function main() { Promise.reject(new Error('stray')); return new Promise((r) => setTimeout(() => r({ late: true }), 50)); }");
const next = await run("function main() { return { ok: true } }");
runner.close();
console.log(JSON.stringify({ stray, next }));
`;

describe("rejection guard", () => {
  it("keeps a plain Node process alive and blames the activation that left a rejection unhandled", () => {
    const child = spawnSync(
      process.execPath,
      ["--conditions=@soe/source", "--import", "tsx", "--input-type=module", "-e", script],
      { encoding: "utf8", timeout: 15_000 },
    );
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const { stray, next } = JSON.parse(child.stdout);
    expect(stray).toMatchObject({
      status: "action developer error",
      result: { error: "The action did not produce a valid response and exited unexpectedly." },
    });
    expect(stray.logs.join("\n")).toContain("Unhandled rejection: Error: stray");
    expect(next).toMatchObject({ status: "success", result: { ok: true } });
  });

  it("leaves Node's default in place for rejections that are not from an action", () => {
    const child = spawnSync(
      process.execPath,
      [
        "--conditions=@soe/source",
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `import { ActionRunner } from ${JSON.stringify(runnerModule)};
         new ActionRunner({ clock: () => 0, maxResultBytes: 1, maxLogBytes: 1 });
         Promise.reject(new Error("host bug"));
         setTimeout(() => console.log("survived"), 200);`,
      ],
      { encoding: "utf8", timeout: 15_000 },
    );
    expect(child.status).not.toBe(0);
    expect(child.stdout).not.toContain("survived");
    expect(child.stderr).toContain("host bug");
  });
});
