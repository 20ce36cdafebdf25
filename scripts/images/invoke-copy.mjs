#!/usr/bin/env node
// Invokes /guest/copy through the wsk-proxy of the seed scenario with the official `openwhisk`
// npm client, as a user would: blocking, result only, params {"input":"hello"}; expects
// {"payload":"hello"}. Retries until the route exists (the controller installs it a few seconds
// after the wsk-computers announce), then checks a few more calls. Exit 0 on success.
//
//   node scripts/images/invoke-copy.mjs [apihost] [deadline-seconds]
//   (default http://127.0.0.1:20000, 90 s; run after `pnpm install`)
import { createRequire } from "node:module";

const apihost = process.argv[2] ?? "http://127.0.0.1:20000";
const deadlineMs = Number(process.argv[3] ?? 90) * 1000;
// OpenWhisk's well-known guest key, which the proxy accepts for namespace guest by default.
const GUEST_KEY =
  "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP";
const EXPECTED = JSON.stringify({ payload: "hello" });
const CALLS = 6;

// `openwhisk` is a dev dependency of workspace packages, not of the root: load it from one.
function loadOpenwhisk() {
  for (const owner of ["e2e", "services/wsk-proxy", "packages/openwhisk-mock"]) {
    try {
      return createRequire(new URL(`../../${owner}/package.json`, import.meta.url))("openwhisk");
    } catch {}
  }
  throw new Error("the openwhisk npm package is not installed: run `pnpm install` first");
}

const openwhisk = loadOpenwhisk();
const ow = openwhisk({ apihost, api_key: GUEST_KEY });
const invoke = () =>
  ow.actions.invoke({
    name: "/guest/copy",
    blocking: true,
    result: true,
    params: { input: "hello" },
  });

const describe = (err) =>
  err instanceof Error
    ? `${err.constructor.name}: ${err.message}${err.statusCode ? ` (HTTP ${err.statusCode})` : ""}`
    : JSON.stringify(err);

const start = Date.now();
let first;
let lastError = "no attempt";
while (Date.now() - start < deadlineMs) {
  try {
    first = await invoke();
    if (JSON.stringify(first) === EXPECTED) break;
    lastError = `unexpected result ${JSON.stringify(first)}`;
    first = undefined;
  } catch (err) {
    lastError = describe(err);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
if (first === undefined) {
  console.error(
    `invoke /guest/copy via ${apihost}: no ${EXPECTED} within ${deadlineMs / 1000} s; last: ${lastError}`,
  );
  process.exit(1);
}
console.log(
  `invoke /guest/copy via ${apihost} → ${JSON.stringify(first)} after ${((Date.now() - start) / 1000).toFixed(1)} s`,
);

// The route is in place: every call must now succeed (the router spreads them over ow1 and ow2).
for (let i = 1; i < CALLS; i++) {
  let result;
  try {
    result = await invoke();
  } catch (err) {
    console.error(`call ${i + 1}/${CALLS} failed: ${describe(err)}`);
    process.exit(1);
  }
  if (JSON.stringify(result) !== EXPECTED) {
    console.error(`call ${i + 1}/${CALLS}: unexpected result ${JSON.stringify(result)}`);
    process.exit(1);
  }
}
console.log(`${CALLS} calls answered ${EXPECTED}`);
