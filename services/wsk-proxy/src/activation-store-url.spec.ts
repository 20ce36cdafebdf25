import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  describeActivationStore,
  openActivationStore,
  parseActivationStoreUrl,
} from "./activation-store-url.js";
import { MemoryActivationStore } from "./activation-store.js";
import { BufferedActivationStore } from "./buffered-activation-store.js";
import { redactedUrl } from "./postgres-activation-store.js";

describe("parseActivationStoreUrl", () => {
  it("reads memory, sqlite:PATH and postgres:// URLs", () => {
    expect(parseActivationStoreUrl("memory")).toEqual({ kind: "memory" });
    expect(parseActivationStoreUrl("sqlite:data/activations.db")).toEqual({
      kind: "sqlite",
      path: "data/activations.db",
    });
    expect(parseActivationStoreUrl("sqlite:/var/lib/soe/a.db")).toEqual({
      kind: "sqlite",
      path: "/var/lib/soe/a.db",
    });
    expect(parseActivationStoreUrl("sqlite:///var/lib/soe/a.db")).toEqual({
      kind: "sqlite",
      path: "/var/lib/soe/a.db",
    });
    expect(parseActivationStoreUrl("postgres://u:p@db:5432/soe")).toEqual({
      kind: "postgres",
      url: "postgres://u:p@db:5432/soe",
    });
    expect(parseActivationStoreUrl("postgresql://db/soe").kind).toBe("postgres");
  });

  it("refuses anything else without repeating a password", () => {
    expect(() => parseActivationStoreUrl("sqlite:")).toThrow(/needs a file/);
    expect(() => parseActivationStoreUrl("redis://x")).toThrow(/memory, sqlite:PATH or postgres/);
    expect(() => parseActivationStoreUrl("mysql://user:hunter2@db/x")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("hunter2") }),
    );
    expect(() => parseActivationStoreUrl("postgres://user:hunter2@[bad/x")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("hunter2") }),
    );
  });
});

describe("describeActivationStore", () => {
  it("hides the postgres password", () => {
    expect(
      describeActivationStore(parseActivationStoreUrl("postgres://soe:hunter2@db:5432/soe")),
    ).toBe("postgres://soe:***@db:5432/soe");
    expect(redactedUrl("postgres://soe@db/soe?password=hunter2")).not.toContain("hunter2");
    expect(describeActivationStore({ kind: "sqlite", path: "a.db" })).toBe("sqlite:a.db");
  });
});

describe("openActivationStore", () => {
  it("opens the store the spec names", async () => {
    expect(openActivationStore({ kind: "memory" })).toBeInstanceOf(MemoryActivationStore);
    const dir = mkdtempSync(join(tmpdir(), "soe-store-url-"));
    try {
      const sqlite = openActivationStore({ kind: "sqlite", path: join(dir, "new", "a.db") });
      expect(sqlite).toBeInstanceOf(BufferedActivationStore);
      await sqlite.close?.();
      const postgres = openActivationStore({
        kind: "postgres",
        url: "postgres://u:p@127.0.0.1:1/x",
      });
      expect(postgres).toBeInstanceOf(BufferedActivationStore);
      await postgres.close?.();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
