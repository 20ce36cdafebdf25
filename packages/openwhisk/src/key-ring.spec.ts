import { describe, expect, it } from "vitest";
import { KeyRing } from "./key-ring.js";
import { GUEST_KEY, WHISK_SYSTEM_KEY } from "./well-known-keys.js";

const ring = new KeyRing(
  new Map([
    ["guest", [GUEST_KEY]],
    ["whisk.system", [WHISK_SYSTEM_KEY]],
  ]),
);
const guestRing = new KeyRing(new Map([["guest", [GUEST_KEY]]]));
const basic = (value: string) => `Basic ${Buffer.from(value).toString("base64")}`;
const [uuid = "", secret = ""] = GUEST_KEY.split(":");

describe("KeyRing", () => {
  it("maps each key to its namespace", () => {
    expect(ring.authenticate(basic(GUEST_KEY))).toEqual({
      ok: true,
      identity: { namespace: "guest", subject: "guest" },
    });
    expect(ring.authenticate(basic(WHISK_SYSTEM_KEY))).toMatchObject({
      identity: { namespace: "whisk.system" },
    });
    expect(ring.namespaces).toEqual(["guest", "whisk.system"]);
  });

  it("knows the guest key, whatever the case of the Basic scheme and the uuid", () => {
    expect(guestRing.authenticate(basic(GUEST_KEY))).toEqual({
      ok: true,
      identity: { namespace: "guest", subject: "guest" },
    });
    expect(
      guestRing.authenticate(
        `basic ${Buffer.from(`${uuid.toUpperCase()}:${secret}`).toString("base64")}`,
      ).ok,
    ).toBe(true);
  });

  it("tells missing credentials from invalid ones", () => {
    expect(ring.authenticate(undefined)).toEqual({ ok: false, reason: "missing" });
    expect(ring.authenticate("Bearer abc")).toEqual({ ok: false, reason: "missing" });
    expect(ring.authenticate(basic(`${GUEST_KEY}x`))).toEqual({ ok: false, reason: "invalid" });
    expect(ring.authenticate(basic(GUEST_KEY.replace("123z", "124z")))).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(ring.authenticate(basic("guest"))).toEqual({ ok: false, reason: "invalid" });

    expect(guestRing.authenticate(undefined)).toEqual({ ok: false, reason: "missing" });
    expect(guestRing.authenticate("Bearer abc")).toEqual({ ok: false, reason: "missing" });
    expect(guestRing.authenticate(basic(`${uuid}:${secret.slice(1)}x`))).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(guestRing.authenticate(basic(`${uuid}:short`))).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(guestRing.authenticate(basic("no-colon"))).toEqual({ ok: false, reason: "invalid" });
    expect(guestRing.authenticate("Basic !!!not-base64!!!")).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("refuses keys the controller would not know, without showing them", () => {
    expect(() => new KeyRing(new Map([["ns", ["not-a-uuid:short"]]]))).toThrow(/namespace 'ns'/);
    expect(() => new KeyRing(new Map([["ns", ["not-a-uuid:short"]]]))).not.toThrow(/short/);
  });

  it("refuses keys without OpenWhisk's shape, naming the namespace and not the key", () => {
    expect(() => new KeyRing(new Map([["guest", ["not-a-uuid:abc"]]]))).toThrow(
      "the key for namespace 'guest' is not 'uuid:64-character-key'",
    );
    expect(() => new KeyRing(new Map([["bad/ns", [GUEST_KEY]]]))).toThrow(
      "not a valid OpenWhisk namespace",
    );
  });

  it("takes any namespace name when told not to check them, as the openwhisk-mock does", () => {
    const lax = new KeyRing(new Map([["bad/ns", [GUEST_KEY]]]), { checkNamespaceNames: false });
    expect(lax.authenticate(basic(GUEST_KEY))).toEqual({
      ok: true,
      identity: { namespace: "bad/ns", subject: "bad/ns" },
    });
    expect(
      () => new KeyRing(new Map([["bad/ns", ["not-a-uuid:abc"]]]), { checkNamespaceNames: false }),
    ).toThrow("the key for namespace 'bad/ns' is not 'uuid:64-character-key'");
  });

  it("lists its namespaces", () => {
    expect(guestRing.namespaces).toEqual(["guest"]);
  });
});
