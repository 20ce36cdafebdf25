import { describe, expect, it } from "vitest";
import { listenEndpoint } from "./proxy-server.js";

describe("listenEndpoint", () => {
  it("takes the host and port of --wsk-api-root, with the scheme's default port", () => {
    expect(listenEndpoint("http://127.0.0.1:20000", false)).toBe("127.0.0.1:20000");
    expect(listenEndpoint("http://0.0.0.0:20000/", false)).toBe("0.0.0.0:20000");
    expect(listenEndpoint("http://[::1]:8080", false)).toBe("[::1]:8080");
    expect(listenEndpoint("http://localhost", false)).toBe("localhost:80");
    expect(listenEndpoint("https://127.0.0.1", true)).toBe("127.0.0.1:443");
  });

  it("refuses what it cannot serve", () => {
    expect(() => listenEndpoint("ftp://127.0.0.1:21", false)).toThrow(
      "the scheme must be http or https",
    );
    expect(() => listenEndpoint("127.0.0.1:20000", false)).toThrow("expected http://host:port");
    expect(() => listenEndpoint("https://127.0.0.1:1", false)).toThrow(
      "give a certificate and key",
    );
    expect(() => listenEndpoint("http://127.0.0.1:1", true)).toThrow("must be https://");
  });
});
