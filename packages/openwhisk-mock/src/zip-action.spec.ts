import { strToU8, zipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { ActionRunner } from "./action-runner.js";
import { NO_ENTRY_TEXT, zipActionSource } from "./zip-action.js";

function zip(files: Record<string, string>): string {
  const entries = Object.fromEntries(Object.entries(files).map(([n, t]) => [n, strToU8(t)]));
  return Buffer.from(zipSync(entries)).toString("base64");
}

const runners: ActionRunner[] = [];
afterEach(() => {
  for (const r of runners.splice(0)) r.close();
});

let counter = 0;
async function run(base64: string, params: Record<string, unknown> = {}, main = "main") {
  const source = zipActionSource(base64);
  if (!source.ok) throw new Error(source.error);
  const runner = new ActionRunner({ clock: () => 0, maxResultBytes: 1 << 20, maxLogBytes: 4096 });
  runners.push(runner);
  counter += 1;
  return runner.run({
    cacheKey: `zip-${counter}`,
    code: source.code,
    main,
    params,
    timeoutMs: 2000,
    filename: "zip.js",
  });
}

describe("zipActionSource", () => {
  it("runs index.js's exported main when there is no package.json", async () => {
    const outcome = await run(zip({ "index.js": "exports.main = (p) => ({ hello: p.name });" }), {
      name: "zip",
    });
    expect(outcome).toMatchObject({ status: "success", result: { hello: "zip" } });
  });

  it("starts from package.json's main and follows relative and node_modules requires", async () => {
    const outcome = await run(
      zip({
        "package.json": JSON.stringify({ name: "a", main: "lib/entry.js" }),
        "lib/entry.js":
          "const pad = require('left-pad'); const data = require('../data.json'); const twice = require('./util');\nexports.handler = (p) => ({ padded: pad(p.s, 4), n: twice(data.n) }) // no newline",
        "lib/util.js": "module.exports = (n) => n * 2;",
        "data.json": '{"n": 21}',
        "node_modules/left-pad/package.json": JSON.stringify({ main: "./pad" }),
        "node_modules/left-pad/pad.js": "module.exports = (s, n) => s.padStart(n, '.');",
        "README.md": "not loaded",
      }),
      { s: "ab" },
      "handler",
    );
    expect(outcome).toMatchObject({ status: "success", result: { padded: "..ab", n: 42 } });
  });

  it("makes a missing module an initialization failure", async () => {
    const outcome = await run(
      zip({ "index.js": "require('left-pad'); exports.main = () => ({})" }),
    );
    expect(outcome.status).toBe("action developer error");
    expect(outcome.result).toEqual({
      error: "Initialization has failed due to: Error: Cannot find module 'left-pad'",
    });
  });

  it("refuses a zip without package.json or index.js, and what is not a zip", () => {
    expect(zipActionSource(zip({ "main.js": "exports.main = () => ({})" }))).toEqual({
      ok: false,
      error: NO_ENTRY_TEXT,
    });
    const notZip = zipActionSource(Buffer.from("not a zip at all").toString("base64"));
    expect(notZip.ok).toBe(false);
  });
});
