import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "@connectrpc/connect";
import { GUEST_KEY } from "@soe/openwhisk";
import { type RunningOpenWhiskMock, startOpenWhiskMock } from "@soe/openwhisk-mock";
import { createControllerServer } from "@soe/controller";
import { EdgeRouter, EdgeRouterConf_Action, soev1 } from "@soe/proto";
import { createRouterServer, type RouterServer } from "@soe/router";
import { createLogger, createTransport } from "@soe/runtime";
import { createWskComputerServer, type WskComputerServer } from "@soe/wsk-computer";
import openwhisk from "openwhisk";
import {
  createProxyServer,
  type ProxyServer,
  type ProxyServerOptions,
} from "../../src/proxy-server.js";

export { GUEST_KEY };
export const quietLogger = createLogger({ name: "test", level: "silent" });

export const SAMPLE_ACTIONS = ["copy", "echo", "fail", "crash", "sleep"] as const;
/** A packaged action created on both mocks, so the domain offers `/guest/demo/hello`. */
export const PACKAGED = { packageName: "demo", name: "hello" } as const;
const HELLO = `function main(params) { return { greeting: "Hello " + (params.name || "stranger") }; }`;

/** The domain's controller: the real one, which the wsk-computers announce their actions to. */
export interface DomainController {
  readonly endpoint: string;
  /** Lambda name → end-points of the computers offering it, from the controller's read API. */
  lambdas(): Promise<Map<string, string[]>>;
  /** Stops it (once; later calls wait for the same close). */
  close(): Promise<void>;
}

/**
 * A controller on port 0 keeping announcements until removed (the wsk-computers here announce
 * once). No router is announced to it: tests configure the router themselves.
 */
async function startController(): Promise<DomainController> {
  const server = await createControllerServer({
    serverEndpoint: "127.0.0.1:0",
    leaseTtlMs: 0,
    logger: quietLogger,
  });
  const transport = createTransport(server.endpoint);
  const query = createClient(soev1.ControllerQueryService, transport);
  let closed: Promise<void> | undefined;
  return {
    endpoint: server.endpoint,
    async lambdas() {
      const { lambdas } = await query.listLambdas({});
      return new Map(lambdas.map((l) => [l.name, [...l.computers].sort()]));
    },
    close() {
      closed ??= (async () => {
        transport.close();
        await server.close();
      })();
      return closed;
    },
  };
}

/** The proxy → real router → two real wsk-computers (announced to a real controller) → two openwhisk-mocks. */
export interface TestDomain {
  readonly mocks: readonly RunningOpenWhiskMock[];
  readonly computers: readonly WskComputerServer[];
  readonly router: RouterServer;
  readonly controller: DomainController;
  readonly proxy: ProxyServer;
  /** Lambda names routed to both computers. */
  readonly lambdas: readonly string[];
  close(): Promise<void>;
}

export interface DomainOptions {
  readonly proxy?: Partial<ProxyServerOptions>;
  /** The wsk-computers' blocking wait on their OpenWhisk, ms. */
  readonly computerTimeoutMs?: number;
  /**
   * The router announces itself to the controller, which then installs the routes of what is
   * deployed later, as in a whole domain (otherwise only the routes installed here exist).
   */
  readonly routerAnnounced?: boolean;
  /** The wsk-computers' `--public-namespaces` (default none). */
  readonly publicNamespaces?: readonly string[];
  /** Each wsk-computer's `--labels`, by index (OW1, OW2). */
  readonly labels?: readonly Record<string, string>[];
}

/** Routes a lambda to each destination in the router's overall table, as a flat installer would. */
export async function installRoutes(
  tableEndpoint: string,
  lambda: string,
  destinations: readonly string[],
) {
  const transport = createTransport(tableEndpoint);
  try {
    const client = createClient(EdgeRouter, transport);
    for (const destination of destinations) {
      const reply = await client.configure({
        action: EdgeRouterConf_Action.CHANGE,
        lambda,
        destination,
        weight: 1,
        final: true,
      });
      if (reply.msg !== "OK") throw new Error(`Configure ${lambda} → ${destination}: ${reply.msg}`);
    }
  } finally {
    transport.close();
  }
}

/** Creates the packaged sample action through the official client, as a user would. */
async function createPackagedAction(mock: RunningOpenWhiskMock): Promise<void> {
  const ow = openwhisk({ apihost: mock.url, api_key: GUEST_KEY });
  await ow.packages.create({ name: PACKAGED.packageName });
  await ow.actions.create({
    name: `${PACKAGED.packageName}/${PACKAGED.name}`,
    action: HELLO,
    kind: "nodejs:20",
  });
}

export async function startDomain(options: DomainOptions = {}): Promise<TestDomain> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const controller = await startController();
    closers.push(() => controller.close());
    const mocks: RunningOpenWhiskMock[] = [];
    const computers: WskComputerServer[] = [];
    for (const [index, name] of ["OW1", "OW2"].entries()) {
      const mock = await startOpenWhiskMock({ port: 0, preload: [...SAMPLE_ACTIONS] });
      closers.push(() => mock.close());
      await createPackagedAction(mock);
      mocks.push(mock);
      const computer = await createWskComputerServer({
        serverEndpoint: "127.0.0.1:0",
        apiRoot: mock.url,
        auth: GUEST_KEY,
        name,
        controllerEndpoint: controller.endpoint,
        listerPeriodMs: 100,
        leaseTtlMs: 0,
        logger: quietLogger,
        ...(options.computerTimeoutMs === undefined
          ? {}
          : { timeoutMs: options.computerTimeoutMs }),
        ...(options.publicNamespaces === undefined
          ? {}
          : { publicNamespaces: options.publicNamespaces }),
        ...(options.labels?.[index] === undefined ? {} : { labels: options.labels[index] }),
      });
      closers.push(() => computer.close());
      computers.push(computer);
    }
    const router = await createRouterServer({
      serverEndpoint: "127.0.0.1:0",
      configurationEndpoint: "127.0.0.1:0",
      optimizerConf: "type=none",
      logger: quietLogger,
      ...(options.routerAnnounced ? { controllerEndpoint: controller.endpoint } : {}),
    });
    closers.push(() => router.close());
    const lambdas = [
      ...SAMPLE_ACTIONS.map((a) => `/guest/${a}`),
      `/guest/${PACKAGED.packageName}/${PACKAGED.name}`,
    ];
    const endpoints = computers.map((c) => c.serverEndpoint);
    for (const lambda of lambdas)
      await installRoutes(router.configurationEndpoint, lambda, endpoints);
    // Both computers have listed their OpenWhisk and announced every action.
    const allAnnounced = async () => {
      const announced = await controller.lambdas();
      return lambdas.every((l) => announced.get(l)?.length === 2);
    };
    for (const until = Date.now() + 10_000; !(await allAnnounced()); await sleep(20)) {
      if (Date.now() > until) throw new Error("the wsk-computers' actions were not announced");
    }
    const proxy = await createProxyServer({
      serverEndpoint: router.serverEndpoint,
      controllerEndpoint: controller.endpoint,
      logger: quietLogger,
      ...options.proxy,
    });
    closers.push(() => proxy.close());
    return { mocks, computers, router, controller, proxy, lambdas, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Activations a mock has run so far (every namespace is `guest` here). */
export function activationsRun(mock: RunningOpenWhiskMock): number {
  return mock.mock.activations.list("guest").length;
}
