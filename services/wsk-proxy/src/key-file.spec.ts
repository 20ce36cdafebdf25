import { GUEST_KEY } from "@soe/openwhisk";
import { describe, expect, it } from "vitest";
import { parseKeyFile } from "./key-file.js";

const OTHER =
  "11111111-2222-4333-8444-555555555555:0123456789012345678901234567890123456789012345678901234567890123";

describe("parseKeyFile", () => {
  it("reads 'namespace uuid:key' lines, several keys per namespace, and comments", () => {
    const keys = parseKeyFile(
      `# keys\nguest ${GUEST_KEY}\n\nteam-a ${OTHER}  # the team's\nguest ${OTHER}\n`,
    );
    expect([...keys]).toEqual([
      ["guest", [GUEST_KEY, OTHER]],
      ["team-a", [OTHER]],
    ]);
  });

  it("takes a bare key as the guest namespace's, like OpenWhisk's auth.guest", () => {
    expect([...parseKeyFile(`${GUEST_KEY}\r\n`)]).toEqual([["guest", [GUEST_KEY]]]);
  });

  it("names the bad line without repeating what it holds", () => {
    const attempt = () => parseKeyFile(`guest ${GUEST_KEY}\nsecret-without-colon\n`);
    expect(attempt).toThrow("auth file line 2: expected 'namespace uuid:key'");
    try {
      attempt();
    } catch (error) {
      expect(String(error)).not.toContain("secret-without-colon");
    }
  });

  it("refuses a file without keys", () => {
    expect(() => parseKeyFile("# nothing\n")).toThrow("auth file holds no key");
  });
});
