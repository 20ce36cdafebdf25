#!/usr/bin/env node
import {
  clientTlsFromOptions,
  clientTlsOptionSpecs,
  createLogger,
  exitWithUsageError,
  onShutdown,
  parseControllerEndpoints,
  parseOrExit,
  serverTlsFromOptions,
  serverTlsOptionSpecs,
} from "@soe/runtime";
import { parseLabels } from "./labels.js";
import { createWskComputerServer } from "./wsk-computer-server.js";

// Reference §6.4's options. There is no `--server-conf` (gRPC is the only transport), so
// `--server` is an unambiguous prefix of `--server-endpoint` and the reference documentation's
// `edgecomputerwsk --server 127.0.0.1:10000` works (it was ambiguous there, reference §0.1).
const { values } = parseOrExit({
  name: "edgecomputerwsk",
  version: "0.1.0",
  summary:
    "Edge computer for OpenWhisk: runs lambdas as actions of one OpenWhisk server and advertises its actions (reference §6.2-6.4).",
  options: {
    serverEndpoint: {
      type: "string",
      default: "0.0.0.0:6473",
      help: "lambda (EdgeServer) end-point",
    },
    controllerEndpoint: {
      type: "string",
      default: "",
      help: "controller to announce the actions to (empty: none); several as a,b,c: the first that answers",
    },
    advertise: {
      type: "string",
      help: "host, or host:port, announced to the controller instead of the bound end-point (a host keeps the bound port)",
    },
    wskApiRoot: { type: "string", default: "https://127.0.0.1:80", help: "OpenWhisk API root URL" },
    wskAuth: {
      type: "string",
      secret: true,
      required: true,
      help: "OpenWhisk key: uuid:key, or its base64 encoding",
    },
    insecure: { type: "boolean", help: "do not verify OpenWhisk's TLS certificate" },
    name: { type: "string", help: "responder in every LambdaResponse (default: the API root)" },
    listerPeriod: {
      type: "number",
      default: 1,
      help: "seconds between two listings of the actions",
    },
    leaseTtl: {
      type: "number",
      default: 15,
      help: "controller lease, seconds: re-announced every third of it (0: only on changes)",
    },
    timeout: {
      type: "number",
      default: 60,
      help: "OpenWhisk's blocking wait per invocation, seconds (at most 60); then wsk:accepted",
    },
    numWorkers: { type: "integer", default: 1, help: "numWorkers announced for each action" },
    numThreads: {
      type: "integer",
      default: 5,
      help: "accepted for compatibility; unused (async I/O)",
    },
    token: {
      type: "string",
      secret: true,
      help: "control-plane token (announcements, and required of InstallationService callers)",
    },
    publicNamespaces: {
      type: "string",
      default: "whisk.system",
      help: "namespaces whose published packages' actions are announced too, comma-separated (empty: none)",
    },
    labels: {
      type: "string",
      default: "",
      help: "labels of this OpenWhisk installation, key=value,... (the controller places entities by them)",
    },
    ...serverTlsOptionSpecs(),
    ...clientTlsOptionSpecs("clientTls", {
      ca: "CA (PEM) to verify the controller",
      cert: "client certificate (PEM) for mTLS towards the controller",
    }),
  },
});

const labels = parseLabels(values.labels);
if (!labels.ok) exitWithUsageError("edgecomputerwsk", labels.reason);

// --controller-endpoint a,b,c (issue 13): every member must be an end-point.
try {
  parseControllerEndpoints(values.controllerEndpoint);
} catch (err) {
  exitWithUsageError("edgecomputerwsk", `invalid --controller-endpoint: ${(err as Error).message}`);
}

const logger = createLogger({ name: "edgecomputerwsk" });
try {
  if (!(values.listerPeriod > 0) || values.leaseTtl < 0 || !(values.timeout > 0)) {
    throw new RangeError(
      "--lister-period and --timeout must be positive, --lease-ttl not negative",
    );
  }
  const computer = await createWskComputerServer({
    serverEndpoint: values.serverEndpoint,
    controllerEndpoint: values.controllerEndpoint,
    apiRoot: values.wskApiRoot,
    auth: values.wskAuth,
    insecure: values.insecure,
    listerPeriodMs: values.listerPeriod * 1000,
    leaseTtlMs: values.leaseTtl * 1000,
    timeoutMs: values.timeout * 1000,
    numWorkers: values.numWorkers,
    labels: labels.labels,
    publicNamespaces: values.publicNamespaces
      .split(",")
      .map((namespace) => namespace.trim())
      .filter((namespace) => namespace !== ""),
    logger,
    ...(values.name === undefined ? {} : { name: values.name }),
    ...(values.advertise === undefined ? {} : { advertise: values.advertise }),
    ...(values.token === undefined ? {} : { token: values.token }),
    ...serverTlsFromOptions(values),
    ...clientTlsFromOptions(values, "clientTls"),
  });
  onShutdown(logger, () => computer.close());
} catch (err) {
  // Errors here never hold the key: the OpenWhisk client refuses it without repeating it.
  logger.fatal({ err }, "edge computer for OpenWhisk cannot start");
  process.exitCode = 1;
}
