export { eventually } from "@soe/testing";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "@connectrpc/connect";
import {
  EdgeController,
  EdgeRouter,
  EdgeRouterConf_Action,
  EdgeServer,
  type LambdaRequest,
  type RouterInfo,
} from "@soe/proto";
import { createLogger, createTransport, type RunningServer, serve } from "@soe/runtime";

export const quietLogger = createLogger({ name: "test", level: "silent" });

/** What a test computer saw of each request. */
export interface Seen {
  readonly name: string;
  readonly hops: number;
  readonly forward: boolean;
  readonly dry: boolean;
}

export interface TestComputer {
  readonly endpoint: string;
  readonly seen: Seen[];
  /** Calls being served right now, and the most at once. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

/**
 * A computer that answers every lambda with its own name as output; `retcode` overrides "OK"
 * (a lambda's own failure); `delayMs` makes it slow.
 */
export async function startComputer(
  name: string,
  behaviour: { retcode?: string; delayMs?: number; endpoint?: string } = {},
): Promise<TestComputer> {
  const computer = { seen: [] as Seen[], inFlight: 0, maxInFlight: 0 };
  const server: RunningServer = await serve({
    name,
    ...(behaviour.endpoint === undefined ? {} : { endpoint: behaviour.endpoint }),
    routes: (router) =>
      router.service(EdgeServer, {
        async runLambda(req: LambdaRequest) {
          computer.seen.push({
            name: req.name,
            hops: req.hops,
            forward: req.forward,
            dry: req.dry,
          });
          computer.inFlight++;
          computer.maxInFlight = Math.max(computer.maxInFlight, computer.inFlight);
          try {
            if (behaviour.delayMs) await sleep(behaviour.delayMs);
            return { retcode: behaviour.retcode ?? "OK", output: name, hops: req.hops + 1 };
          } finally {
            computer.inFlight--;
          }
        },
      }),
  });
  return Object.assign(computer, { endpoint: server.endpoint, close: () => server.close() });
}

/** A controller that records announcements and removals. */
export async function startRecordingController(endpoint?: string) {
  const routers: RouterInfo[] = [];
  const removed: string[] = [];
  const server = await serve({
    name: "controller",
    ...(endpoint === undefined ? {} : { endpoint }),
    routes: (router) =>
      router.service(EdgeController, {
        announceRouter(info) {
          routers.push(info);
          return {};
        },
        announceComputer() {
          return {};
        },
        removeComputer(info) {
          removed.push(info.edgeServerEndpoint);
          return {};
        },
      }),
  });
  return { endpoint: server.endpoint, routers, removed, close: () => server.close() };
}

/** Installs (lambda → destination, weight 1, final) entries as the controller's flat installer does. */
export async function install(
  tableEndpoint: string,
  lambda: string,
  destinations: string[],
  token?: string,
): Promise<string[]> {
  const transport = createTransport(tableEndpoint, token === undefined ? {} : { token });
  const client = createClient(EdgeRouter, transport);
  const results: string[] = [];
  for (const destination of destinations) {
    const reply = await client.configure({
      action: EdgeRouterConf_Action.CHANGE,
      lambda,
      destination,
      weight: 1,
      final: true,
    });
    results.push(reply.msg);
  }
  transport.close();
  return results;
}
