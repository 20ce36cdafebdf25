#!/usr/bin/env node
import { readFileSync } from "node:fs";
import {
  clientTlsFromOptions,
  clientTlsOptionSpecs,
  createLogger,
  exitWithUsageError,
  onShutdown,
  parseControllerEndpoints,
  parseRouterEndpoints,
  parseOrExit,
  serverTlsFromOptions,
  serverTlsOptionSpecs,
} from "@soe/runtime";
import { parseKeyFile } from "./key-file.js";
import { DEFAULT_MAX_BODY_BYTES } from "./middleware/body-limit/index.js";
import { DEFAULT_MAX_ENTITY_BYTES } from "./proxy-app.js";
import { createProxyServer, MAX_WAIT_MS } from "./proxy-server.js";

const { values } = parseOrExit({
  name: "wskproxy",
  version: "0.1.0",
  summary:
    "OpenWhisk REST API (actions, packages, activations) over the edge domain: invocations become RunLambda calls (reference §6.1), deployments go to the controller.",
  options: {
    wskApiRoot: {
      type: "string",
      default: "http://127.0.0.1:20000",
      help: "URL to serve the OpenWhisk API at (https needs --tls-cert and --tls-key)",
    },
    serverEndpoint: {
      type: "string",
      default: "127.0.0.1:6473",
      help: "router (or computer) the invocations are sent to; several as a,b: one at a time, the next when it refuses connections (an invocation that never reached it is retried there)",
    },
    controllerEndpoint: {
      type: "string",
      default: "",
      help: "controller that lists the domain's actions and deploys entities (empty: listings are empty, deploying is refused); several as a,b,c: the first that answers",
    },
    authFile: {
      type: "string",
      help: "API keys: lines of 'namespace uuid:key' (default: the guest key for namespace guest)",
    },
    maxBody: {
      type: "integer",
      default: DEFAULT_MAX_BODY_BYTES,
      help: "largest invocation payload, bytes (larger: 413)",
    },
    maxEntity: {
      type: "integer",
      default: DEFAULT_MAX_ENTITY_BYTES,
      help: "largest action or package document deployed through the proxy, bytes (larger: 413)",
    },
    timeout: {
      type: "number",
      default: MAX_WAIT_MS / 1000,
      help: "longest blocking wait, seconds (at most OpenWhisk's 60); then 202",
    },
    callTimeout: {
      type: "number",
      default: 300,
      help: "deadline of each call into the domain, seconds (background calls included)",
    },
    maxInFlight: {
      type: "integer",
      default: 1000,
      help: "invocations in flight at most (beyond: 429)",
    },
    activationStore: {
      type: "string",
      default: "memory",
      help: "where activations are kept: memory (lost on restart), sqlite:PATH (a file, survives restarts) or postgres://user:password@host:port/db (shared by several proxies)",
    },
    activationMaxCount: {
      type: "integer",
      default: 10_000,
      help: "activations kept at most; the first stored are forgotten first",
    },
    activationMaxAge: {
      type: "number",
      default: 86_400,
      help: "seconds an activation is kept after it was stored",
    },
    numThreads: {
      type: "integer",
      default: 5,
      help: "accepted for compatibility; unused (async I/O, see --max-in-flight)",
    },
    secure: {
      type: "boolean",
      help: "accepted for compatibility: TLS follows the --*tls* options",
    },
    token: { type: "string", secret: true, help: "control-plane token (sent to the controller)" },
    ...serverTlsOptionSpecs("HTTPS"),
    ...clientTlsOptionSpecs("clientTls", {
      ca: "CA (PEM) to verify the router and the controller",
      cert: "client certificate (PEM) for mTLS towards them",
    }),
  },
});

// --controller-endpoint a,b,c (issue 13): every member must be an end-point.
try {
  parseControllerEndpoints(values.controllerEndpoint);
} catch (err) {
  exitWithUsageError("wskproxy", `invalid --controller-endpoint: ${(err as Error).message}`);
}

// --server-endpoint a,b (issue 13): every member must be an end-point.
try {
  parseRouterEndpoints(values.serverEndpoint);
} catch (err) {
  exitWithUsageError("wskproxy", `invalid --server-endpoint: ${(err as Error).message}`);
}

const logger = createLogger({ name: "wskproxy" });
try {
  if (
    values.timeout <= 0 ||
    values.callTimeout <= 0 ||
    values.maxBody <= 0 ||
    values.maxEntity <= 0 ||
    values.maxInFlight <= 0 ||
    values.activationMaxCount <= 0 ||
    values.activationMaxAge <= 0
  ) {
    throw new RangeError(
      "--timeout, --call-timeout, --max-body, --max-entity, --max-in-flight, --activation-max-count and --activation-max-age must be positive",
    );
  }
  // Read here, so that a bad file stops the start; its lines are never echoed (they hold keys).
  const keys =
    values.authFile === undefined ? undefined : parseKeyFile(readFileSync(values.authFile, "utf8"));
  const proxy = await createProxyServer({
    wskApiRoot: values.wskApiRoot,
    serverEndpoint: values.serverEndpoint,
    controllerEndpoint: values.controllerEndpoint,
    maxBodyBytes: values.maxBody,
    maxEntityBytes: values.maxEntity,
    maxWaitMs: Math.min(values.timeout * 1000, MAX_WAIT_MS),
    callTimeoutMs: values.callTimeout * 1000,
    maxInFlight: values.maxInFlight,
    activationStore: values.activationStore,
    activationMaxCount: values.activationMaxCount,
    activationMaxAgeMs: values.activationMaxAge * 1000,
    logger,
    ...(keys === undefined ? {} : { keys }),
    ...(values.token === undefined ? {} : { token: values.token }),
    ...serverTlsFromOptions(values),
    ...clientTlsFromOptions(values, "clientTls"),
  });
  onShutdown(logger, () => proxy.close());
} catch (err) {
  logger.fatal({ err }, "wskproxy cannot start");
  process.exitCode = 1;
}
