import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defineProgram, formatHelp, parseOptions } from "./options.js";
import {
  clientTlsFromOptions,
  clientTlsOptionSpecs,
  serverTlsFromOptions,
  serverTlsOptionSpecs,
} from "./tls-options.js";

const program = defineProgram({
  name: "edgecontroller",
  version: "0.1.0",
  summary: "Test program.",
  options: {
    ...serverTlsOptionSpecs(),
    ...clientTlsOptionSpecs("routerTls", {
      ca: "CA (PEM) to verify routers",
      cert: "client certificate (PEM) towards routers (mTLS)",
      key: "client private key (PEM) towards routers",
    }),
  },
});

const dir = mkdtempSync(join(tmpdir(), "tls-options-"));
const file = (name: string) => {
  const path = join(dir, name);
  writeFileSync(path, `PEM of ${name}`);
  return path;
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("TLS option specs", () => {
  it("declare the server's flags in the order --help lists them, with their env variables", () => {
    expect(formatHelp(program).split("\n").slice(5, 11)).toEqual([
      "  --tls-cert <string>         server certificate (PEM): serve TLS [env SOE_EDGECONTROLLER_TLS_CERT]",
      "  --tls-key <string>          server private key (PEM) [env SOE_EDGECONTROLLER_TLS_KEY]",
      "  --tls-ca <string>           CA (PEM) that client certificates must chain to (mTLS) [env SOE_EDGECONTROLLER_TLS_CA]",
      "  --router-tls-ca <string>    CA (PEM) to verify routers [env SOE_EDGECONTROLLER_ROUTER_TLS_CA]",
      "  --router-tls-cert <string>  client certificate (PEM) towards routers (mTLS) [env SOE_EDGECONTROLLER_ROUTER_TLS_CERT]",
      "  --router-tls-key <string>   client private key (PEM) towards routers [env SOE_EDGECONTROLLER_ROUTER_TLS_KEY]",
    ]);
  });

  it("say what the server certificate serves", () => {
    expect(serverTlsOptionSpecs("HTTPS").tlsCert.help).toBe(
      "server certificate (PEM): serve HTTPS",
    );
  });

  it("name a client's options after its prefix, with the usual key text unless told", () => {
    expect(clientTlsOptionSpecs("clientTls", { ca: "CA", cert: "certificate" })).toEqual({
      clientTlsCa: { type: "string", help: "CA" },
      clientTlsCert: { type: "string", help: "certificate" },
      clientTlsKey: { type: "string", help: "client private key (PEM)" },
    });
  });
});

describe("TLS from option values", () => {
  it("adds nothing when no file is named", () => {
    const parsed = parseOptions(program, [], {});
    if (parsed.kind !== "ok") throw new Error(parsed.kind);
    expect(serverTlsFromOptions(parsed.values)).toEqual({});
    expect(clientTlsFromOptions(parsed.values, "routerTls")).toEqual({});
  });

  it("reads the files the options of each side name, under the name the server takes", () => {
    const argv = [
      `--tls-cert=${file("server.crt")}`,
      `--tls-key=${file("server.key")}`,
      `--router-tls-ca=${file("ca.crt")}`,
    ];
    const parsed = parseOptions(program, argv, {});
    if (parsed.kind !== "ok") throw new Error(parsed.kind);
    const { tls } = serverTlsFromOptions(parsed.values);
    expect(String(tls?.cert)).toBe("PEM of server.crt");
    expect(String(tls?.key)).toBe("PEM of server.key");
    expect(tls).not.toHaveProperty("ca");
    expect(clientTlsFromOptions(parsed.values, "routerTls")).toEqual({
      routerTls: { ca: Buffer.from("PEM of ca.crt") },
    });
  });

  it("refuses a server certificate without its key", () => {
    expect(() => serverTlsFromOptions({ tlsCert: file("lonely.crt") })).toThrow(
      "TLS needs both a certificate and a key",
    );
  });
});
