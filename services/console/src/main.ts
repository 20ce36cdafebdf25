#!/usr/bin/env node
import {
  createLogger,
  exitWithUsageError,
  onShutdown,
  parseControllerEndpoints,
  parseEndpoint,
  parseOrExit,
  serverTlsFromOptions,
  serverTlsOptionSpecs,
} from "@soe/runtime";
import { createConsoleServer } from "./console-server.js";

const NAME = "edgeconsole";

const { values } = parseOrExit({
  name: NAME,
  version: "0.1.0",
  summary:
    "Edge console: a live, read-only web page of the domain (routers and their tables, computers, lambdas, OpenWhisk installations and drift, router traffic).",
  options: {
    // Loopback by default: the page shows what the control-plane token opens (installations,
    // drift) to whoever reaches it, so exposing it is a decision (`--server-endpoint 0.0.0.0:6480`).
    serverEndpoint: { type: "string", default: "127.0.0.1:6480", help: "end-point to serve on" },
    controllerEndpoint: {
      type: "string",
      default: "127.0.0.1:6475",
      help: "the controller of the domain to show; several as a,b,c: the first that answers",
    },
    refreshInterval: {
      type: "number",
      default: 1,
      help: "seconds between two snapshots of the domain while a page is open",
    },
    maxClients: {
      type: "integer",
      default: 16,
      help: "live pages served at once; more are turned away (503)",
    },
    readTimeout: {
      type: "number",
      default: 2,
      help: "deadline of each read from the controller and the routers, seconds",
    },
    token: {
      type: "string",
      secret: true,
      help: "control-plane token, to read installations and drift (read-only use; never sent to the page)",
    },
    ...serverTlsOptionSpecs(),
  },
});

function usage(message: string): never {
  return exitWithUsageError(NAME, message);
}

// From --token or SOE_EDGECONSOLE_TOKEN (DESIGN §5); an empty token means none.
const token = values.token || undefined;
if (!(values.refreshInterval > 0))
  usage(`invalid --refresh-interval ${values.refreshInterval}: must be > 0`);
if (!(values.readTimeout > 0)) usage(`invalid --read-timeout ${values.readTimeout}: must be > 0`);
if (!(values.maxClients >= 1)) usage(`invalid --max-clients ${values.maxClients}: must be >= 1`);
try {
  parseEndpoint(values.serverEndpoint);
} catch (err) {
  usage((err as Error).message);
}
// --controller-endpoint a,b,c (issue 13): every member must be an end-point.
try {
  if (parseControllerEndpoints(values.controllerEndpoint).length === 0) throw new Error("empty");
} catch (err) {
  exitWithUsageError("edgeconsole", `invalid --controller-endpoint: ${(err as Error).message}`);
}

const logger = createLogger({ name: NAME });
try {
  const server = await createConsoleServer({
    serverEndpoint: values.serverEndpoint,
    controllerEndpoint: values.controllerEndpoint,
    refreshIntervalMs: values.refreshInterval * 1000,
    maxClients: values.maxClients,
    readTimeoutMs: values.readTimeout * 1000,
    logger,
    ...(token === undefined ? {} : { token }),
    ...tlsOptions(),
  });
  onShutdown(logger, () => server.close());
} catch (err) {
  logger.fatal({ err }, "edge console cannot start");
  process.exitCode = 1;
}

function tlsOptions() {
  try {
    return serverTlsFromOptions(values);
  } catch (err) {
    usage(`TLS: ${(err as Error).message}`);
  }
}
