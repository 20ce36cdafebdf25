import { readFileSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Backoff, type BackoffOptions } from "@soe/runtime";
import type { Container, MembershipSnapshot } from "./membership.js";

/** The `--state-file` cannot be used: unreadable, not JSON, or not a membership snapshot. */
export class InvalidStateFile extends Error {
  override readonly name = "InvalidStateFile";
}

const VERSION = 1;

/** The file's text: the snapshot with a format version, one registration per line for diffs. */
export function formatState(snapshot: MembershipSnapshot): string {
  const lines = [
    `{"version":${VERSION},`,
    `"computers":[${snapshot.computers.map((c) => `\n${JSON.stringify(c)}`).join(",")}],`,
    `"routers":[${snapshot.routers.map((r) => `\n${JSON.stringify(r)}`).join(",")}]}`,
  ];
  return `${lines.join("\n")}\n`;
}

/** Parses a state file's text; `source` names it in errors. */
export function parseState(text: string, source: string): MembershipSnapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidStateFile(`${source}: not JSON (${(error as Error).message})`);
  }
  const invalid = (what: string) => new InvalidStateFile(`${source}: ${what}`);
  if (!isObject(data)) throw invalid("not a JSON object");
  if (data.version !== VERSION)
    throw invalid(`unsupported version ${JSON.stringify(data.version)}`);
  if (!Array.isArray(data.computers)) throw invalid("no computers list");
  if (!Array.isArray(data.routers)) throw invalid("no routers list");

  const computers = data.computers.map((c: unknown, i: number) => {
    if (!isObject(c) || !isEndpoint(c.endpoint) || !Array.isArray(c.containers)) {
      throw invalid(`computer #${i} is not {endpoint, containers}`);
    }
    const containers = c.containers.map((k: unknown, j: number): Container => {
      if (
        !isObject(k) ||
        typeof k.name !== "string" ||
        typeof k.processor !== "string" ||
        typeof k.lambda !== "string" ||
        k.lambda === "" ||
        !Number.isSafeInteger(k.numWorkers) ||
        (k.numWorkers as number) < 0
      ) {
        throw invalid(`container #${j} of computer ${c.endpoint} is invalid`);
      }
      const { name, processor, lambda, numWorkers } = k as unknown as Container;
      return { name, processor, lambda, numWorkers };
    });
    return { endpoint: c.endpoint, containers };
  });
  const routers = data.routers.map((r: unknown, i: number) => {
    if (!isObject(r) || !isEndpoint(r.lambdaEndpoint) || !isEndpoint(r.tableEndpoint)) {
      throw invalid(`router #${i} is not {lambdaEndpoint, tableEndpoint}`);
    }
    return { lambdaEndpoint: r.lambdaEndpoint, tableEndpoint: r.tableEndpoint };
  });
  return { computers, routers };
}

/** The snapshot saved at `path`, or undefined if there is none yet (a first start). */
export function readStateFile(path: string): MembershipSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InvalidStateFile(`${path}: ${(error as Error).message}`);
  }
  return parseState(text, path);
}

/**
 * Replaces `path` with `text` so that a crash at any point leaves either the old or the new
 * file: a temporary file in the same directory (rename is atomic only within a file system),
 * flushed to disk, renamed over the old one, then the directory flushed so the rename persists.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const temporary = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const file = await open(temporary, "w", 0o600);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  const directory = await open(dir, "r");
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

export interface StateFileOptions {
  readonly path: string;
  /** The membership to save, read when a write happens (so bursts collapse into one write). */
  readonly snapshot: () => MembershipSnapshot;
  /** Least time between two writes, ms (default 100). */
  readonly debounceMs?: number;
  /** Delays before retrying a failed write (default 1 s doubling to 30 s). */
  readonly retry?: BackoffOptions;
  /** Told about each failed write; the write is retried. */
  readonly onError?: (error: unknown) => void;
}

/**
 * The controller's membership on disk (`--state-file`, DESIGN §4): saved after changes, at most
 * one write per `debounceMs`, flushed on close, so a restarted controller loses no peer, even
 * one that announced once and never again (reference peers).
 */
export class StateFile {
  readonly #options: StateFileOptions;
  readonly #retry: Backoff;
  /** Changes not yet on disk. */
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  /** Writes run one after another: they share the temporary file. */
  #writes: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: StateFileOptions) {
    this.#options = options;
    this.#retry = new Backoff(options.retry ?? { initialMs: 1_000, maxMs: 30_000 });
  }

  /** The membership changed: save it soon. */
  changed(): void {
    if (this.#closed) return;
    this.#dirty = true;
    if (this.#timer === undefined) this.#schedule(this.#options.debounceMs ?? 100);
  }

  /** Saves now; throws if the file cannot be written (at start: better now than at the first change). */
  save(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.#write();
  }

  /** Saves what is still unsaved, after any write in progress; throws if that fails. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#writes;
    if (this.#dirty) await this.#write();
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#write().then(
        () => this.#retry.reset(),
        (error: unknown) => {
          this.#options.onError?.(error);
          if (!this.#closed && this.#timer === undefined) this.#schedule(this.#retry.next());
        },
      );
    }, delayMs);
  }

  #write(): Promise<void> {
    const write = this.#writes.then(async () => {
      this.#dirty = false;
      try {
        await writeFileAtomic(this.#options.path, formatState(this.#options.snapshot()));
      } catch (error) {
        this.#dirty = true;
        throw error;
      }
    });
    this.#writes = write.catch(() => {});
    return write;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEndpoint(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}
