import { announceListening } from "@soe/bench/child";
import { createControllerServer } from "@soe/controller";
import { createLogger, parseEndpoint } from "@soe/runtime";

/**
 * The controller service, alone in its process, with the flat installer and leases that never
 * expire (the bench announces each computer once). Logs at warn and above, to stderr.
 * BENCH_INSTALL_WINDOW sets its Configure calls in flight per router (the controller's default
 * when unset).
 */
const pipeline = process.env.BENCH_INSTALL_WINDOW;
const server = await createControllerServer({
  serverEndpoint: "127.0.0.1:0",
  installerType: "flat",
  leaseTtlMs: 0,
  ...(pipeline ? { installWindow: Number(pipeline) } : {}),
  logger: createLogger({ name: "edgecontroller", level: "warn", destination: process.stderr }),
});
announceListening(parseEndpoint(server.endpoint).port);
