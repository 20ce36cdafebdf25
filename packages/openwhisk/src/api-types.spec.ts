import { describe, expect, it } from "vitest";
import { isActionSummary, isActivationRecord, isErrorBody } from "./api-types.js";

describe("API body guards", () => {
  it("knows an error body by both error and code, string or legacy number", () => {
    expect(isErrorBody({ error: "The requested resource does not exist.", code: "tid" })).toBe(
      true,
    );
    expect(isErrorBody({ error: "x", code: 4711 })).toBe(true);
    // An action's own failure result has no code: it is not a platform error.
    expect(isErrorBody({ error: "Error message" })).toBe(false);
    expect(isErrorBody([{ error: "x", code: "y" }])).toBe(false);
  });

  it("knows an activation record by its id and response status", () => {
    expect(isActivationRecord({ activationId: "a", response: { status: "success" } })).toBe(true);
    expect(isActivationRecord({ activationId: "a" })).toBe(false);
    expect(isActivationRecord({ payload: "x" })).toBe(false);
  });

  it("knows a listed action by its name and namespace", () => {
    expect(isActionSummary({ name: "copy", namespace: "guest" })).toBe(true);
    expect(isActionSummary({ name: "copy" })).toBe(false);
  });
});
