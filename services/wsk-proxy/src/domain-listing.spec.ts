import { create } from "@bufbuild/protobuf";
import { soev1 } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { actionListing, installedListing, packageListing } from "./domain-listing.js";

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function desired(kind: soev1.EntityKind, name: string, updated: number, pkg = "") {
  const document =
    kind === soev1.EntityKind.ACTION ? { exec: { kind: "nodejs:20", code: "x" } } : {};
  return create(soev1.EntitySchema, {
    ref: { kind, namespace: "guest", package: pkg, name },
    document: encode(document),
    version: "0.0.3",
    updatedUnixMs: BigInt(updated),
  });
}

function installed(kind: soev1.EntityKind, name: string, summary: unknown) {
  return create(soev1.InstalledEntitySchema, {
    ref: { kind, namespace: "guest", name },
    summary: typeof summary === "string" ? new TextEncoder().encode(summary) : encode(summary),
  });
}

describe("actionListing", () => {
  it("lists announced and desired actions once each, the domain's description winning, newest first", () => {
    const listing = actionListing(
      [
        { action: { namespace: "guest", name: "copy" }, updated: 50 },
        { action: { namespace: "guest", name: "hello" }, updated: 10 },
        { action: { namespace: "guest", packageName: "demo", name: "hello" }, updated: 10 },
      ],
      [
        desired(soev1.EntityKind.ACTION, "hello", 100),
        desired(soev1.EntityKind.ACTION, "fresh", 20, "demo"),
      ],
    );
    expect(listing.map((a) => [a.namespace, a.name, a.version, a.updated])).toEqual([
      ["guest", "hello", "0.0.3", 100],
      ["guest", "copy", "0.0.1", 50],
      ["guest/demo", "fresh", "0.0.3", 20],
      ["guest/demo", "hello", "0.0.1", 10],
    ]);
  });
});

describe("packageListing", () => {
  it("keeps what only installations hold, as they list it, and the domain's over theirs", () => {
    const listing = packageListing(
      [desired(soev1.EntityKind.PACKAGE, "tools", 30)],
      [
        installed(soev1.EntityKind.PACKAGE, "tools", {
          name: "tools",
          updated: 99,
          version: "9.9.9",
        }),
        installed(soev1.EntityKind.PACKAGE, "legacy", { name: "legacy", updated: 40 }),
        installed(soev1.EntityKind.PACKAGE, "broken", "not json"),
      ],
    );
    expect(listing).toEqual([
      { name: "legacy", updated: 40 },
      {
        namespace: "guest",
        name: "tools",
        version: "0.0.3",
        publish: false,
        annotations: [],
        binding: false,
        updated: 30,
      },
    ]);
  });
});

describe("installedListing", () => {
  it("orders triggers or rules newest first, then by name", () => {
    const listing = installedListing([
      installed(soev1.EntityKind.TRIGGER, "a", { name: "a", updated: 1 }),
      installed(soev1.EntityKind.TRIGGER, "c", { name: "c", updated: 5 }),
      installed(soev1.EntityKind.TRIGGER, "b", { name: "b", updated: 5 }),
    ]);
    expect(listing.map((t) => t.name)).toEqual(["b", "c", "a"]);
  });
});
