import { describe, expect, it } from "vitest";
import { advertisedEndpoint } from "./advertised-endpoint.js";

describe("advertisedEndpoint", () => {
  it("announces the bound end-point without --advertise", () => {
    expect(advertisedEndpoint(undefined, "127.0.0.1:6473")).toBe("127.0.0.1:6473");
    expect(advertisedEndpoint("", "0.0.0.0:6473")).toBe("0.0.0.0:6473");
    expect(advertisedEndpoint("  ", "[::1]:6473")).toBe("[::1]:6473");
  });

  it("keeps the bound port for --advertise host", () => {
    expect(advertisedEndpoint("edge1", "0.0.0.0:6473")).toBe("edge1:6473");
    expect(advertisedEndpoint("10.0.0.7", "0.0.0.0:41234")).toBe("10.0.0.7:41234");
  });

  it("takes --advertise host:port whole, not as a host (was [h:7000]:6473)", () => {
    expect(advertisedEndpoint("h:7000", "0.0.0.0:6473")).toBe("h:7000");
    expect(advertisedEndpoint("10.0.0.7:7000", "[::]:6473")).toBe("10.0.0.7:7000");
  });

  it("brackets IPv6 hosts, with or without a port", () => {
    expect(advertisedEndpoint("::1", "[::]:6473")).toBe("[::1]:6473");
    expect(advertisedEndpoint("fe80::1", "[::]:6473")).toBe("[fe80::1]:6473");
    expect(advertisedEndpoint("[fe80::1]", "[::]:6473")).toBe("[fe80::1]:6473");
    expect(advertisedEndpoint("[fe80::1]:7000", "[::]:6473")).toBe("[fe80::1]:7000");
  });

  it("refuses what is neither a host nor host:port", () => {
    expect(() => advertisedEndpoint("h:70000", "0.0.0.0:6473")).toThrow(/invalid --advertise/);
    expect(() => advertisedEndpoint("h:x", "0.0.0.0:6473")).toThrow(/invalid --advertise/);
    expect(() => advertisedEndpoint("a b", "0.0.0.0:6473")).toThrow(/invalid --advertise/);
    expect(() => advertisedEndpoint("http://h", "0.0.0.0:6473")).toThrow(/invalid --advertise/);
  });
});
