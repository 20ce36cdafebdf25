import { announceListening } from "@soe/bench/child";
import { createLogger, parseEndpoint } from "@soe/runtime";
import { createRouterServer } from "../src/router-server.js";

/**
 * The router under test, alone in its process: `router-child.ts <table-conf> <optimizer-conf>`.
 * One port for lambdas and table (the bench installs its route with Configure); no controller.
 * Logs at warn and above, to stderr: stdout carries the port.
 */
const [tableConf, optimizerConf] = process.argv.slice(2);
if (tableConf === undefined || optimizerConf === undefined) {
  throw new Error(`usage: ${process.argv[1]} <table-conf> <optimizer-conf>`);
}
const router = await createRouterServer({
  serverEndpoint: "127.0.0.1:0",
  configurationEndpoint: "127.0.0.1:0",
  tableConf,
  optimizerConf,
  logger: createLogger({ name: "edgerouter", level: "warn", destination: process.stderr }),
});
announceListening(parseEndpoint(router.serverEndpoint).port);
