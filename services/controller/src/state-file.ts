import { readFileSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { soev1 } from "@soe/proto";
import { Backoff, type BackoffOptions } from "@soe/runtime";
import { type DesiredEntity, documentDigest, type EntityId } from "./domain-entity.js";
import type { SavedInstallation } from "./installation-registry.js";
import type { Container, MembershipSnapshot } from "./membership.js";

/**
 * Everything the controller keeps across restarts: membership, and (issue 10) the desired
 * OpenWhisk entities and the registered installations. Files written before issue 10 have
 * neither, and load as empty.
 */
export interface ControllerState extends MembershipSnapshot {
  readonly entities?: readonly DesiredEntity[];
  readonly installations?: readonly SavedInstallation[];
}

/** A state file as read: every section present. */
export interface SavedState extends MembershipSnapshot {
  readonly entities: readonly DesiredEntity[];
  readonly installations: readonly SavedInstallation[];
}

/** The `--state-file` cannot be used: unreadable, not JSON, or not a controller state. */
export class InvalidStateFile extends Error {
  override readonly name = "InvalidStateFile";
}

const VERSION = 1;

/** The file's text: the state with a format version, one registration or entity per line for diffs. */
export function formatState(state: ControllerState): string {
  const list = (items: readonly unknown[]) => items.map((i) => `\n${JSON.stringify(i)}`).join(",");
  const lines = [
    `{"version":${VERSION},`,
    `"computers":[${list(state.computers)}],`,
    `"routers":[${list(state.routers)}],`,
    `"installations":[${list(state.installations ?? [])}],`,
    `"entities":[${list((state.entities ?? []).map(savedEntity))}]}`,
  ];
  return `${lines.join("\n")}\n`;
}

// The document is kept as its text, so the file stays readable and the digest can be checked.
const utf8 = new TextDecoder("utf-8", { fatal: true });
const KINDS = new Map<string, soev1.EntityKind>([
  ["action", soev1.EntityKind.ACTION],
  ["package", soev1.EntityKind.PACKAGE],
]);

/** An entity as the state file (and the etcd store) writes it: the document as text. */
export function savedEntity(entity: DesiredEntity) {
  const { ref, version, digest, updatedUnixMs } = entity;
  const kind = ref.kind === soev1.EntityKind.PACKAGE ? "package" : "action";
  return {
    kind,
    namespace: ref.namespace,
    package: ref.package,
    name: ref.name,
    version,
    digest,
    updatedUnixMs,
    document: utf8.decode(entity.document),
  };
}

/** Parses a state file's text; `source` names it in errors. */
export function parseState(text: string, source: string): SavedState {
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
  const installations = optionalList(data.installations, "installations", invalid).map(
    (x: unknown, i: number): SavedInstallation => {
      if (
        !isObject(x) ||
        !isEndpoint(x.endpoint) ||
        typeof x.namespace !== "string" ||
        x.namespace === "" ||
        !isLabels(x.labels) ||
        !Number.isSafeInteger(x.leaseTtlMs) ||
        (x.leaseTtlMs as number) < 0
      ) {
        throw invalid(`installation #${i} is not {endpoint, namespace, labels, leaseTtlMs}`);
      }
      const { endpoint, namespace, labels, leaseTtlMs } = x as unknown as SavedInstallation;
      return { endpoint, namespace, labels: { ...labels }, leaseTtlMs };
    },
  );
  const entities = optionalList(data.entities, "entities", invalid).map((x: unknown, i: number) =>
    parseEntity(x, (what) => invalid(`entity #${i} ${what}`)),
  );
  return { computers, routers, installations, entities };
}

function optionalList(
  value: unknown,
  name: string,
  invalid: (what: string) => InvalidStateFile,
): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`${name} is not a list`);
  return value;
}

function parseEntity(x: unknown, invalid: (what: string) => InvalidStateFile): DesiredEntity {
  if (!isObject(x)) throw invalid("is not an object");
  const kind = typeof x.kind === "string" ? KINDS.get(x.kind) : undefined;
  if (kind === undefined) throw invalid(`has kind ${JSON.stringify(x.kind)}`);
  for (const field of ["namespace", "package", "name", "version", "digest", "document"]) {
    if (typeof x[field] !== "string") throw invalid(`has no ${field}`);
  }
  const ref = x as unknown as EntityId & { version: string; digest: string; document: string };
  if (ref.namespace === "" || ref.name === "" || ref.version === "") {
    throw invalid("has an empty namespace, name or version");
  }
  if (kind === soev1.EntityKind.PACKAGE && ref.package !== "")
    throw invalid("is a package in a package");
  if (!Number.isSafeInteger(x.updatedUnixMs) || (x.updatedUnixMs as number) < 0) {
    throw invalid("has no updatedUnixMs");
  }
  const document = new TextEncoder().encode(ref.document);
  // A document edited or cut by hand would be applied as is: its digest tells.
  if (documentDigest(document) !== ref.digest)
    throw invalid(`${ref.name}: the digest does not match the document`);
  return {
    ref: { kind, namespace: ref.namespace, package: ref.package, name: ref.name },
    document,
    version: ref.version,
    digest: ref.digest,
    updatedUnixMs: x.updatedUnixMs as number,
  };
}

function isLabels(value: unknown): value is Record<string, string> {
  return isObject(value) && Object.values(value).every((v) => typeof v === "string");
}

/** The state saved at `path`, or undefined if there is none yet (a first start). */
export function readStateFile(path: string): SavedState | undefined {
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
  /** The state to save, read when a write happens (so bursts collapse into one write). */
  readonly snapshot: () => ControllerState;
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
