import { announceListening } from "@soe/bench/child";
import { EdgeRouterConf_Action } from "@soe/proto";
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

// Routes are counted as Configure applies them: reading a table to count it would copy it, on
// the routers' CPU, many times a second. No Configure can come before this: the bench announces
// the computers only once every router is registered, and a router's registration installs
// nothing while there are none.
const installed = new Map<RouterServer, number>();
const pending = new Set(routers);
for (const router of routers) {
  const { tables } = router;
  const configure = tables.configure.bind(tables);
  installed.set(router, 0);
  tables.configure = (request) => {
    const msg = configure(request);
    if (msg === "OK" && request.action === EdgeRouterConf_Action.CHANGE) {
      const count = (installed.get(router) ?? 0) + 1;
      installed.set(router, count);
      if (count >= routes && pending.has(router) && holdsEveryRoute(router)) {
        pending.delete(router);
        process.stdout.write(`converged ${router.configurationEndpoint}\n`);
      }
    }
    return msg;
  };
}
announceListening(parseEndpoint((routers[0] as RouterServer).configurationEndpoint).port);

setInterval(() => {
  let total = 0;
  for (const count of installed.values()) total += count;
  process.stdout.write(`progress ${total}\n`);
}, 250);

/** The count says enough CHANGEs were applied; the table says whether they were all different. */
function holdsEveryRoute(router: RouterServer): boolean {
  const table = router.tables.table(OVERALL_TABLE);
  return lambdas.every((lambda) => table.destinations(lambda).length === computers);
}
