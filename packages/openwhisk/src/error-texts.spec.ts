import { describe, expect, it } from "vitest";
import {
  activationIdLength,
  ErrorText,
  malformedContent,
  malformedQuery,
  methodNotAllowed,
  notAuthorizedFor,
  packageNotEmpty,
  tooLarge,
  tooManyConcurrent,
} from "./error-texts.js";

describe("OpenWhisk's error texts", () => {
  it("keeps the controller's words, line breaks included", () => {
    expect(ErrorText.unsupportedContentType).toBe(
      "The request's Content-Type is not supported. Expected:\napplication/json",
    );
    expect(malformedQuery("limit", "x")).toBe("The query parameter 'limit' was malformed:\nx");
    expect(malformedContent("exec undefined")).toBe(
      "The request content was malformed:\nexec undefined",
    );
  });

  it("names the resource, the sizes and the counts it is given", () => {
    expect(notAuthorizedFor("other/pkg/hello")).toBe(
      "The supplied authentication is not authorized to access 'other/pkg/hello'.",
    );
    expect(tooLarge(2048, 1024)).toBe("Request larger than allowed: 2048 > 1024 bytes.");
    expect(activationIdLength(5)).toBe("Activation id length is 5 but must be 32.");
    expect(methodNotAllowed(["GET", "POST"])).toBe(
      "HTTP method not allowed, supported methods: GET, POST",
    );
    expect(tooManyConcurrent(11, 10)).toBe(
      "Too many concurrent requests in flight (count: 11, allowed: 10).",
    );
  });

  it("counts a package's entities in the singular and the plural", () => {
    expect(packageNotEmpty(1)).toBe(
      "Package not empty (contains 1 entity). Set force param or delete package contents.",
    );
    expect(packageNotEmpty(3)).toContain("(contains 3 entities)");
  });
});
