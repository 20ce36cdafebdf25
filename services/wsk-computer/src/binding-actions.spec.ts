import { describe, expect, it } from "vitest";
import { bindingActionNames, bindingsOf, packagedNamespace } from "./binding-actions.js";

describe("bindingsOf", () => {
  it("finds the bindings of a package listing and leaves plain packages out", () => {
    const listing = [
      { namespace: "guest", name: "plain", binding: false },
      { namespace: "guest", name: "empty", binding: {} },
      { namespace: "guest", name: "utils", binding: { namespace: "whisk.system", name: "utils" } },
      { namespace: "guest", name: "mine", binding: { namespace: "guest", name: "plain" } },
    ];
    expect(bindingsOf(listing)).toEqual([
      { namespace: "guest", name: "utils", bound: { namespace: "whisk.system", name: "utils" } },
      { namespace: "guest", name: "mine", bound: { namespace: "guest", name: "plain" } },
    ]);
  });

  it("ignores malformed entries", () => {
    const listing = [
      { namespace: "guest", name: "a", binding: { namespace: 1, name: "x" } },
      { namespace: "guest", name: "b", binding: { namespace: "", name: "x" } },
      { name: "c", binding: { namespace: "g", name: "x" } },
      { namespace: "guest", name: "d", binding: null },
    ];
    expect(bindingsOf(listing)).toEqual([]);
  });
});

describe("bindingActionNames", () => {
  const binding = { namespace: "guest", name: "b", bound: { namespace: "guest", name: "p" } };

  it("names the bound package's actions under the binding", () => {
    const actions = [
      { namespace: "guest/p", name: "one" },
      { namespace: "guest", name: "top" },
      { namespace: "guest/other", name: "two" },
      { namespace: "guest/p", name: "three" },
    ];
    expect(bindingActionNames(binding, actions)).toEqual(["/guest/b/one", "/guest/b/three"]);
  });

  it("knows how a listing names a package's namespace", () => {
    expect(packagedNamespace(binding.bound)).toBe("guest/p");
  });
});
