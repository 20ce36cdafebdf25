import { describe, expect, it } from "vitest";
import { actionDescription, actionSummary, actionsOf } from "./action-views.js";

const catalog = [
  { name: "/guest/copy", firstSeen: 10 },
  { name: "/guest/demo/hello", firstSeen: 10 },
  { name: "/guest/echo", firstSeen: 20 },
  { name: "/team/copy", firstSeen: 30 },
  { name: "clambda0", firstSeen: 40 },
  { name: "/guest/bad name ", firstSeen: 50 },
];

describe("actionsOf", () => {
  it("keeps the namespace's OpenWhisk actions, newest first, then by name", () => {
    expect(actionsOf(catalog, "guest").map((a) => a.action)).toEqual([
      { namespace: "guest", name: "echo" },
      { namespace: "guest", name: "copy" },
      { namespace: "guest", packageName: "demo", name: "hello" },
    ]);
  });

  it("keeps one package's actions when asked", () => {
    expect(actionsOf(catalog, "guest", "demo").map((a) => a.action.name)).toEqual(["hello"]);
    expect(actionsOf(catalog, "nobody")).toEqual([]);
  });
});

describe("views", () => {
  const hello = { action: { namespace: "guest", packageName: "demo", name: "hello" }, updated: 10 };

  it("lists packaged actions under ns/pkg, as OpenWhisk does", () => {
    expect(actionSummary(hello)).toEqual({
      namespace: "guest/demo",
      name: "hello",
      version: "0.0.1",
      publish: false,
      exec: { binary: false },
      annotations: [],
      limits: {},
      updated: 10,
    });
  });

  it("describes an action without code", () => {
    expect(actionDescription(hello)).toMatchObject({
      namespace: "guest/demo",
      name: "hello",
      exec: { kind: "unknown", binary: false },
      parameters: [],
    });
  });
});
