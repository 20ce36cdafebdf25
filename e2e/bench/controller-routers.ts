import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { announceListening } from "@soe/bench/child";
import { createRouterServer, type RouterServer } from "@soe/router";
import { createLogger, parseEndpoint } from "@soe/runtime";

/**
 * Real edge routers, several in one process, for `pnpm bench:controller`:
 * `controller-routers.ts <controller host:port> <routers> <routes>`. Each announces itself to the
 * controller and gets its table from it (batches, or Configure). Lines on stdout after the port:
 *  - `converged <table end-point>` once that router's table #0 holds `routes` pairs;
 *  - `progress <n>` every 100 ms: pairs held, summed over the routers.
 * Counting reads each table's size, O(lambdas): polling it costs the routers next to nothing.
 */
const [controller, routerText, routesText] = process.argv.slice(2);
const routerCount = Number(routerText);
const routes = Number(routesText);
if (controller === undefined || !(routerCount > 0) || !(routes > 0)) {
  throw new Error(`usage: ${process.argv[1]} <controller> <routers> <routes>`);
}
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
announceListening(parseEndpoint((routers[0] as RouterServer).configurationEndpoint).port);

// Checked every 5 ms, so that the convergence time is not rounded up by much.
const pending = new Set(routers);
let ticks = 0;
setInterval(() => {
  let total = 0;
  for (const router of routers) {
    const size = router.tables.size;
    total += size;
    if (size >= routes && pending.delete(router)) {
      process.stdout.write(`converged ${router.configurationEndpoint}\n`);
    }
  }
  if (++ticks % 20 === 0) process.stdout.write(`progress ${total}\n`);
}, 5);

// CONTROLLER_BENCH_ROUTER_PROFILE=<prefix>: a CPU profile of each router process over the run,
// written to <prefix>-<pid>.cpuprofile when the bench stops it.
const profile = process.env.CONTROLLER_BENCH_ROUTER_PROFILE;
if (profile) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable", () => session.post("Profiler.start"));
  process.once("SIGTERM", () =>
    session.post("Profiler.stop", (err, result) => {
      if (err === null)
        writeFileSync(`${profile}-${process.pid}.cpuprofile`, JSON.stringify(result.profile));
      process.exit(0);
    }),
  );
}
