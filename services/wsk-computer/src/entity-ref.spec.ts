import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { soev1 } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { collectionOf, locationOfRef, refOfListing } from "./entity-ref.js";

const { EntityKind } = soev1;
const ref = (init: MessageInitShape<typeof soev1.EntityRefSchema>) =>
  create(soev1.EntityRefSchema, {
    kind: EntityKind.ACTION,
    namespace: "guest",
    name: "a",
    ...init,
  });

describe("locationOfRef", () => {
  it("puts a packaged action below its package", () => {
    expect(locationOfRef(ref({ package: "pkg", name: "act x" }))).toEqual({
      ok: true,
      collection: "actions",
      address: { namespace: "guest", packageName: "pkg", name: "act x" },
    });
  });

  it("addresses every kind in its own collection", () => {
    const collections = [EntityKind.ACTION, EntityKind.PACKAGE, EntityKind.TRIGGER, EntityKind.RULE]
      .map((kind) => locationOfRef(ref({ kind })))
      .map((location) => location.ok && location.collection);
    expect(collections).toEqual(["actions", "packages", "triggers", "rules"]);
    expect(collectionOf(EntityKind.UNSPECIFIED)).toBeUndefined();
  });

  it.each([
    ["no reference", undefined, "missing"],
    ["an unspecified kind", ref({ kind: EntityKind.UNSPECIFIED }), "unspecified"],
    ["the _ namespace", ref({ namespace: "_" }), "resolved"],
    ["an empty namespace", ref({ namespace: "" }), "invalid namespace"],
    ["a package in a package", ref({ kind: EntityKind.PACKAGE, package: "p" }), "only actions"],
    ["a slash in a name", ref({ name: "a/b" }), "invalid name 'a/b'"],
    ["a bad package", ref({ package: " p" }), "invalid package"],
    ["a name too long", ref({ name: "n".repeat(257) }), "too-long"],
  ])("refuses %s", (_, given, reason) => {
    const location = locationOfRef(given);
    expect(location.ok).toBe(false);
    if (!location.ok) expect(location.reason).toContain(reason);
  });
});

describe("refOfListing", () => {
  it("splits an action's ns/pkg namespace into namespace and package", () => {
    expect(refOfListing(EntityKind.ACTION, { namespace: "guest/pkg", name: "a" })).toEqual({
      kind: EntityKind.ACTION,
      namespace: "guest",
      package: "pkg",
      name: "a",
    });
    expect(refOfListing(EntityKind.ACTION, { namespace: "guest", name: "a" })).toEqual({
      kind: EntityKind.ACTION,
      namespace: "guest",
      package: "",
      name: "a",
    });
  });

  it("keeps the namespace of other kinds whole", () => {
    expect(refOfListing(EntityKind.RULE, { namespace: "guest", name: "r" })).toEqual({
      kind: EntityKind.RULE,
      namespace: "guest",
      package: "",
      name: "r",
    });
  });
});
