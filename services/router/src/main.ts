#!/usr/bin/env node
import {
  clientTlsFromOptions,
  clientTlsOptionSpecs,
  createLogger,
  exitWithUsageError,
  InvalidConf,
  InvalidValue,
  NoValue,
  onShutdown,
  parseControllerEndpoints,
  parseOrExit,
  serverTlsFromOptions,
  serverTlsOptionSpecs,
} from "@soe/runtime";
import { InvalidOptimizerConf } from "./optimizers/optimizer-factory.js";
import { InvalidTableConf, InvalidTableType } from "./policies/policy-factory.js";
import {
  createRouterServer,
  DEFAULT_OPTIMIZER_CONF,
  DEFAULT_ROUTER_CONF,
  DEFAULT_TABLE_CONF,
} from "./router-server.js";

const { values } = parseOrExit({
  name: "edgerouter",
  version: "0.1.0",
  summary: "Edge router: forwards lambda requests along its forwarding tables (reference §3).",
  options: {
    serverEndpoint: {
      type: "string",
      default: "0.0.0.0:6473",
      help: "lambda (EdgeServer) end-point",
    },
    configurationEndpoint: {
      type: "string",
      default: "0.0.0.0:6474",
      help: "forwarding-table (EdgeRouter) end-point; may equal the lambda end-point",
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
    routerConf: {
      type: "string",
      default: DEFAULT_ROUTER_CONF,
      help: "max-pending-clients (per destination, 0 = unlimited), min/max-forward-time (s), fake",
    },
    tableConf: {
      type: "string",
      default: DEFAULT_TABLE_CONF,
      help: "type=least-latency-rif[,choices=,smoothing=,stale-period=]|random|least-impedance|round-robin|proportional-fairness[,alpha=,beta=]",
    },
    optimizerConf: {
      type: "string",
      default: DEFAULT_OPTIMIZER_CONF,
      help: "type=none|trivial[,period=,stat=mean|min|max]|async[,alpha=]|asyncPF",
    },
    timeout: { type: "number", default: 30, help: "deadline of every forwarded call, seconds" },
    leaseTtl: {
      type: "number",
      default: 15,
      help: "controller lease, seconds: the router re-announces every third of it",
    },
    numThreads: {
      type: "integer",
      default: 5,
      help: "accepted for compatibility; unused (async I/O)",
    },
    fakeNumLambdas: {
      type: "integer",
      default: 0,
      help: "pre-load lambda{i} entries (scalability tests)",
    },
    fakeNumDestinations: {
      type: "integer",
      default: 0,
      help: "destinations 127.0.0.1:{j} per fake lambda",
    },
    token: { type: "string", secret: true, help: "control-plane token (Configure; announcements)" },
    ...serverTlsOptionSpecs(),
    ...clientTlsOptionSpecs("clientTls", {
      ca: "CA (PEM) to verify computers, routers and the controller",
      cert: "client certificate (PEM) for mTLS towards peers",
    }),
  },
});

// --controller-endpoint a,b,c (issue 13): every member must be an end-point.
try {
  parseControllerEndpoints(values.controllerEndpoint);
} catch (err) {
  exitWithUsageError("edgerouter", `invalid --controller-endpoint: ${(err as Error).message}`);
}

const logger = createLogger({ name: "edgerouter" });
try {
  const router = await createRouterServer({
    serverEndpoint: values.serverEndpoint,
    configurationEndpoint: values.configurationEndpoint,
    controllerEndpoint: values.controllerEndpoint,
    routerConf: values.routerConf,
    tableConf: values.tableConf,
    optimizerConf: values.optimizerConf,
    timeoutMs: values.timeout * 1000,
    announcePeriodMs: (values.leaseTtl * 1000) / 3,
    logger,
    ...(values.advertise === undefined ? {} : { advertise: values.advertise }),
    ...(values.token === undefined ? {} : { token: values.token }),
    ...serverTlsFromOptions(values),
    ...clientTlsFromOptions(values, "clientTls"),
  });
  for (let i = 0; i < values.fakeNumLambdas; i++) {
    for (let j = 0; j < values.fakeNumDestinations; j++) {
      router.tables.table(0).change(`lambda${i}`, `127.0.0.1:${j}`, 1, true);
    }
  }
  onShutdown(logger, () => router.close());
} catch (err) {
  if (isConfError(err)) {
    // A bad --*-conf value is a usage error, reported like a bad option.
    exitWithUsageError("edgerouter", err.message);
  }
  logger.fatal({ err }, "edge router cannot start");
  process.exitCode = 1;
}

function isConfError(err: unknown): err is Error {
  return [
    InvalidConf,
    InvalidValue,
    NoValue,
    InvalidTableType,
    InvalidTableConf,
    InvalidOptimizerConf,
  ].some((type) => err instanceof type);
}
