import { soev1 } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { type DesiredEntity, documentDigest, InvalidEntity } from "./domain-entity.js";
import { documentSelector, isPlacedOn, parseSelector, selectorMatches } from "./placement.js";

const { ACTION, PACKAGE } = soev1.EntityKind;

function entity(kind: soev1.EntityKind, pkg: string, name: string, doc: object): DesiredEntity {
  const document = new TextEncoder().encode(JSON.stringify(doc));
  return {
    ref: { kind, namespace: "guest", package: pkg, name },
    document,
    version: "0.0.1",
    digest: documentDigest(document),
    updatedUnixMs: 0,
  };
}
const placedBy = (selector: string) => ({
  annotations: [{ key: "soe-placement", value: selector }],
});

describe("label selectors", () => {
  it("parse k=v and k!=v terms, blanks ignored", () => {
    expect(parseSelector(" zone = a , gpu!=yes")).toEqual([
      { key: "zone", value: "a", negated: false },
      { key: "gpu", value: "yes", negated: true },
    ]);
    expect(parseSelector("")).toEqual([]);
  });

  it.each(["zone", "=a", "zone=a,", "a==b", "a=b=c", "k y=1"])(
    "refuse %j with a clear message",
    (text) => {
      expect(() => parseSelector(text)).toThrow(InvalidEntity);
      expect(() => parseSelector(text)).toThrow(/soe-placement: .* is not key=value or key!=value/);
    },
  );

  it("hold only when every term does", () => {
    const labels = { zone: "a", tier: "edge" };
    expect(selectorMatches(parseSelector("zone=a,tier=edge"), labels)).toBe(true);
    expect(selectorMatches(parseSelector("zone=a,tier=cloud"), labels)).toBe(false);
    expect(selectorMatches(parseSelector("gpu!=yes"), labels)).toBe(true);
    expect(selectorMatches(parseSelector("zone!=a"), labels)).toBe(false);
    expect(selectorMatches(parseSelector("toString="), {})).toBe(false);
  });

  it("come from the soe-placement annotation, which must be a string", () => {
    expect(documentSelector(placedBy("zone=a"))).toHaveLength(1);
    expect(documentSelector({})).toEqual([]);
    expect(() => documentSelector({ annotations: [{ key: "soe-placement", value: 3 }] })).toThrow(
      /must be a string/,
    );
  });
});

describe("placement", () => {
  const a = { namespace: "guest", labels: { zone: "a" } };
  const b = { namespace: "guest", labels: { zone: "b" } };
  const other = { namespace: "other", labels: { zone: "a" } };

  it("needs the namespace and the selector to match", () => {
    const everywhere = entity(ACTION, "", "hello", {});
    const onlyA = entity(ACTION, "", "hello", placedBy("zone=a"));
    const none = () => undefined;
    expect([a, b, other].map((t) => isPlacedOn(everywhere, t, none))).toEqual([true, true, false]);
    expect([a, b].map((t) => isPlacedOn(onlyA, t, none))).toEqual([true, false]);
  });

  it("puts an action in a package where the package is and its own selector holds", () => {
    const pkg = entity(PACKAGE, "", "p", placedBy("zone!=b"));
    const packages = (_ns: string, name: string) => (name === "p" ? pkg : undefined);
    const inP = entity(ACTION, "p", "x", {});
    const c = { namespace: "guest", labels: { zone: "c" } };
    expect([a, b, c].map((t) => isPlacedOn(inP, t, packages))).toEqual([true, false, true]);
    const inPOnC = entity(ACTION, "p", "y", placedBy("zone=c"));
    expect([a, b, c].map((t) => isPlacedOn(inPOnC, t, packages))).toEqual([false, false, true]);
    expect(isPlacedOn(entity(ACTION, "gone", "z", {}), a, packages)).toBe(false);
  });

  it("puts a binding of a domain package only where that package is", () => {
    const base = entity(PACKAGE, "", "base", placedBy("zone=a"));
    const binding = entity(PACKAGE, "", "bound", { binding: { namespace: "guest", name: "base" } });
    const external = entity(PACKAGE, "", "ext", {
      binding: { namespace: "whisk.system", name: "utils" },
    });
    const packages = (_ns: string, name: string) => (name === "base" ? base : undefined);
    expect([a, b].map((t) => isPlacedOn(binding, t, packages))).toEqual([true, false]);
    expect([a, b].map((t) => isPlacedOn(external, t, packages))).toEqual([true, true]);
  });
});
