import type { Logger } from "@soe/runtime";
import { type ActivationStore, MemoryActivationStore } from "./activation-store.js";
import { openPostgresActivationStore, redactedUrl } from "./postgres-activation-store.js";
import { openSqliteActivationStore } from "./sqlite-activation-store.js";

/** Where `--activation-store` says the proxy keeps its activations. */
export type ActivationStoreSpec =
  | { readonly kind: "memory" }
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string };

/**
 * `memory`, `sqlite:PATH` (relative to the working folder, or absolute) or
 * `postgres://user:password@host:port/database` (also `postgresql://`).
 */
export function parseActivationStoreUrl(text: string): ActivationStoreSpec {
  const value = text.trim();
  if (value === "memory") return { kind: "memory" };
  if (value.startsWith("sqlite:")) {
    const path = value.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    if (path === "")
      throw new Error("--activation-store sqlite: needs a file, e.g. sqlite:data/activations.db");
    return { kind: "sqlite", path };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      // The text may hold a password: only its scheme is repeated.
      throw new Error("--activation-store: the postgres:// URL does not parse");
    }
    return { kind: "postgres", url: value };
  }
  throw new Error(
    `--activation-store must be memory, sqlite:PATH or postgres://..., not "${value.includes("@") ? "(hidden)" : value}"`,
  );
}

/** What logs may say about the store: the postgres URL without its password. */
export function describeActivationStore(spec: ActivationStoreSpec): string {
  switch (spec.kind) {
    case "memory":
      return "memory";
    case "sqlite":
      return `sqlite:${spec.path}`;
    case "postgres":
      return redactedUrl(spec.url);
  }
}

export interface OpenActivationStoreOptions {
  readonly maxCount?: number;
  readonly maxAgeMs?: number;
  readonly clock?: () => number;
  readonly logger?: Logger;
}

export function openActivationStore(
  spec: ActivationStoreSpec,
  options: OpenActivationStoreOptions = {},
): ActivationStore {
  switch (spec.kind) {
    case "memory": {
      const { logger: _, ...memory } = options;
      return new MemoryActivationStore(memory);
    }
    case "sqlite":
      return openSqliteActivationStore(spec.path, options);
    case "postgres":
      return openPostgresActivationStore(spec.url, options);
  }
}
