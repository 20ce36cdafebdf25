import { describe, expect, test } from "vitest";
import { endpointUrl, formatEndpoint, parseEndpoint } from "./endpoint.js";

describe("end-points", () => {
  test("parse host:port, names and bracketed IPv6", () => {
    expect(parseEndpoint("0.0.0.0:6473")).toEqual({ host: "0.0.0.0", port: 6473 });
    expect(parseEndpoint("localhost:6474")).toEqual({ host: "localhost", port: 6474 });
    expect(parseEndpoint("[::1]:80")).toEqual({ host: "::1", port: 80 });
  });

  test("reject what is not host:port", () => {
    for (const bad of ["", "6473", "host:", ":80", "host:99999", "a b:1", "::1:80", "host:1:2"]) {
      expect(() => parseEndpoint(bad), bad).toThrow(/invalid end-point/);
    }
  });

  test("format brackets IPv6 hosts", () => {
    expect(formatEndpoint({ host: "::1", port: 5 })).toBe("[::1]:5");
    expect(formatEndpoint({ host: "10.0.0.1", port: 5 })).toBe("10.0.0.1:5");
  });

  test("wildcard binds are dialled on loopback", () => {
    expect(endpointUrl("0.0.0.0:6473", false)).toBe("http://127.0.0.1:6473");
    expect(endpointUrl("[::]:6473", true)).toBe("https://[::1]:6473");
    expect(endpointUrl("edge-1:6473", false)).toBe("http://edge-1:6473");
  });
});
