import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadClientTls, loadServerTls } from "./tls.js";

/** Files with recognisable contents: loading is reading, PEM parsing is Node's job. */
function files() {
  const dir = mkdtempSync(join(tmpdir(), "soe-tls-"));
  const path = (name: string) => {
    const file = join(dir, name);
    writeFileSync(file, `${name} contents`);
    return file;
  };
  return { cert: path("cert.pem"), key: path("key.pem"), ca: path("ca.pem") };
}

const text = (value: string | Buffer | undefined) => value?.toString();

describe("loadServerTls", () => {
  it("is undefined without a certificate: the server speaks cleartext", () => {
    expect(loadServerTls({})).toBeUndefined();
  });

  it("reads the certificate, the key and, for mTLS, the client CA", () => {
    const { cert, key, ca } = files();
    const tls = loadServerTls({ cert, key, ca });
    expect(text(tls?.cert)).toBe("cert.pem contents");
    expect(text(tls?.key)).toBe("key.pem contents");
    expect(text(tls?.ca)).toBe("ca.pem contents");
    expect(loadServerTls({ cert, key })?.ca).toBeUndefined();
  });

  it("refuses a certificate without its key, and a key without its certificate", () => {
    const { cert, key } = files();
    expect(() => loadServerTls({ cert })).toThrow("TLS needs both a certificate and a key");
    expect(() => loadServerTls({ key })).toThrow("TLS needs both a certificate and a key");
  });

  it("fails loudly on a file that is not there", () => {
    expect(() =>
      loadServerTls({ cert: "/nonexistent/cert.pem", key: "/nonexistent/key.pem" }),
    ).toThrow(/ENOENT/);
  });
});

describe("loadClientTls", () => {
  it("is undefined without a CA or a certificate: the client dials cleartext", () => {
    expect(loadClientTls({})).toBeUndefined();
  });

  it("reads the CA alone, or a client certificate and key for mTLS", () => {
    const { cert, key, ca } = files();
    expect(Object.keys(loadClientTls({ ca }) ?? {})).toEqual(["ca"]);
    const mutual = loadClientTls({ ca, cert, key });
    expect(text(mutual?.cert)).toBe("cert.pem contents");
    expect(text(mutual?.key)).toBe("key.pem contents");
  });
});
