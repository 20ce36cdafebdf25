import { PassThrough } from "node:stream";
import { describe, expect, test } from "vitest";
import {
  answerMalformedRequest,
  rejectionBody,
  statusForParserError,
} from "./request-rejection.js";

describe("request rejections", () => {
  test("parser errors map to 431, 408 or 400", () => {
    expect(statusForParserError("HPE_HEADER_OVERFLOW").status).toBe(431);
    expect(statusForParserError("ERR_HTTP_REQUEST_TIMEOUT").status).toBe(408);
    expect(statusForParserError("HPE_INVALID_METHOD").status).toBe(400);
    expect(statusForParserError(undefined).status).toBe(400);
  });

  test("the body is {error, code} with the request id as code", () => {
    const rejection = rejectionBody(400, "Malformed HTTP request.");
    expect(JSON.parse(rejection.body)).toEqual({
      error: "Malformed HTTP request.",
      code: rejection.requestId,
    });
    expect(rejection.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  test("a malformed request gets a whole HTTP/1.1 response and the connection is ended", async () => {
    const socket = new PassThrough();
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => socket.on("end", resolve));
    answerMalformedRequest(Object.assign(new Error("x"), { code: "HPE_HEADER_OVERFLOW" }), socket);
    await ended;
    const text = Buffer.concat(chunks).toString();
    const body = text.slice(text.indexOf("\r\n\r\n") + 4);
    expect(text).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(text).toContain(`content-length: ${Buffer.byteLength(body)}\r\n`);
    expect(JSON.parse(body).error).toBe("Request headers are too large.");
  });

  test("a reset connection is only destroyed", () => {
    const socket = new PassThrough();
    answerMalformedRequest(Object.assign(new Error("x"), { code: "ECONNRESET" }), socket);
    expect(socket.destroyed).toBe(true);
  });
});
