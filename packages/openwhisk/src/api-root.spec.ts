import { describe, expect, it } from "vitest";
import { parseApiRoot } from "./api-root.js";

describe("parseApiRoot", () => {
  it("reads a plain http root", () => {
    expect(parseApiRoot("http://127.0.0.1:3233")).toEqual({
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 3233,
      basePath: "",
      display: "http://127.0.0.1:3233",
    });
  });

  it("drops a trailing /api/v1 and slashes", () => {
    expect(parseApiRoot("https://ow.example/api/v1/").display).toBe("https://ow.example");
    expect(parseApiRoot("https://ow.example/").basePath).toBe("");
  });

  it("keeps a path prefix in front of /api/v1", () => {
    const root = parseApiRoot("https://gw.example/openwhisk/api/v1");
    expect(root.basePath).toBe("/openwhisk");
    expect(root.port).toBe(443);
  });

  it("adds https:// to a bare host, as the official clients do", () => {
    expect(parseApiRoot("127.0.0.1:80").protocol).toBe("https:");
  });

  it("refuses credentials, other schemes and empty roots", () => {
    expect(() => parseApiRoot("http://u:secret@h")).toThrow(/must not carry credentials/);
    expect(() => parseApiRoot("http://u:secret@h")).not.toThrow(/secret/);
    expect(() => parseApiRoot("ftp://h")).toThrow(/scheme/);
    expect(() => parseApiRoot(" ")).toThrow(/empty/);
    expect(() => parseApiRoot("http://h/?a=1")).toThrow(/query/);
  });
});
