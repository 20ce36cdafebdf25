import { describe, expect, it } from "vitest";
import {
  type ActionDocument,
  annotationValue,
  isBinaryCode,
  mergeActionDocument,
  mergePackageDocument,
  parseActionDocument,
  parsePackageDocument,
} from "./entity-document.js";

const ZIP_BASE64 = Buffer.from("PK\u0003\u0004 not really a zip").toString("base64");

function refusal(parsed: { ok: boolean; error?: string }): string {
  expect(parsed.ok).toBe(false);
  return parsed.error ?? "";
}

describe("parseActionDocument", () => {
  it("keeps only known fields, in one order, so equal documents have equal JSON", () => {
    const a = parseActionDocument({
      publish: false,
      name: "ignored",
      namespace: "ignored",
      version: "9.9.9",
      limits: { memory: 256, timeout: 1000, instances: 3 },
      exec: { main: "run", code: "function run() {}", kind: " NodeJS:20 ", extra: 1 },
      parameters: [{ key: "a", value: 1 }],
    });
    const b = parseActionDocument({
      exec: { kind: "nodejs:20", code: "function run() {}", main: "run" },
      parameters: [{ value: 1, key: "a" }],
      limits: { timeout: 1000, memory: 256 },
      publish: false,
    });
    expect(a).toEqual({
      ok: true,
      value: {
        exec: { kind: "nodejs:20", code: "function run() {}", main: "run" },
        parameters: [{ key: "a", value: 1 }],
        limits: { timeout: 1000, memory: 256 },
        publish: false,
      },
    });
    expect(a.ok && b.ok && JSON.stringify(a.value) === JSON.stringify(b.value)).toBe(true);
  });

  it("accepts any runtime kind with code, and an empty body", () => {
    expect(
      parseActionDocument({ exec: { kind: "python:3.11", code: "def main(a): return a" } }),
    ).toMatchObject({ ok: true, value: { exec: { kind: "python:3.11" } } });
    expect(parseActionDocument({})).toEqual({ ok: true, value: {} });
  });

  it("marks base64 code binary whether or not the body says so, as the controller does", () => {
    const flagged = parseActionDocument({
      exec: { kind: "nodejs:20", code: ZIP_BASE64, binary: true },
    });
    const unflagged = parseActionDocument({ exec: { kind: "nodejs:20", code: ZIP_BASE64 } });
    expect(flagged).toEqual({
      ok: true,
      value: { exec: { kind: "nodejs:20", code: ZIP_BASE64, binary: true } },
    });
    expect(unflagged).toEqual(flagged);
  });

  it("takes a blackbox image, with or without code", () => {
    expect(parseActionDocument({ exec: { kind: "blackbox", image: "openwhisk/example" } })).toEqual(
      { ok: true, value: { exec: { kind: "blackbox", code: "", image: "openwhisk/example" } } },
    );
    expect(
      parseActionDocument({
        exec: { kind: "blackbox", image: "i/x", code: ZIP_BASE64, main: "m" },
      }),
    ).toEqual({
      ok: true,
      value: {
        exec: { kind: "blackbox", code: ZIP_BASE64, main: "m", binary: true, image: "i/x" },
      },
    });
  });

  it("takes a sequence of fully qualified components", () => {
    const parsed = parseActionDocument({
      exec: { kind: "sequence", components: ["/guest/a", "/guest/pkg/b"], code: "dropped" },
      parameters: [{ key: "k", value: "v" }],
    });
    expect(parsed).toEqual({
      ok: true,
      value: {
        exec: { kind: "sequence", components: ["/guest/a", "/guest/pkg/b"] },
        parameters: [{ key: "k", value: "v" }],
      },
    });
  });

  it("keeps the last value of a repeated key in the place of the first, and init flags", () => {
    const parsed = parseActionDocument({
      parameters: [
        { key: "a", value: 1 },
        { key: "b", value: null, init: true },
        { key: "a", value: 2, init: false },
      ],
    });
    expect(parsed).toEqual({
      ok: true,
      value: {
        parameters: [
          { key: "a", value: 2 },
          { key: "b", value: null, init: true },
        ],
      },
    });
  });

  it.each([
    [
      { exec: { code: "x" } },
      "The request content was malformed:\n'kind' must be a string defined in 'exec'",
    ],
    [{ exec: "x" }, "The request content was malformed:\nObject expected in field 'exec'"],
    [
      { exec: { kind: "nodejs:20" } },
      "The request content was malformed:\n'code' must be a string defined in 'exec' for 'nodejs:20' actions",
    ],
    [
      { exec: { kind: "nodejs:20", code: "x", main: 1 } },
      "The request content was malformed:\nif defined, 'main' be a string in 'exec' for 'nodejs:20' actions",
    ],
    [
      { exec: { kind: "nodejs:20", code: "not base64!", binary: true } },
      "The request content was malformed:\n'code' must be base64 when 'binary' is true in 'exec' for 'nodejs:20' actions",
    ],
    [
      { exec: { kind: "blackbox" } },
      "The request content was malformed:\n'image' must be a string defined in 'exec' for 'blackbox' actions",
    ],
    [
      { exec: { kind: "sequence" } },
      "The request content was malformed:\n'components' must be defined for sequence kind",
    ],
    [
      { exec: { kind: "sequence", components: "/guest/a" } },
      "The request content was malformed:\n'components' must be an array",
    ],
    [{ exec: { kind: "sequence", components: [] } }, "No component specified for the sequence."],
    [
      { exec: { kind: "sequence", components: Array(51).fill("/guest/a") } },
      "Too many actions in the sequence.",
    ],
    [
      { exec: { kind: "sequence", components: ["a"] } },
      "The request content was malformed:\nThe fully qualified name of the entity must contain at least the namespace and the name of the entity.",
    ],
    [
      { exec: { kind: "sequence", components: ["/guest/a/b/c"] } },
      "The request content was malformed:\nThe fully qualified name of the entity must contain at least the namespace and the name of the entity.",
    ],
    [
      { exec: { kind: "sequence", components: ["/guest/a!"] } },
      "The request content was malformed:\nThe name of the entity contains illegal characters.",
    ],
    [{ parameters: { a: 1 } }, "The request content was malformed:\nparameters malformed!"],
    [{ parameters: [{ key: "a" }] }, "The request content was malformed:\nparameters malformed!"],
    [
      { annotations: [{ key: 1, value: 1 }] },
      "The request content was malformed:\nparameters malformed!",
    ],
    [
      { limits: { timeout: 300_001 } },
      "duration 300001 milliseconds exceeds allowed threshold of 300000 milliseconds",
    ],
    [
      { limits: { timeout: 99 } },
      "duration 99 milliseconds below allowed threshold of 100 milliseconds",
    ],
    [{ limits: { memory: 64 } }, "memory size 64 MB below allowed threshold of 128 MB"],
    [{ limits: { memory: 1024 } }, "memory size 1024 MB exceeds allowed threshold of 512 MB"],
    [{ limits: { logs: 11 } }, "log size 11 MB exceeds allowed threshold of 10 MB"],
    [{ limits: { concurrency: 0 } }, "concurrency 0 below allowed threshold of 1"],
    [
      { limits: { timeout: 1.5 } },
      "The request content was malformed:\ntime limit must be whole number",
    ],
    [{ limits: { memory: "256" } }, "The request content was malformed:\nmemory limit malformed"],
    [{ limits: 5 }, "The request content was malformed:\nObject expected in field 'limits'"],
    [
      { publish: "yes" },
      'The request content was malformed:\nExpected Boolean as JsBoolean, but got "yes"',
    ],
    [[], "The request content was malformed:\nObject expected"],
  ])("refuses %j", (body, text) => {
    expect(refusal(parseActionDocument(body))).toBe(text);
  });
});

describe("parsePackageDocument", () => {
  it("reads a binding, and `binding: {}` as a plain package", () => {
    expect(
      parsePackageDocument({
        binding: { namespace: "whisk.system", name: "utils", extra: 1 },
        parameters: [{ key: "p", value: 1 }],
      }),
    ).toEqual({
      ok: true,
      value: {
        parameters: [{ key: "p", value: 1 }],
        binding: { namespace: "whisk.system", name: "utils" },
      },
    });
    expect(parsePackageDocument({ binding: {}, publish: true })).toEqual({
      ok: true,
      value: { publish: true },
    });
  });

  it.each([
    [{ binding: { name: "utils" } }, "Object is missing required member 'namespace'"],
    [{ binding: { namespace: "ns", name: 3 } }, "Expected String as JsString, but got 3"],
    [
      { binding: { namespace: "ns", name: "a/b" } },
      "The name of the entity contains illegal characters.",
    ],
    [{ binding: "ns/utils" }, "Object expected in field 'binding'"],
    [{ parameters: [1] }, "parameters malformed!"],
  ])("refuses %j", (body, detail) => {
    expect(refusal(parsePackageDocument(body))).toBe(
      `The request content was malformed:\n${detail}`,
    );
  });
});

describe("mergeActionDocument", () => {
  const old: ActionDocument = {
    exec: { kind: "nodejs:20", code: "old" },
    parameters: [{ key: "a", value: 1 }],
    annotations: [
      { key: "x", value: 1 },
      { key: "y", value: 2 },
    ],
    limits: { timeout: 1000, memory: 256 },
    publish: true,
  };

  it("keeps absent fields, merges limits per field and annotations per key", () => {
    expect(
      mergeActionDocument(old, {
        limits: { memory: 512 },
        annotations: [
          { key: "y", value: 20 },
          { key: "z", value: 3 },
        ],
      }),
    ).toEqual({
      exec: { kind: "nodejs:20", code: "old" },
      parameters: [{ key: "a", value: 1 }],
      annotations: [
        { key: "x", value: 1 },
        { key: "y", value: 20 },
        { key: "z", value: 3 },
      ],
      limits: { timeout: 1000, memory: 512 },
      publish: true,
    });
  });

  it("replaces parameters whole when given", () => {
    const merged = mergeActionDocument(old, {
      exec: { kind: "nodejs:20", code: "new" },
      parameters: [{ key: "b", value: 2 }],
      publish: false,
    });
    expect(merged).toMatchObject({
      exec: { code: "new" },
      parameters: [{ key: "b", value: 2 }],
      publish: false,
    });
  });

  it("never carries parameters across a change between sequence and code", () => {
    const sequence = mergeActionDocument(old, {
      exec: { kind: "sequence", components: ["/guest/a"] },
      parameters: [{ key: "b", value: 2 }],
    });
    expect(sequence.parameters).toBeUndefined();
    const back = mergeActionDocument(
      { ...sequence, parameters: [{ key: "_actions", value: ["/guest/a"] }] },
      { exec: { kind: "nodejs:20", code: "c" } },
    );
    expect(back.parameters).toBeUndefined();
    const kept = mergeActionDocument(
      {
        exec: { kind: "sequence", components: ["/guest/a"] },
        parameters: [{ key: "k", value: 1 }],
      },
      { parameters: [{ key: "ignored", value: 1 }] },
    );
    expect(kept.parameters).toEqual([{ key: "k", value: 1 }]);
  });

  it("leaves no undefined fields in the merged document", () => {
    expect(mergeActionDocument({}, {})).toEqual({});
    expect(Object.keys(mergeActionDocument({}, { publish: true }))).toEqual(["publish"]);
  });
});

describe("mergePackageDocument", () => {
  it("keeps absent fields and replaces given ones whole", () => {
    expect(
      mergePackageDocument(
        {
          parameters: [{ key: "a", value: 1 }],
          annotations: [{ key: "x", value: 1 }],
          binding: { namespace: "ns", name: "p" },
        },
        { annotations: [{ key: "y", value: 2 }], publish: true },
      ),
    ).toEqual({
      parameters: [{ key: "a", value: 1 }],
      annotations: [{ key: "y", value: 2 }],
      publish: true,
      binding: { namespace: "ns", name: "p" },
    });
  });
});

describe("annotationValue / isBinaryCode", () => {
  it("finds the last annotation of a key", () => {
    const annotations = [
      { key: "soe-digest", value: "a" },
      { key: "exec", value: "nodejs:20" },
      { key: "soe-digest", value: "b" },
    ];
    expect(annotationValue(annotations, "soe-digest")).toBe("b");
    expect(annotationValue(annotations, "missing")).toBeUndefined();
    expect(annotationValue(undefined, "exec")).toBeUndefined();
  });

  it("tells base64 from code as the controller does", () => {
    expect(isBinaryCode(ZIP_BASE64)).toBe(true);
    expect(isBinaryCode("function main() {}")).toBe(false);
    expect(isBinaryCode("")).toBe(false);
    expect(isBinaryCode("abc")).toBe(false);
  });
});
