import { describe, expect, it } from "vitest";
import { readJsonObject } from "./request-body.js";

function post(body: RequestInit["body"], headers: Record<string, string> = {}) {
  return new Request("http://mock/api", {
    method: "POST",
    body,
    headers,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

describe("readJsonObject", () => {
  it("parses a JSON object", async () => {
    expect(
      await readJsonObject(
        post('{"a":1}', { "content-type": "application/json; charset=utf-8" }),
        100,
      ),
    ).toEqual({
      kind: "ok",
      value: { a: 1 },
    });
  });

  it("takes an empty body as {} whatever its content type", async () => {
    expect(await readJsonObject(post(null), 100)).toEqual({ kind: "ok", value: {} });
    expect(await readJsonObject(post("", { "content-type": "text/plain" }), 100)).toEqual({
      kind: "ok",
      value: {},
    });
  });

  it("refuses other content types, bad JSON and non-objects", async () => {
    expect(
      await readJsonObject(
        post("a=1", { "content-type": "application/x-www-form-urlencoded" }),
        100,
      ),
    ).toEqual({
      kind: "unsupported-media-type",
    });
    expect(await readJsonObject(post("{}"), 100)).toEqual({ kind: "unsupported-media-type" });
    expect(
      (await readJsonObject(post("{", { "content-type": "application/json" }), 100)).kind,
    ).toBe("malformed");
    expect(
      (await readJsonObject(post("null", { "content-type": "application/json" }), 100)).kind,
    ).toBe("malformed");
  });

  it("stops reading a streamed body once it passes the limit", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(64));
      },
    });
    const read = await readJsonObject(post(endless, { "content-type": "application/json" }), 100);
    expect(read).toEqual({ kind: "too-large", size: 128 });
    expect(pulled).toBeLessThan(5);
  });

  it("trusts a declared Content-Length above the limit without reading", async () => {
    const request = post("{}", { "content-type": "application/json", "content-length": "5000" });
    expect(await readJsonObject(request, 100)).toEqual({ kind: "too-large", size: 5000 });
  });
});

describe("readJsonObject on hostile bodies", () => {
  it("refuses JSON nested deeper than OpenWhisk's parsers would take", async () => {
    const text = `{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const read = await readJsonObject(post(text, { "content-type": "application/json" }), 1e6);
    expect(read).toEqual({ kind: "malformed", detail: "JSON nested deeper than 1000 levels" });
  });
});
