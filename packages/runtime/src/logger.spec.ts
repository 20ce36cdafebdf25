import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "./logger.js";

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("createLogger", () => {
  it("writes pino JSON lines with the logger's name", () => {
    const { stream, text } = sink();
    createLogger({ name: "edgerouter", pretty: false, destination: stream }).info({ n: 1 }, "up");
    const line = JSON.parse(text());
    expect(line).toMatchObject({ name: "edgerouter", level: 30, n: 1, msg: "up" });
  });

  it("never writes a token or an authorization header", () => {
    const { stream, text } = sink();
    const log = createLogger({ name: "t", pretty: false, destination: stream });
    log.info({ token: "s3cret" }, "a");
    log.info({ headers: { authorization: "Bearer s3cret" } }, "b");
    log.info({ req: { headers: { authorization: "Bearer s3cret" } } }, "c");
    log.info({ wsk: { auth: "uuid:s3cret", apiKey: "s3cret" }, password: "s3cret" }, "d");
    log.child({ token: "s3cret" }).info("e");
    expect(text()).not.toContain("s3cret");
    expect(text()).toContain('"token":"[redacted]"');
    expect(text()).toContain('"authorization":"[redacted]"');
  });

  it("redacts in pretty output too", () => {
    const { stream, text } = sink();
    const log = createLogger({ name: "t", pretty: true, destination: stream });
    log.info({ headers: { authorization: "Bearer s3cret" } }, "hello");
    expect(text()).toContain("INFO (t): hello");
    expect(text()).toContain("[redacted]");
    expect(text()).not.toContain("s3cret");
  });

  it("honours LOG_LEVEL, and an explicit level over it", () => {
    vi.stubEnv("LOG_LEVEL", "warn");
    const { stream, text } = sink();
    const log = createLogger({ name: "t", pretty: false, destination: stream });
    log.info("hidden");
    log.warn("shown");
    expect(text()).not.toContain("hidden");
    expect(text()).toContain("shown");
    expect(createLogger({ name: "t", level: "debug", destination: stream }).level).toBe("debug");
  });

  it("chooses pretty or JSON from LOG_PRETTY", () => {
    vi.stubEnv("LOG_PRETTY", "1");
    const pretty = sink();
    createLogger({ name: "t", destination: pretty.stream }).info("x");
    expect(pretty.text()).toContain("INFO (t): x");
    vi.stubEnv("LOG_PRETTY", "0");
    const json = sink();
    createLogger({ name: "t", destination: json.stream }).info("x");
    expect(JSON.parse(json.text())).toMatchObject({ msg: "x" });
  });
});
