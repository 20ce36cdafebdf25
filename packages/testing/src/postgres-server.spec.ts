import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { startPostgresServer } from "./postgres-server.js";

const run = promisify(execFile);

/** pg_isready's verdict on a server: 0 accepting, 2 no answer. */
async function isReady(binDir: string, port: number): Promise<number> {
  try {
    await run(join(binDir, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port), "-t", "2"]);
    return 0;
  } catch (error) {
    return (error as { code: number }).code;
  }
}

describe("startPostgresServer", () => {
  it("runs a real server on a loopback port until closed, with a database per caller", async () => {
    const server = await startPostgresServer();
    try {
      expect(server.url).toBe(
        `postgres://${server.user}:${server.password}@127.0.0.1:${server.port}/postgres`,
      );
      expect(await isReady(server.binDir, server.port)).toBe(0);
      expect(await server.createDatabase("one")).toBe(
        `postgres://${server.user}:${server.password}@127.0.0.1:${server.port}/one`,
      );
      await expect(server.createDatabase("one")).rejects.toThrow();
    } finally {
      await server.close();
    }
    expect(await isReady(server.binDir, server.port)).toBe(2);
    await server.close();
  }, 60_000);

  it("says what to install when the binaries are missing", async () => {
    await expect(startPostgresServer({ binDir: "/nonexistent/bin" })).rejects.toThrow(
      /install Debian's postgresql package/,
    );
  });
});
