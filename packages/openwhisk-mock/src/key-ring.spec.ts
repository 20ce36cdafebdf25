import { describe, expect, it } from "vitest";
import { KeyRing } from "./key-ring.js";
import { GUEST_KEY, WHISK_SYSTEM_KEY } from "./well-known-keys.js";

const ring = new KeyRing(
  new Map([
    ["guest", [GUEST_KEY]],
    ["whisk.system", [WHISK_SYSTEM_KEY]],
  ]),
);
const basic = (value: string) => `Basic ${Buffer.from(value).toString("base64")}`;

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

  it("tells missing credentials from invalid ones", () => {
    expect(ring.authenticate(undefined)).toEqual({ ok: false, reason: "missing" });
    expect(ring.authenticate("Bearer abc")).toEqual({ ok: false, reason: "missing" });
    expect(ring.authenticate(basic(`${GUEST_KEY}x`))).toEqual({ ok: false, reason: "invalid" });
    expect(ring.authenticate(basic(GUEST_KEY.replace("123z", "124z")))).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(ring.authenticate(basic("guest"))).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses keys the controller would not know, without showing them", () => {
    expect(() => new KeyRing(new Map([["ns", ["not-a-uuid:short"]]]))).toThrow(/namespace 'ns'/);
    expect(() => new KeyRing(new Map([["ns", ["not-a-uuid:short"]]]))).not.toThrow(/short/);
  });
});
