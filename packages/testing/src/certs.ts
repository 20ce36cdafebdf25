import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCerts {
  ca: Buffer;
  serverCert: Buffer;
  serverKey: Buffer;
  clientCert: Buffer;
  clientKey: Buffer;
  otherCa: Buffer;
}

/** A throw-away CA with a server (localhost, 127.0.0.1) and a client certificate, via openssl. */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "soe-certs-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  try {
    const selfSigned = (name: string) =>
      ssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        `/CN=${name}`,
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.crt`,
      );
    const signed = (name: string, extension: string) => {
      writeFileSync(join(dir, `${name}.ext`), `${extension}\n`);
      ssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        `/CN=${name}`,
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.csr`,
      );
      ssl(
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-out",
        `${name}.crt`,
        "-extfile",
        `${name}.ext`,
      );
    };
    selfSigned("ca");
    selfSigned("other");
    signed("server", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    signed("client", "extendedKeyUsage=clientAuth");
    const read = (f: string) => readFileSync(join(dir, f));
    return {
      ca: read("ca.crt"),
      serverCert: read("server.crt"),
      serverKey: read("server.key"),
      clientCert: read("client.crt"),
      clientKey: read("client.key"),
      otherCa: read("other.crt"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
