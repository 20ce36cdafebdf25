import { GUEST_KEY, WHISK_SYSTEM_KEY } from "@soe/openwhisk";
import { describe, expect, it } from "vitest";
import { parseAuthFile } from "./auth-file.js";

describe("parseAuthFile", () => {
  it("reads namespace/key lines, comments, and OpenWhisk's bare key format", () => {
    const text = `# dev keys\n${GUEST_KEY}\nwhisk.system ${WHISK_SYSTEM_KEY}  # system\n\n`;
    expect(parseAuthFile(text)).toEqual({ guest: [GUEST_KEY], "whisk.system": [WHISK_SYSTEM_KEY] });
  });

  it("names the bad line but never its content", () => {
    expect(() => parseAuthFile("guest secret-without-colon")).toThrow(
      "auth file line 1: expected 'namespace uuid:key'",
    );
    expect(() => parseAuthFile("a b c")).toThrow(/line 1/);
    expect(() => parseAuthFile("# nothing")).toThrow(/no key/);
  });
});
