import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openOutputFile } from "./output-file.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "soe-cli-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTo(path: string, append: boolean, text: string) {
  const output = await openOutputFile(path, append, { write: () => true });
  output.sink.write(text);
  await output.close();
}

describe("openOutputFile", () => {
  it("truncates the file, or appends to it with --append", async () => {
    const path = join(dir, "out.txt");
    await writeTo(path, false, "a\n");
    await writeTo(path, true, "b\n");
    expect(await readFile(path, "utf8")).toBe("a\nb\n");
    await writeTo(path, false, "c\n");
    expect(await readFile(path, "utf8")).toBe("c\n");
  });

  it("writes the reference's default /dev/stdout, and -, to the given standard output", async () => {
    let written = "";
    const stdout = { write: (t: string) => (written += t) };
    for (const path of ["/dev/stdout", "-"]) {
      const output = await openOutputFile(path, false, stdout);
      output.sink.write(`${path}\n`);
      await output.close();
    }
    expect(written).toBe("/dev/stdout\n-\n");
  });

  it("says which file it could not open", async () => {
    const path = join(dir, "missing", "out.txt");
    await expect(openOutputFile(path, false, { write: () => true })).rejects.toThrow(
      `Could not open '${path}'`,
    );
  });
});
