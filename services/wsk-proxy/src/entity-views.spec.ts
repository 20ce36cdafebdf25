import { create } from "@bufbuild/protobuf";
import { soev1 } from "@soe/proto";
import { describe, expect, it } from "vitest";
import {
  actionDescriptionOf,
  actionSummaryOf,
  packageDescriptionOf,
  packageSummaryOf,
} from "./entity-views.js";

function entity(
  kind: soev1.EntityKind,
  ref: { namespace: string; package?: string; name: string },
  document: object,
  version = "0.0.2",
) {
  return create(soev1.EntitySchema, {
    ref: { kind, namespace: ref.namespace, package: ref.package ?? "", name: ref.name },
    document: new TextEncoder().encode(JSON.stringify(document)),
    version,
    digest: "00",
    updatedUnixMs: 1_700_000_000_000n,
  });
}

const code = "function main() { return {}; }";
const hello = entity(
  soev1.EntityKind.ACTION,
  { namespace: "guest", package: "demo", name: "hello" },
  {
    exec: { kind: "nodejs:20", code },
    parameters: [{ key: "p", value: 1 }],
    annotations: [{ key: "web-export", value: true }],
    limits: { timeout: 1000 },
  },
);

describe("action views", () => {
  it("describes an action as OpenWhisk does: ns/pkg, defaults filled, kind in the exec annotation", () => {
    expect(actionDescriptionOf(hello, true)).toEqual({
      namespace: "guest/demo",
      name: "hello",
      version: "0.0.2",
      publish: false,
      exec: { kind: "nodejs:20", code, binary: false },
      parameters: [{ key: "p", value: 1 }],
      annotations: [
        { key: "web-export", value: true },
        { key: "exec", value: "nodejs:20" },
      ],
      limits: { timeout: 1000, memory: 256, logs: 10, concurrency: 1 },
      updated: 1_700_000_000_000,
    });
  });

  it("leaves the code out when asked, and keeps a sequence's components", () => {
    expect(actionDescriptionOf(hello, false).exec).toEqual({ kind: "nodejs:20", binary: false });
    const seq = entity(
      soev1.EntityKind.ACTION,
      { namespace: "guest", name: "both" },
      { exec: { kind: "sequence", components: ["/guest/a", "/guest/demo/b"] } },
    );
    expect(actionDescriptionOf(seq, false)).toMatchObject({
      namespace: "guest",
      exec: { kind: "sequence", components: ["/guest/a", "/guest/demo/b"] },
    });
  });

  it("lists an action without code or parameters", () => {
    const summary = actionSummaryOf(hello);
    expect(summary).toMatchObject({
      namespace: "guest/demo",
      name: "hello",
      exec: { binary: false },
    });
    expect(summary).not.toHaveProperty("parameters");
  });
});

describe("package views", () => {
  const tools = entity(
    soev1.EntityKind.PACKAGE,
    { namespace: "guest", name: "tools" },
    { parameters: [{ key: "name", value: "package" }], publish: true },
    "0.0.1",
  );
  const bound = entity(
    soev1.EntityKind.PACKAGE,
    { namespace: "guest", name: "mine" },
    {
      binding: { namespace: "guest", name: "tools" },
      parameters: [
        { key: "extra", value: 2 },
        { key: "name", value: "binding" },
      ],
    },
  );

  it("describes a package with the actions it holds", () => {
    expect(packageDescriptionOf(tools, { actions: [hello] })).toEqual({
      namespace: "guest",
      name: "tools",
      version: "0.0.1",
      publish: true,
      binding: {},
      parameters: [{ key: "name", value: "package" }],
      annotations: [],
      updated: 1_700_000_000_000,
      actions: [
        {
          name: "hello",
          version: "0.0.2",
          annotations: [
            { key: "web-export", value: true },
            { key: "exec", value: "nodejs:20" },
          ],
        },
      ],
    });
  });

  it("gives a binding the bound package's parameters under its own", () => {
    const described = packageDescriptionOf(bound, {
      inherited: [
        { key: "name", value: "package" },
        { key: "base", value: 0 },
      ],
    });
    expect(described.binding).toEqual({ namespace: "guest", name: "tools" });
    expect(described.parameters).toEqual([
      { key: "name", value: "binding" },
      { key: "base", value: 0 },
      { key: "extra", value: 2 },
    ]);
    expect(described).not.toHaveProperty("actions");
  });

  it("lists packages without parameters, a plain one with binding false", () => {
    expect(packageSummaryOf(tools)).toEqual({
      namespace: "guest",
      name: "tools",
      version: "0.0.1",
      publish: true,
      annotations: [],
      binding: false,
      updated: 1_700_000_000_000,
    });
    expect(packageSummaryOf(bound).binding).toEqual({ namespace: "guest", name: "tools" });
  });
});
