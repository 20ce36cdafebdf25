import { describe, expect, it } from "vitest";
import { basicAuthorization } from "./auth.js";

const guest =
  "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP";

describe("basicAuthorization", () => {
  it("encodes uuid:key", () => {
    const header = basicAuthorization(guest);
    expect(header.startsWith("Basic ")).toBe(true);
    expect(Buffer.from(header.slice(6), "base64").toString()).toBe(guest);
  });

  it("passes an already encoded token through, as the reference takes it", () => {
    const encoded = Buffer.from(guest).toString("base64");
    expect(basicAuthorization(encoded)).toBe(`Basic ${encoded}`);
  });

  it("refuses empty and non-base64 tokens without repeating them", () => {
    expect(() => basicAuthorization("")).toThrow(/empty/);
    expect(() => basicAuthorization("not base64!")).toThrow(/uuid:key/);
    expect(() => basicAuthorization("not base64!")).not.toThrow(/not base64!/);
  });
});
