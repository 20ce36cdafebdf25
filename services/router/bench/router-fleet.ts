import { announceListening } from "@soe/bench/child";
import { createLogger, parseEndpoint } from "@soe/runtime";
import { createRouterServer, type RouterServer } from "../src/router-server.js";
import { OVERALL_TABLE } from "../src/router-tables.js";

/**
 * Real routers, many in one process, for the controller's convergence bench:
 * `router-fleet.ts <controller host:port> <routers> <computers> <lambdas>`. Each announces
 * itself to the controller and gets its table from it. Lines on stdout, after the port of the
 * first router (the protocol of bench children; the controller knows all of them):
 *  - `converged <table end-point>` as soon as that router's table #0 holds every
 *    (lambda0..lambdaN-1, computer) pair;
 *  - `progress <n>` every 250 ms: routes installed so far, summed over the routers.
 */
const usage = `usage: ${process.argv[1]} <controller> <routers> <computers> <lambdas>`;
const [controller, ...counts] = process.argv.slice(2);
const [routerCount, computers, lambdaCount] = counts.map(Number);
if (
  controller === undefined ||
  routerCount === undefined ||
  computers === undefined ||
  lambdaCount === undefined ||
  ![routerCount, computers, lambdaCount].every((n) => Number.isInteger(n) && n > 0)
) {
  throw new Error(usage);
}
const lambdas = Array.from({ length: lambdaCount }, (_, i) => `lambda${i}`);
const routes = computers * lambdaCount;
const logger = createLogger({ name: "edgerouter", level: "warn", destination: process.stderr });

const routers: RouterServer[] = [];
for (let i = 0; i < routerCount; i++) {
  routers.push(
    await createRouterServer({
      serverEndpoint: "127.0.0.1:0",
      configurationEndpoint: "127.0.0.1:0",
      controllerEndpoint: controller,
      optimizerConf: "type=none",
      logger,
    }),
  );
}

// Routes are counted by each router's table size (O(1)): they arrive through Configure or, from
// a controller that syncs tables in batches, through TableSyncService, so no single entry point
// sees them all. Polled often enough that the convergence time is not the poll's.
const pending = new Set(routers);
const installed = () => routers.reduce((sum, router) => sum + router.tables.size, 0);
setInterval(() => {
  for (const router of pending) {
    if (router.tables.size >= routes && holdsEveryRoute(router)) {
      pending.delete(router);
      process.stdout.write(`converged ${router.configurationEndpoint}\n`);
    }
  }
}, 10);
announceListening(parseEndpoint((routers[0] as RouterServer).configurationEndpoint).port);

setInterval(() => process.stdout.write(`progress ${installed()}\n`), 250);

/** The size says enough pairs are there; the table says whether every route is. */
function holdsEveryRoute(router: RouterServer): boolean {
  const table = router.tables.table(OVERALL_TABLE);
  return lambdas.every((lambda) => table.destinations(lambda).length === computers);
}
