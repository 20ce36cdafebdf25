import { describe, expect, test } from "vitest";
import { livenessAction } from "./session-liveness.js";

const quiet = 1_000;

describe("livenessAction", () => {
  test("a session active within the quiet time is left alone", () => {
    expect(livenessAction({ lastHeardAt: 500, pingSentAt: undefined }, 1_400, quiet)).toBe("none");
  });

  test("a quiet session without streams is pinged", () => {
    expect(livenessAction({ lastHeardAt: 0, pingSentAt: undefined }, 1_000, quiet)).toBe("ping");
  });

  test("open streams do not exempt a quiet session from the PING", () => {
    expect(livenessAction({ lastHeardAt: 0, pingSentAt: undefined }, 99_000, quiet)).toBe("ping");
  });

  test("an unanswered ping ends the session after the quiet time, not before", () => {
    expect(livenessAction({ lastHeardAt: 0, pingSentAt: 1_000 }, 1_999, quiet)).toBe("none");
    expect(livenessAction({ lastHeardAt: 0, pingSentAt: 1_000 }, 2_000, quiet)).toBe("destroy");
  });
});
