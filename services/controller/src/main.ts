#!/usr/bin/env node
import { readFileSync } from "node:fs";
import {
  clientTlsFromOptions,
  clientTlsOptionSpecs,
  createLogger,
  exitWithUsageError,
  onShutdown,
  parseEndpoint,
  parseOrExit,
  serverTlsFromOptions,
  serverTlsOptionSpecs,
} from "@soe/runtime";
import { createControllerServer, DEFAULT_INSTALL_WINDOW } from "./controller-server.js";
import { HIER_OBJECTIVES, type HierObjective } from "./home-router.js";
import { DEFAULT_MAX_BATCH_PAIRS } from "./router-table-sync.js";
import { InvalidStateFile } from "./state-file.js";
import { parseStoreUrl } from "./store-url.js";
import { InvalidTopologyFile, Topology } from "./topology.js";

const NAME = "edgecontroller";

const { values } = parseOrExit({
  name: NAME,
  version: "0.1.0",
  summary:
    "Edge controller: registers computers and routers, installs forwarding tables (reference §2), deploys OpenWhisk entities to every installation.",
  options: {
    serverEndpoint: { type: "string", default: "0.0.0.0:6475", help: "end-point to serve on" },
    installerType: { type: "string", default: "flat", help: "flat | hier" },
    topologyFile: {
      type: "string",
      default: "dist.txt",
      help: "hier: node distances, 'NAME d1 … dN' rows",
    },
    topologyRandomized: {
      type: "boolean",
      help: "hier: replace every off-diagonal distance with U[0,1)",
    },
    hierObjective: { type: "string", default: "min-max", help: "hier: min-max | min-avg" },
    leaseTtl: {
      type: "number",
      default: 15,
      help: "seconds an announcement holds unless renewed; 0 = never expires (reference peers)",
    },
    stateFile: {
      type: "string",
      help: "file keeping membership across restarts (none by default)",
    },
    store: {
      type: "string",
      // It may carry user:password@: never echoed back.
      secret: true,
      help: "etcd://host:port[,host:port…][/prefix]: membership and desired state in etcd, shared by several controllers with one leader (not with --state-file)",
    },
    leaderLease: {
      type: "number",
      default: 5,
      help: "with --store: seconds of the leader's etcd lease, how long a dead leader's role lasts before a standby takes over",
    },
    installTimeout: {
      type: "number",
      default: 2,
      help: "deadline of each Configure call to a router, seconds",
    },
    installWindow: {
      type: "number",
      default: DEFAULT_INSTALL_WINDOW,
      help: "Configure calls in flight at once per router; 1 = one at a time",
    },
    installBatch: {
      type: "number",
      default: DEFAULT_MAX_BATCH_PAIRS,
      help: "route pairs per table-sync batch at most (smaller: shorter pauses on a router, more round trips)",
    },
    reconcileInterval: {
      type: "number",
      default: 10,
      help: "seconds between reconciliations of every OpenWhisk installation",
    },
    installationTimeout: {
      type: "number",
      default: 10,
      help: "deadline of each call to a wsk-computer's InstallationService, seconds",
    },
    token: {
      type: "string",
      secret: true,
      help: "control-plane token required on announcements and deployments",
    },
    ...serverTlsOptionSpecs(),
    ...clientTlsOptionSpecs("routerTls", {
      ca: "CA (PEM) to verify routers' forwarding-table servers",
      cert: "client certificate (PEM) towards routers (mTLS)",
      key: "client private key (PEM) towards routers",
    }),
  },
});

/** A bad option value: reported like a bad option, exit 2. */
function usage(message: string): never {
  return exitWithUsageError(NAME, message);
}

// From --token or SOE_EDGECONTROLLER_TOKEN (DESIGN §5); an empty token means none.
const token = values.token || undefined;
const installerType = values.installerType;
if (installerType !== "flat" && installerType !== "hier") {
  usage(`invalid --installer-type '${installerType}': allowed values are flat, hier`);
}
if (!HIER_OBJECTIVES.includes(values.hierObjective as HierObjective)) {
  usage(
    `invalid --hier-objective '${values.hierObjective}': allowed values are ${HIER_OBJECTIVES.join(", ")}`,
  );
}
if (!(values.leaseTtl >= 0)) usage(`invalid --lease-ttl ${values.leaseTtl}: must be >= 0`);
if (!(values.installTimeout > 0))
  usage(`invalid --install-timeout ${values.installTimeout}: must be > 0`);
if (!(values.reconcileInterval > 0))
  usage(`invalid --reconcile-interval ${values.reconcileInterval}: must be > 0`);
if (!(values.installationTimeout > 0))
  usage(`invalid --installation-timeout ${values.installationTimeout}: must be > 0`);
if (!(Number.isInteger(values.installBatch) && values.installBatch >= 1))
  usage(`invalid --install-batch ${values.installBatch}: must be an integer >= 1`);
if (!(Number.isInteger(values.installWindow) && values.installWindow >= 1))
  usage(`invalid --install-window ${values.installWindow}: must be an integer >= 1`);
if (values.stateFile && values.store) {
  usage("--state-file and --store cannot be used together: choose one");
}
if (!(Number.isInteger(values.leaderLease) && values.leaderLease >= 2))
  usage(
    `invalid --leader-lease ${values.leaderLease}: must be an integer >= 2 (etcd's shortest lease)`,
  );
if (values.store) {
  try {
    parseStoreUrl(values.store);
  } catch (err) {
    usage((err as Error).message);
  }
}
try {
  parseEndpoint(values.serverEndpoint);
} catch (err) {
  usage((err as Error).message);
}

const logger = createLogger({ name: NAME });
try {
  const topology = installerType === "hier" ? readTopology() : undefined;
  const controller = await createControllerServer({
    serverEndpoint: values.serverEndpoint,
    installerType,
    hierObjective: values.hierObjective as HierObjective,
    leaseTtlMs: values.leaseTtl * 1000,
    ...(values.stateFile ? { stateFile: values.stateFile } : {}),
    ...(values.store ? { store: values.store, leaderLeaseS: values.leaderLease } : {}),
    installTimeoutMs: values.installTimeout * 1000,
    installWindow: values.installWindow,
    installBatchPairs: values.installBatch,
    reconcileIntervalMs: values.reconcileInterval * 1000,
    installationTimeoutMs: values.installationTimeout * 1000,
    logger,
    ...(topology === undefined ? {} : { topology }),
    ...(token === undefined ? {} : { token }),
    ...tlsOptions(),
  });
  onShutdown(logger, () => controller.close());
} catch (err) {
  if (err instanceof InvalidStateFile || err instanceof InvalidTopologyFile) usage(err.message);
  logger.fatal({ err }, "edge controller cannot start");
  process.exitCode = 1;
}

function readTopology(): Topology {
  let text: string;
  try {
    text = readFileSync(values.topologyFile, "utf8");
  } catch (err) {
    usage(`cannot read --topology-file ${values.topologyFile}: ${(err as Error).message}`);
  }
  const topology = Topology.parse(text, values.topologyFile);
  return values.topologyRandomized ? topology.randomized(Math.random) : topology;
}

function tlsOptions() {
  try {
    return { ...serverTlsFromOptions(values), ...clientTlsFromOptions(values, "routerTls") };
  } catch (err) {
    usage(`TLS: ${(err as Error).message}`);
  }
}
