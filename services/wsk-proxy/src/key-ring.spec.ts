import { describe, expect, it } from "vitest";
import { GUEST_KEY } from "./key-file.js";
import { KeyRing } from "./key-ring.js";

const basic = (text: string) => `Basic ${Buffer.from(text).toString("base64")}`;
const ring = new KeyRing(new Map([["guest", [GUEST_KEY]]]));
const [uuid = "", secret = ""] = GUEST_KEY.split(":");

describe("KeyRing", () => {
  it("knows the guest key, whatever the case of the Basic scheme and the uuid", () => {
    expect(ring.authenticate(basic(GUEST_KEY))).toEqual({
      ok: true,
      identity: { namespace: "guest", subject: "guest" },
    });
    expect(
      ring.authenticate(
        `basic ${Buffer.from(`${uuid.toUpperCase()}:${secret}`).toString("base64")}`,
      ).ok,
    ).toBe(true);
  });

  it("tells missing credentials from invalid ones", () => {
    expect(ring.authenticate(undefined)).toEqual({ ok: false, reason: "missing" });
    expect(ring.authenticate("Bearer abc")).toEqual({ ok: false, reason: "missing" });
    expect(ring.authenticate(basic(`${uuid}:${secret.slice(1)}x`))).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(ring.authenticate(basic(`${uuid}:short`))).toEqual({ ok: false, reason: "invalid" });
    expect(ring.authenticate(basic("no-colon"))).toEqual({ ok: false, reason: "invalid" });
    expect(ring.authenticate("Basic !!!not-base64!!!")).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses keys without OpenWhisk's shape, naming the namespace and not the key", () => {
    expect(() => new KeyRing(new Map([["guest", ["not-a-uuid:abc"]]]))).toThrow(
      "the key for namespace 'guest' is not 'uuid:64-character-key'",
    );
    expect(() => new KeyRing(new Map([["bad/ns", [GUEST_KEY]]]))).toThrow(
      "not a valid OpenWhisk namespace",
    );
  });

  it("lists its namespaces", () => {
    expect(ring.namespaces).toEqual(["guest"]);
  });
});
