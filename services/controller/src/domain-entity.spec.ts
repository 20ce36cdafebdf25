import { soev1 } from "@soe/proto";
import { describe, expect, it } from "vitest";
import {
  annotation,
  boundPackage,
  compareRefs,
  documentDigest,
  formatRef,
  InvalidEntity,
  nextVersion,
  parseDocument,
} from "./domain-entity.js";

const text = (s: string) => new TextEncoder().encode(s);
const ref = (kind: soev1.EntityKind, pkg: string, name: string) => ({
  kind,
  namespace: "guest",
  package: pkg,
  name,
});

describe("entity documents", () => {
  it("are JSON objects in UTF-8", () => {
    expect(parseDocument(text('{"exec":{"kind":"nodejs:20"}}'))).toEqual({
      exec: { kind: "nodejs:20" },
    });
    for (const bad of ["", "[]", '"x"', "{", "null"]) {
      expect(() => parseDocument(text(bad))).toThrow(InvalidEntity);
    }
    expect(() => parseDocument(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(/UTF-8/);
  });

  it("are digested as lower-case hex SHA-256 of their bytes", () => {
    expect(documentDigest(text(""))).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("carry annotations and bindings as OpenWhisk writes them", () => {
    const doc = parseDocument(
      text(
        '{"annotations":[{"key":"a","value":1},{"key":"soe-placement","value":"zone=x"}],"binding":{"namespace":"guest","name":"base"}}',
      ),
    );
    expect(annotation(doc, "soe-placement")).toBe("zone=x");
    expect(annotation(doc, "absent")).toBeUndefined();
    expect(boundPackage(doc)).toEqual({ namespace: "guest", name: "base" });
    expect(boundPackage({ binding: {} })).toBeUndefined();
  });
});

describe("versions", () => {
  it("bump the patch like OpenWhisk, and start over from anything else", () => {
    expect(nextVersion("0.0.1")).toBe("0.0.2");
    expect(nextVersion("1.2.9")).toBe("1.2.10");
    expect(nextVersion("garbage")).toBe("0.0.1");
  });
});

describe("references", () => {
  it("read as OpenWhisk's qualified names", () => {
    expect(formatRef(ref(soev1.EntityKind.ACTION, "pkg", "hello"))).toBe("action /guest/pkg/hello");
    expect(formatRef(ref(soev1.EntityKind.PACKAGE, "", "pkg"))).toBe("package /guest/pkg");
  });

  it("sort by name, then package", () => {
    const a = ref(soev1.EntityKind.ACTION, "", "b");
    const b = ref(soev1.EntityKind.ACTION, "p", "a");
    const c = ref(soev1.EntityKind.ACTION, "", "a");
    expect([a, b, c].sort(compareRefs)).toEqual([c, b, a]);
  });
});
