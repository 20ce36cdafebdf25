import { setTimeout as sleep } from "node:timers/promises";
import { EdgeServer } from "@soe/proto";
import { serve } from "@soe/runtime";

/** An EdgeServer that never answers in time (until its caller gives up): a stuck computer. */
export async function startBlackHole() {
  const server = await serve({
    name: "black-hole",
    routes: (router) =>
      router.service(EdgeServer, {
        async runLambda(_request, context) {
          await sleep(60_000, undefined, { signal: context.signal }).catch(() => undefined);
          return { retcode: "OK" };
        },
      }),
  });
  return { endpoint: server.endpoint, close: () => server.close() };
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedEndpoint(): Promise<string> {
  const server = await serve({ name: "gone" });
  await server.close();
  return server.endpoint;
}
