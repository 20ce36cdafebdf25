import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeTestCerts } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createProxyServer } from "../src/proxy-server.js";
import { closedEndpoint } from "./support/black-hole.js";
import { GUEST_KEY, quietLogger } from "./support/domain.js";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Runs src/main.ts as the wskproxy binary does after a build. */
function wskproxy(args: string[]) {
  const child = spawn(
    process.execPath,
    ["--conditions=@soe/source", "--import", "tsx", main, ...args],
    {
      env: { ...process.env, LOG_PRETTY: "0" },
    },
  );
  children.push(child);
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  child.stderr.on("data", (chunk) => {
    out += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { child, exited, output: () => out };
}

describe("wskproxy binary", () => {
  it("lists the reference's options with their defaults", async () => {
    const run = wskproxy(["--help"]);
    expect(await run.exited).toBe(0);
    for (const text of [
      "--wsk-api-root",
      "http://127.0.0.1:20000",
      "--server-endpoint",
      "127.0.0.1:6473",
      "--auth-file",
    ]) {
      expect(run.output()).toContain(text);
    }
  });

  it("refuses a --controller-endpoint list with a member that is not an end-point", async () => {
    const run = wskproxy(["--controller-endpoint", "127.0.0.1:6475,,127.0.0.1:6476"]);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("wskproxy: invalid --controller-endpoint");
  });

  it("refuses a bad auth file, naming the line and not its content", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wskproxy-"));
    const file = join(dir, "auth");
    writeFileSync(file, `guest ${GUEST_KEY}\nnot-a-key-line-secret\n`);
    const run = wskproxy(["--auth-file", file, "--wsk-api-root", "http://127.0.0.1:0"]);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("auth file line 2");
    expect(run.output()).not.toContain("not-a-key-line-secret");
    expect(run.output()).not.toContain(GUEST_KEY.slice(37));
  });

  it("serves until SIGTERM, then exits 0 (the reference's --server prefix accepted)", async () => {
    const run = wskproxy([
      "--wsk-api-root",
      "http://127.0.0.1:0",
      "--server",
      await closedEndpoint(),
    ]);
    for (let i = 0; i < 500 && !run.output().includes("REST server started"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(run.output()).toContain("REST server started at http://127.0.0.1:");
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  });
});

describe("TLS", () => {
  it("serves HTTPS when given a certificate, and refuses an http:// root with one", async () => {
    const certs = makeTestCerts();
    const tls = { cert: certs.serverCert, key: certs.serverKey };
    const proxy = await createProxyServer({
      wskApiRoot: "https://127.0.0.1:0",
      serverEndpoint: await closedEndpoint(),
      tls,
      logger: quietLogger,
    });
    try {
      const url = new URL(`${proxy.url}/api/v1/namespaces`);
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest(
          url,
          {
            ca: certs.ca,
            headers: { authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}` },
          },
          (res) => {
            let body = "";
            res.on("data", (chunk) => {
              body += chunk;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on("error", reject);
        req.end();
      });
      expect(answer).toEqual({ status: 200, body: '["guest"]' });
    } finally {
      await proxy.close();
    }
    await expect(
      createProxyServer({
        wskApiRoot: "http://127.0.0.1:0",
        serverEndpoint: "127.0.0.1:1",
        tls,
        logger: quietLogger,
      }),
    ).rejects.toThrow("must be https://");
  });
});
