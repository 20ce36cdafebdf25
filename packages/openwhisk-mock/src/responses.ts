import {
  ErrorText,
  malformedContent,
  methodNotAllowed as methodNotAllowedText,
  tooLarge,
} from "@soe/openwhisk";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { MockEnv } from "./mock-env.js";
import type { BodyRead } from "./request-body.js";

/** OpenWhisk's error body: the message and the transaction id, always both (the Go client needs both). */
export function errorResponse(
  c: Context<MockEnv>,
  status: ContentfulStatusCode,
  error: string,
): Response {
  return c.json({ error, code: c.get("tid") }, status);
}

/** The 400/413/415 answer for a body `readJsonObject` refused. */
export function bodyRefused(
  c: Context<MockEnv>,
  read: Exclude<BodyRead, { kind: "ok" }>,
  limit: number,
): Response {
  switch (read.kind) {
    case "too-large":
      return errorResponse(c, 413, tooLarge(read.size, limit));
    case "unsupported-media-type":
      return errorResponse(c, 415, ErrorText.unsupportedContentType);
    case "malformed":
      return errorResponse(c, 400, malformedContent(read.detail));
  }
}

/** 405 in Pekko's words, for a known path and a method it does not serve. */
export function methodNotAllowed(c: Context<MockEnv>, supported: readonly string[]): Response {
  return errorResponse(c, 405, methodNotAllowedText(supported));
}
