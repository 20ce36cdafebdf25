import type { RouteChangeSet } from "./route-change-queue.js";

// Field tags of soe.v1.RouteChange (table_sync.proto): (number << 3) | wire type.
const DESTINATION = (1 << 3) | 2;
const LAMBDAS = (2 << 3) | 2;
const WEIGHT = (3 << 3) | 1;
const FINAL = (4 << 3) | 0;
const REMOVE = (5 << 3) | 0;

/** Strings remembered at most; a domain has a few thousand end-points and lambda names. */
const MAX_CACHED = 100_000;

/**
 * `soe.v1.RouteChange` in its binary form, each distinct string encoded once. A flat domain sends
 * the same lambda names and computer end-points to every router, batch after batch: encoded by
 * protobuf-es, a million pairs cost a million UTF-8 encodings (most of the controller's CPU in
 * `pnpm bench:controller`); here they cost a copy each. The output is what `toBinary` writes for
 * the message, length-prefixed, ready to be carried as the `changes` field of an
 * ApplyBatchRequest (route-change-encoding.spec.ts holds the two equal).
 */
export class RouteChangeEncoder {
  readonly #destinations = new Map<string, Uint8Array>();
  readonly #lambdas = new Map<string, Uint8Array>();
  /** A set shared by every router's batch (RouteChangeQueue) is encoded for the first only. */
  readonly #encoded = new WeakMap<RouteChangeSet, Uint8Array>();
  readonly #utf8 = new TextEncoder();
  readonly #float = new DataView(new ArrayBuffer(8));

  /** The message, preceded by its length (a length-delimited field's payload). */
  encode(change: RouteChangeSet): Uint8Array {
    let encoded = this.#encoded.get(change);
    if (encoded === undefined) {
      encoded = this.#encode(change);
      this.#encoded.set(change, encoded);
    }
    return encoded;
  }

  #encode(change: RouteChangeSet): Uint8Array {
    const parts: Uint8Array[] = [];
    let size = 0;
    const add = (part: Uint8Array) => {
      parts.push(part);
      size += part.length;
    };
    if (change.destination !== "") {
      add(this.#field(this.#destinations, DESTINATION, change.destination));
    }
    for (const lambda of change.lambdas) add(this.#field(this.#lambdas, LAMBDAS, lambda));
    if (change.weight !== 0) {
      this.#float.setFloat64(0, change.weight, true);
      add(Uint8Array.of(WEIGHT, ...new Uint8Array(this.#float.buffer)));
    }
    if (change.final) add(Uint8Array.of(FINAL, 1));
    if (change.remove) add(Uint8Array.of(REMOVE, 1));

    const out = new Uint8Array(varintSize(size) + size);
    let at = writeVarint(out, 0, size);
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** Tag, length and UTF-8 bytes of a string field. */
  #field(cache: Map<string, Uint8Array>, tag: number, value: string): Uint8Array {
    let field = cache.get(value);
    if (field === undefined) {
      const bytes = this.#utf8.encode(value);
      field = new Uint8Array(1 + varintSize(bytes.length) + bytes.length);
      field[0] = tag;
      field.set(bytes, writeVarint(field, 1, bytes.length));
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(value, field);
    }
    return field;
  }
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function writeVarint(out: Uint8Array, at: number, value: number): number {
  let rest = value;
  while (rest >= 0x80) {
    out[at++] = (rest & 0x7f) | 0x80;
    rest = Math.floor(rest / 128);
  }
  out[at++] = rest;
  return at;
}
