import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { soev1 } from "@soe/proto";
import { type DesiredEntity, documentDigest } from "./domain-entity.js";
import {
  formatState,
  InvalidStateFile,
  parseState,
  readStateFile,
  type SavedState,
  StateFile,
  writeFileAtomic,
} from "./state-file.js";

const snapshot = (n = 1): SavedState => ({
  installations: [],
  entities: [],
  computers: Array.from({ length: n }, (_, i) => ({
    endpoint: `host${i}:6473`,
    containers: [{ name: "c0", processor: "cpu", lambda: `lambda${i}`, numWorkers: 2 }],
  })),
  routers: [{ lambdaEndpoint: "r:6473", tableEndpoint: "r:6474" }],
});

function entity(pkg: string, name: string, json: string): DesiredEntity {
  const document = new TextEncoder().encode(json);
  return {
    ref: { kind: soev1.EntityKind.ACTION, namespace: "guest", package: pkg, name },
    document,
    version: "0.0.3",
    digest: documentDigest(document),
    updatedUnixMs: 1_764_000_000_000,
  };
}
const ow = { endpoint: "ow1:6473", namespace: "guest", labels: { zone: "a" }, leaseTtlMs: 15_000 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "soe-state-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("state file format", () => {
  it("reads back what it writes", () => {
    expect(parseState(formatState(snapshot(3)), "s.json")).toEqual(snapshot(3));
    expect(parseState(formatState({ computers: [], routers: [] }), "s.json")).toEqual({
      computers: [],
      routers: [],
      installations: [],
      entities: [],
    });
  });

  it("is plain JSON with a version", () => {
    expect(JSON.parse(formatState(snapshot()))).toEqual({ version: 1, ...snapshot() });
  });

  it.each([
    ["", "not JSON"],
    ["{", "not JSON"],
    ["[]", "not a JSON object"],
    ['{"version":2,"computers":[],"routers":[]}', "unsupported version 2"],
    ['{"version":1,"routers":[]}', "no computers list"],
    ['{"version":1,"computers":[{"endpoint":""}],"routers":[]}', "computer #0"],
    [
      '{"version":1,"computers":[{"endpoint":"c:1","containers":[{"name":"n","processor":"p","lambda":"l","numWorkers":-1}]}],"routers":[]}',
      "container #0 of computer c:1",
    ],
    ['{"version":1,"computers":[],"routers":[{"lambdaEndpoint":"r:1"}]}', "router #0"],
  ])("rejects %j with a clear error", (text, message) => {
    expect(() => parseState(text, "s.json")).toThrow(InvalidStateFile);
    expect(() => parseState(text, "s.json")).toThrow(`s.json: ${message}`);
  });

  it("loads a file written before entities and installations were kept", () => {
    const old =
      '{"version":1,\n"computers":[],\n"routers":[\n{"lambdaEndpoint":"r:6473","tableEndpoint":"r:6474"}]}\n';
    expect(parseState(old, "s.json")).toEqual({
      computers: [],
      routers: [{ lambdaEndpoint: "r:6473", tableEndpoint: "r:6474" }],
      installations: [],
      entities: [],
    });
  });

  it("keeps desired entities byte for byte, and installations with their labels", () => {
    const state = {
      ...snapshot(),
      entities: [entity("pkg", "hello", '{"exec":{"code":"ü"}}')],
      installations: [ow],
    };
    const text = formatState(state);
    expect(parseState(text, "s.json")).toEqual(state);
    // Readable: the document is its JSON text, not base64.
    expect(text).toContain('"document":"{\\"exec\\":{\\"code\\":\\"ü\\"}}"');
  });

  it.each([
    ['"installations":{}', "installations is not a list"],
    [
      '"installations":[{"endpoint":"ow:1","namespace":"guest","labels":{"a":1},"leaseTtlMs":0}]',
      "installation #0",
    ],
    ['"entities":[{"kind":"trigger"}]', 'entity #0 has kind "trigger"'],
    [
      '"entities":[{"kind":"action","namespace":"guest","package":"","name":"x","version":"0.0.1","digest":"00","document":"{}","updatedUnixMs":1}]',
      "entity #0 x: the digest does not match the document",
    ],
    [
      '"entities":[{"kind":"action","namespace":"guest","package":"","name":"x","version":"0.0.1","digest":"00","document":"{}"}]',
      "entity #0 has no updatedUnixMs",
    ],
    [
      '"entities":[{"kind":"package","namespace":"guest","package":"p","name":"x"}]',
      "entity #0 has no version",
    ],
  ])("stops at a corrupted section %s", (section, message) => {
    const text = `{"version":1,"computers":[],"routers":[],${section}}`;
    expect(() => parseState(text, "s.json")).toThrow(InvalidStateFile);
    expect(() => parseState(text, "s.json")).toThrow(`s.json: ${message}`);
  });

  it("reads nothing when there is no file yet, and fails on a corrupted one", () => {
    const path = join(dir, "state.json");
    expect(readStateFile(path)).toBeUndefined();
    writeFileSync(path, '{"version":1,"comp');
    expect(() => readStateFile(path)).toThrow(`${path}: not JSON`);
  });
});

describe("writeFileAtomic", () => {
  it("replaces the file and leaves no temporary file behind", async () => {
    const path = join(dir, "state.json");
    await writeFileAtomic(path, "one");
    await writeFileAtomic(path, "two");
    expect(readFileSync(path, "utf8")).toBe("two");
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });
});

describe("StateFile", () => {
  it("collapses a burst of changes into one write of the latest membership", async () => {
    const path = join(dir, "state.json");
    let current = snapshot(1);
    let reads = 0;
    const file = new StateFile({
      path,
      debounceMs: 20,
      snapshot: () => {
        reads++;
        return current;
      },
    });
    for (let n = 1; n <= 5; n++) {
      current = snapshot(n);
      file.changed();
    }
    for (let i = 0; i < 200 && readStateFile(path) === undefined; i++) await sleep(10);
    expect(readStateFile(path)).toEqual(snapshot(5));
    expect(reads).toBe(1);
    await file.close();
    expect(reads).toBe(1); // nothing left unsaved
  });

  it("saves pending changes on close without waiting for the debounce", async () => {
    const path = join(dir, "state.json");
    const file = new StateFile({ path, debounceMs: 60_000, snapshot: () => snapshot(2) });
    file.changed();
    expect(readStateFile(path)).toBeUndefined();
    await file.close();
    expect(readStateFile(path)).toEqual(snapshot(2));
  });

  it("reports a failed background write, and retries it", async () => {
    const errors: unknown[] = [];
    const file = new StateFile({
      path: join(dir, "missing", "state.json"),
      debounceMs: 1,
      retry: { initialMs: 1, maxMs: 1 },
      snapshot: () => snapshot(),
      onError: (error) => errors.push(error),
    });
    file.changed();
    for (let i = 0; i < 200 && errors.length < 3; i++) await sleep(10);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    await expect(file.close()).rejects.toThrow("ENOENT");
  });

  it("fails save and close when the membership cannot be saved", async () => {
    const errors: unknown[] = [];
    const file = new StateFile({
      path: join(dir, "missing", "state.json"),
      debounceMs: 60_000,
      snapshot: () => snapshot(),
      onError: (error) => errors.push(error),
    });
    await expect(file.save()).rejects.toThrow("ENOENT");
    file.changed();
    await expect(file.close()).rejects.toThrow("ENOENT");
    expect(errors).toHaveLength(0); // the caller of save and close is told instead
  });
});
