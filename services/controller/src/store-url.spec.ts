import { describe, expect, it } from "vitest";
import { DEFAULT_ETCD_PREFIX, InvalidStoreUrl, parseStoreUrl } from "./store-url.js";

describe("parseStoreUrl", () => {
  it("takes one or several members, under the default prefix", () => {
    expect(parseStoreUrl("etcd://127.0.0.1:2379")).toEqual({
      hosts: ["http://127.0.0.1:2379"],
      prefix: DEFAULT_ETCD_PREFIX,
      display: "etcd://127.0.0.1:2379",
    });
    expect(parseStoreUrl("etcd://a:1,b.example:2,[::1]:3/domain1").hosts).toEqual([
      "http://a:1",
      "http://b.example:2",
      "http://[::1]:3",
    ]);
    expect(parseStoreUrl("etcd://a:1/domain1").prefix).toBe("/domain1/");
  });

  it("keeps credentials out of the form that is logged", () => {
    const address = parseStoreUrl("etcd://soe:p%40ss@a:1");
    expect(address.auth).toEqual({ username: "soe", password: "p@ss" });
    expect(address.display).toBe("etcd://soe:***@a:1");
  });

  it.each([
    ["http://a:1", /expected etcd:\/\//],
    ["etcd://", /expected etcd:\/\//],
    ["etcd://a", /member 'a' is not host:port/],
    ["etcd://a:0", /member 'a:0' is not host:port/],
    ["etcd://a:1,,b:2", /member '' is not host:port/],
    ["etcd://secret@a:1", /credentials must be user:password@/],
  ])("refuses %s, naming no password", (url, message) => {
    expect(() => parseStoreUrl(url)).toThrow(InvalidStoreUrl);
    expect(() => parseStoreUrl(url)).toThrow(message);
    try {
      parseStoreUrl(url);
    } catch (error) {
      expect((error as Error).message).not.toContain("secret");
    }
  });
});
