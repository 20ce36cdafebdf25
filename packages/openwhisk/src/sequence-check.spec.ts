import { describe, expect, it } from "vitest";
import { type ComponentKind, checkSequence } from "./sequence-check.js";
import { SequenceErrorText } from "./sequence-run.js";

const atomic: ComponentKind = { kind: "atomic" };
function lookupIn(entities: Record<string, ComponentKind>) {
  return async (name: string) => entities[name];
}

describe("checkSequence", () => {
  const domain = lookupIn({
    "/g/a": atomic,
    "/g/b": atomic,
    "/g/pair": { kind: "sequence", components: ["/g/a", "/g/b"] },
    "/g/loop": { kind: "sequence", components: ["/g/a", "/g/self"] },
  });

  it("passes when every component exists within the limit, nested ones expanded", async () => {
    expect(await checkSequence("/g/self", ["/g/a", "/g/pair"], domain)).toBeUndefined();
    expect(await checkSequence("/g/self", ["/g/pair", "/g/pair"], domain, 4)).toBeUndefined();
  });

  it("refuses a missing component", async () => {
    expect(await checkSequence("/g/self", ["/g/a", "/g/nope"], domain)).toBe(
      SequenceErrorText.componentMissing,
    );
  });

  it("refuses a sequence naming itself, directly or through another", async () => {
    expect(await checkSequence("/g/self", ["/g/self"], domain)).toBe(SequenceErrorText.cyclic);
    expect(await checkSequence("/g/self", ["/g/loop"], domain)).toBe(SequenceErrorText.cyclic);
  });

  it("counts the atomic actions of nested sequences against the limit", async () => {
    expect(await checkSequence("/g/self", ["/g/pair", "/g/pair", "/g/a"], domain, 4)).toBe(
      SequenceErrorText.tooLong,
    );
  });
});
