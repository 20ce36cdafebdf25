import { describe, expect, it } from "vitest";
import { activationIdErrorText, isActivationId, newActivationId } from "./activation-id.js";

describe("activation ids", () => {
  it("mints 32 lowercase hex characters, fresh each time", () => {
    const id = newActivationId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(newActivationId()).not.toBe(id);
  });

  it("accepts exactly 32 hex characters", () => {
    expect(isActivationId("c7bb1339cb4f40e3a6ccead6c99f804e")).toBe(true);
    expect(isActivationId("C7BB1339CB4F40E3A6CCEAD6C99F804E")).toBe(true);
    expect(isActivationId("c7bb1339-cb4f-40e3-a6cc-ead6c99f804e")).toBe(false);
    expect(isActivationId("abc")).toBe(false);
    expect(isActivationId("z".repeat(32))).toBe(false);
  });

  it("gives the controller's texts for a bad id in a path, the length first", () => {
    expect(activationIdErrorText("c7bb1339cb4f40e3a6ccead6c99f804e")).toBeUndefined();
    expect(activationIdErrorText("abc")).toBe("Activation id length is 3 but must be 32.");
    expect(activationIdErrorText("c7bb1339-cb4f-40e3-a6cc-ead6c99f804e")).toBe(
      "Activation id length is 36 but must be 32.",
    );
    expect(activationIdErrorText("z".repeat(32))).toBe("The activation id is not valid.");
  });
});
