import { describe, expect, it } from "vitest";
import { entityNameErrorText, entityNameProblem, isEntityName } from "./entity-name.js";

describe("entity names", () => {
  it.each(["a", "_", "hello", "guest", "whisk.system", "my action", "a@b.c&d-e", "x-", "9lives"])(
    "accepts %j",
    (name) => expect(isEntityName(name)).toBe(true),
  );

  it.each([
    ["", "empty"],
    [" lead", "illegal-characters"],
    ["trail ", "illegal-characters"],
    ["-dash", "illegal-characters"],
    ["semi;colon", "illegal-characters"],
    ["slash/inside", "illegal-characters"],
    ["ünïcode", "illegal-characters"],
    ["a".repeat(257), "too-long"],
  ])("rejects %j as %s", (name, problem) => expect(entityNameProblem(name)).toBe(problem));

  it("allows exactly 256 characters", () => {
    expect(isEntityName("a".repeat(256))).toBe(true);
  });

  it("uses the controller's texts, typo included", () => {
    expect(entityNameErrorText("a;b")).toBe("The name of the entity contains illegal characters.");
    expect(entityNameErrorText("a".repeat(300))).toBe(
      "Name segement longer than allowed: 300 > 256.",
    );
  });
});
