import { PassThrough, Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { readBounded, readBoundedStream } from "./bounded-body.js";

function request(chunks: string[]): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
  return new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("readBounded", () => {
  test("returns the whole body up to the limit", async () => {
    const read = await readBounded(request(["ab", "cd"]), 4);
    expect(read.ok && Buffer.from(read.bytes).toString()).toBe("abcd");
  });

  test("stops once the body grows past the limit, saying how much it saw", async () => {
    expect(await readBounded(request(["ab", "cd", "ef"]), 3)).toEqual({ ok: false, size: 4 });
  });

  test("a request without a body is empty", async () => {
    const read = await readBounded(new Request("http://x/"), 1);
    expect(read).toEqual({ ok: true, bytes: new Uint8Array() });
  });
});

describe("readBoundedStream", () => {
  test("returns the whole body up to the limit", async () => {
    const read = await readBoundedStream(Readable.from([Buffer.from("ab"), Buffer.from("cd")]), 4);
    expect(read.ok && Buffer.from(read.bytes).toString()).toBe("abcd");
  });

  test("stops once the body grows past the limit, saying how much it saw", async () => {
    const chunks = ["ab", "cd", "ef"].map((c) => Buffer.from(c));
    expect(await readBoundedStream(Readable.from(chunks), 3)).toEqual({ ok: false, size: 4 });
  });

  test("an empty stream is an empty body", async () => {
    const read = await readBoundedStream(Readable.from([]), 1);
    expect(read.ok && read.bytes.byteLength).toBe(0);
  });

  test("a stream that fails mid-body rejects with its error", async () => {
    const stream = new PassThrough();
    const read = readBoundedStream(stream, 100);
    stream.write("ab");
    stream.destroy(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
    await expect(read).rejects.toMatchObject({ code: "ECONNRESET" });
  });
});
