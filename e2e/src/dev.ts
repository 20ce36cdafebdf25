#!/usr/bin/env node
import { prefixedWriter } from "./process-output.js";
import { baseEnv } from "./process-supervisor.js";
import {
  CONSOLE,
  COPY_LAMBDA,
  GUEST_KEY,
  NATIVE_LAMBDA,
  SEED,
  type SeedScenario,
  seedTopology,
  startSeedScenario,
} from "./seed-scenario.js";

/**
 * `pnpm dev`: the seed scenario on this machine, on the reference's ports, with pretty logs
 * prefixed by process; prints what to try; Ctrl-C stops every process (the last started
 * first) and exits 0. A second Ctrl-C stops waiting: the processes are killed at exit.
 */

const options = {
  ports: "dev",
  prettyLogs: true,
  proxyLogLevel: "debug",
  labelInstallations: true,
  console: true,
} as const;
const names = seedTopology(options).processes.map((p) => p.name);
const width = Math.max(...names.map((n) => n.length), "launcher".length);
const write = prefixedWriter({ width });
// pino-pretty colours only on a terminal, and the children write into pipes: say it for them.
// (Its colorette treats any FORCE_COLOR, even "0", as "colour": only NO_COLOR turns it off.)
const colour = process.stdout.isTTY === true && (process.env.NO_COLOR ?? "") === "";
const colourEnv = colour ? { FORCE_COLOR: "1" } : { NO_COLOR: "1" };
const say = (line: string) => write("launcher", line, "stdout");

const stopping = new AbortController();
let scenario: SeedScenario | undefined;
let firstSignalAt = 0;

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping.signal.aborted) {
    // pnpm forwards the terminal's SIGINT to its child, which got it from the terminal already:
    // a repeat within a second is that echo, not an operator who will not wait.
    if (Date.now() - firstSignalAt < 1_000) return;
    say(`${signal} again: killing every process now`);
    process.exit(130);
  }
  firstSignalAt = Date.now();
  stopping.abort();
  say(`${signal}: stopping every process`);
  if (scenario !== undefined) await scenario.stop();
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, (s) => void shutdown(s));
}

try {
  say(`starting ${names.join(", ")}`);
  scenario = await startSeedScenario(options, {
    onLine: write,
    env: { ...withoutColourSettings(baseEnv()), ...colourEnv },
    onUnexpectedExit: (name, status) =>
      say(
        `${name} stopped by itself (${status.signal ?? `code ${status.code}`}); Ctrl-C stops the rest`,
      ),
    signal: stopping.signal,
  });
  if (stopping.signal.aborted) {
    await scenario.stop();
  } else {
    for (const line of tryNext(scenario)) process.stdout.write(`${line}\n`);
  }
} catch (error) {
  if (stopping.signal.aborted) {
    say("stopped before the domain was up");
  } else {
    say(`cannot start the seed scenario: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

/** What to run in another shell, once everything answers. */
function tryNext(s: SeedScenario): string[] {
  const api = s.proxyUrl;
  const invoke = `${api}/api/v1/namespaces/guest/actions/copy?blocking=true&result=true`;
  const client =
    `require("openwhisk")({apihost:"${api}",api_key:"${GUEST_KEY}"})` +
    `.actions.invoke({name:"${COPY_LAMBDA}",blocking:true,result:true,params:{input:"hello"}})` +
    ".then((r)=>console.log(JSON.stringify(r)))";
  return [
    "",
    `Serverless on Edge is up: the OpenWhisk API at ${api} (guest key ${GUEST_KEY})`,
    `routes ${COPY_LAMBDA} to ${SEED.ow1} and ${SEED.ow2}, and ${NATIVE_LAMBDA} to a simulated computer, through the router at ${s.routerEndpoint}.`,
    "",
    `The domain, live in a browser: ${s.ports.url(CONSOLE)}/`,
    "",
    "Try, in another shell at the repository root (only node and curl needed):",
    "",
    '  # curl, as an OpenWhisk client (answers {"payload":"hello"})',
    `  curl -u '${GUEST_KEY}' -X POST '${invoke}' -H 'content-type: application/json' -d '{"input":"hello"}'`,
    "",
    "  # the openwhisk npm client",
    `  (cd e2e && node -e '${client}')`,
    "",
    `  # native traffic: ${NATIVE_LAMBDA} through the same router`,
    `  node packages/cli/bin/edgeclient.js --server-endpoints ${s.routerEndpoint} --lambda ${NATIVE_LAMBDA} --inter-request-time 1 --max-requests 5`,
    "",
    `  # the router's forwarding tables`,
    `  node packages/cli/bin/forwardingtableclient.js --server-endpoint ${s.ports.endpoint(SEED.router, "table")}`,
    "",
    "Ctrl-C stops everything.",
    "",
  ];
}

function withoutColourSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, NO_COLOR: _no, ...rest } = env;
  return rest;
}
