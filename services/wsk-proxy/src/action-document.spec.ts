import { describe, expect, it } from "vitest";
import { withResolvedComponents } from "./action-document.js";

describe("withResolvedComponents", () => {
  it("names the caller's namespace where a sequence says `_`, and leaves the others", () => {
    const resolved = withResolvedComponents(
      {
        exec: { kind: "sequence", components: ["/_/a", "/_/pkg/b", "/team/c"] },
        publish: true,
        parameters: [{ key: "x", value: 1 }],
      },
      "guest",
    );
    const components = ["/guest/a", "/guest/pkg/b", "/team/c"];
    // Its components are its only parameter, as OpenWhisk keeps them.
    expect(resolved).toEqual({
      exec: { kind: "sequence", components },
      publish: true,
      parameters: [{ key: "_actions", value: components }],
    });
  });

  it("leaves code actions as they are", () => {
    const document = { exec: { kind: "nodejs:20", code: "x" } };
    expect(withResolvedComponents(document, "guest")).toBe(document);
  });
});
