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
import { createComputerServer } from "./computer-server.js";
import { profileFileExample } from "./model/profile-file.js";
import { DEFAULT_COMPUTER_CONF } from "./profile-conf.js";

const { values } = parseOrExit({
  name: "edgecomputer",
  version: "0.1.0",
  summary:
    "Edge computer: runs lambdas on a simulated model (reference §5) and JavaScript functions.",
  options: {
    serverEndpoint: {
      type: "string",
      default: "0.0.0.0:6473",
      help: "lambda end-point (EdgeServer, and EdgeComputer's StreamUtil)",
    },
    utilizationEndpoint: {
      type: "string",
      default: "",
      help: "extra end-point serving StreamUtil too (empty: the lambda end-point only)",
    },
    controllerEndpoint: {
      type: "string",
      default: "",
      help: "controller to announce to (empty: none); several as a,b,c: the first that answers",
    },
    advertise: {
      type: "string",
      help: "host, or host:port, announced to the controller instead of the bound end-point (a host keeps the bound port)",
    },
    computerType: { type: "string", default: "sim", help: "sim (the only type served here)" },
    conf: {
      type: "string",
      default: DEFAULT_COMPUTER_CONF,
      help: "type=raspberry|intel-server|file,path=P|none and the profile's keys",
    },
    jsonExample: { type: "boolean", help: "print a sample JSON profile file and exit" },
    functions: {
      type: "string",
      help: "directory of JavaScript functions (*.js, *.mjs exporting main)",
    },
    functionWorkers: { type: "integer", default: 4, help: "calls of one function running at once" },
    functionTimeout: {
      type: "number",
      default: 60,
      help: "time limit of one function call, seconds",
    },
    leaseTtl: {
      type: "number",
      default: 15,
      help: "controller lease, seconds: the computer re-announces every third of it (0: once)",
    },
    numThreads: {
      type: "integer",
      default: 5,
      help: "accepted for compatibility; unused (async I/O)",
    },
    token: { type: "string", secret: true, help: "control-plane token (announcements)" },
    ...serverTlsOptionSpecs(),
    ...clientTlsOptionSpecs("clientTls", {
      ca: "CA (PEM) to verify the controller",
      cert: "client certificate (PEM) for mTLS towards the controller",
    }),
  },
});

if (values.jsonExample) {
  process.stdout.write(`${profileFileExample()}\n`);
  process.exit(0);
}

// --controller-endpoint a,b,c (issue 13): every member must be an end-point.
try {
  parseControllerEndpoints(values.controllerEndpoint);
} catch (err) {
  exitWithUsageError("edgecomputer", `invalid --controller-endpoint: ${(err as Error).message}`);
}

const logger = createLogger({ name: "edgecomputer" });
try {
  if (values.computerType !== "sim") {
    throw new Error(`unsupported computer type: ${values.computerType} (only sim)`);
  }
  const computer = await createComputerServer({
    serverEndpoint: values.serverEndpoint,
    utilizationEndpoint: values.utilizationEndpoint,
    controllerEndpoint: values.controllerEndpoint,
    conf: values.conf,
    functionWorkers: values.functionWorkers,
    functionTimeoutMs: values.functionTimeout * 1000,
    announcePeriodMs: (values.leaseTtl * 1000) / 3,
    logger,
    ...(values.functions === undefined ? {} : { functionsDir: values.functions }),
    ...(values.advertise === undefined ? {} : { advertise: values.advertise }),
    ...(values.token === undefined ? {} : { token: values.token }),
    ...serverTlsFromOptions(values),
    ...clientTlsFromOptions(values, "clientTls"),
  });
  onShutdown(logger, () => computer.close());
} catch (err) {
  logger.fatal({ err }, "edge computer cannot start");
  process.exitCode = 1;
}
