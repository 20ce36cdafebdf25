import { MAX_SEQUENCE_LENGTH } from "./entity-document.js";
import { SequenceErrorText } from "./sequence-run.js";

/** What a sequence's component is, when it exists: an action with code, or another sequence. */
export type ComponentKind =
  | { readonly kind: "atomic" }
  | { readonly kind: "sequence"; readonly components: readonly string[] };

/** Finds a component by its fully-qualified name (`/ns/[pkg/]name`); undefined when missing. */
export type ComponentLookup = (component: string) => Promise<ComponentKind | undefined>;

/**
 * OpenWhisk's check of a sequence when it is created or updated (Actions.scala
 * checkSequenceActionLimits): every component exists, none leads back to the sequence itself,
 * and the atomic actions it would run, nested sequences expanded, are at most `limit`.
 * Undefined when it passes, else OpenWhisk's text for its 400. A lookup that throws rejects.
 */
export async function checkSequence(
  self: string,
  components: readonly string[],
  lookup: ComponentLookup,
  limit: number = MAX_SEQUENCE_LENGTH,
): Promise<string | undefined> {
  if (components.includes(self)) return SequenceErrorText.cyclic;
  const count = async (names: readonly string[]): Promise<number | string> => {
    if (names.length > limit) return SequenceErrorText.tooLong;
    let total = 0;
    for (const name of names) {
      const found = await lookup(name);
      if (found === undefined) return SequenceErrorText.componentMissing;
      if (found.kind === "atomic") {
        total += 1;
      } else {
        if (found.components.includes(self)) return SequenceErrorText.cyclic;
        const inner = await count(found.components);
        if (typeof inner === "string") return inner;
        total += inner;
      }
      if (total > limit) return SequenceErrorText.tooLong;
    }
    return total;
  };
  const counted = await count(components);
  return typeof counted === "string" ? counted : undefined;
}
