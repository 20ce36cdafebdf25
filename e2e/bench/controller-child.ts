import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { announceListening } from "@soe/bench/child";
import { createControllerServer } from "@soe/controller";
import { createLogger, parseEndpoint } from "@soe/runtime";

/**
 * `pnpm bench:controller`'s controller, alone in its process: flat installer, leases that never
 * expire (each fake computer announces once), logs at warn and above to stderr; stdout carries
 * the port.
 */
const server = await createControllerServer({
  serverEndpoint: "127.0.0.1:0",
  installerType: "flat",
  leaseTtlMs: 0,
  logger: createLogger({ name: "edgecontroller", level: "warn", destination: process.stderr }),
});
announceListening(parseEndpoint(server.endpoint).port);

// CONTROLLER_BENCH_PROFILE=<file>: a CPU profile of the controller over the run, written when
// the bench stops it (--cpu-prof cannot reach a child through NODE_OPTIONS).
const profile = process.env.CONTROLLER_BENCH_PROFILE;
if (profile) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable", () => session.post("Profiler.start"));
  process.once("SIGTERM", () =>
    session.post("Profiler.stop", (err, result) => {
      if (err === null) writeFileSync(profile, JSON.stringify(result.profile));
      process.exit(0);
    }),
  );
}
