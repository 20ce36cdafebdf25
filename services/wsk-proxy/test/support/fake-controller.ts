import { Code, ConnectError } from "@connectrpc/connect";
import { EdgeController, soev1 } from "@soe/proto";
import { type RunningServer, serve } from "@soe/runtime";

/**
 * Enough of a controller for the proxy's tests (services/controller is another engineer's, and
 * not a dependency here): records announcements from wsk-computers and answers the read API the
 * proxy lists actions with. Installs no routes: tests configure the router themselves.
 */
export interface FakeController {
  readonly endpoint: string;
  /** Lambda name → end-points of the computers offering it. */
  lambdas(): Map<string, string[]>;
  /** ListLambdas calls answered so far. */
  readonly listCalls: number;
  /** While true, ListLambdas fails with Unavailable. */
  failing: boolean;
  close(): Promise<void>;
}

export async function startFakeController(): Promise<FakeController> {
  const computers = new Map<string, string[]>();
  const state = { listCalls: 0, failing: false };
  const lambdas = () => {
    const byLambda = new Map<string, string[]>();
    for (const [endpoint, names] of computers) {
      for (const name of names)
        byLambda.set(name, [...(byLambda.get(name) ?? []), endpoint].sort());
    }
    return byLambda;
  };
  const server: RunningServer = await serve({
    name: "fake-controller",
    routes: (router) => {
      router.service(EdgeController, {
        announceComputer(info) {
          computers.set(
            info.edgeServerEndpoint,
            info.containers.map((c) => c.lambda),
          );
          return {};
        },
        removeComputer(info) {
          computers.delete(info.edgeServerEndpoint);
          return {};
        },
        announceRouter() {
          return {};
        },
      });
      router.service(soev1.ControllerQueryService, {
        listLambdas() {
          state.listCalls++;
          if (state.failing)
            throw new ConnectError("controller down for the test", Code.Unavailable);
          return {
            lambdas: [...lambdas()].map(([name, endpoints]) => ({ name, computers: endpoints })),
          };
        },
        listComputers() {
          return {
            computers: [...computers].map(([endpoint, names]) => ({
              endpoint,
              containers: names.map((lambda) => ({
                name: "wsk",
                processor: "openwhisk",
                lambda,
                numWorkers: 1,
              })),
            })),
          };
        },
        listRouters() {
          return { routers: [] };
        },
      });
    },
  });
  return Object.assign(state, {
    endpoint: server.endpoint,
    lambdas,
    close: () => server.close(),
  });
}
