import type { ServiceImpl } from "@connectrpc/connect";
import { EdgeRouter, EdgeServer, soev1 } from "@soe/proto";
import {
  controlAuthInterceptor,
  type Logger,
  MetricsRegistry,
  registerProcessMetrics,
  type RunningServer,
  type ServerTlsOptions,
  serve,
} from "@soe/runtime";
import type { TableServices } from "./table-service.js";

export interface RouterListenersOptions {
  /** `host:port`; port 0 picks one. */
  readonly lambdaEndpoint: string;
  /** May equal lambdaEndpoint: then one port serves both services. */
  readonly tableEndpoint: string;
  /** With `sync`, TableSyncService is served beside EdgeRouter on the table port. */
  readonly table: TableServices;
  readonly lambda: Partial<ServiceImpl<typeof EdgeServer>>;
  /** Required on Configure and ApplyBatch (the mutating calls); undefined = open. */
  readonly token: string | undefined;
  readonly logger: Logger;
  readonly tls?: ServerTlsOptions;
  /** The process's registry, when the caller records into it too; a new one otherwise. */
  readonly metrics?: MetricsRegistry;
}

export interface RouterListeners {
  /** As bound. */
  readonly lambdaEndpoint: string;
  readonly tableEndpoint: string;
  close(): Promise<void>;
}

/** The registry of a router process: process metrics included. */
export function routerMetricsRegistry(): MetricsRegistry {
  const metrics = new MetricsRegistry();
  registerProcessMetrics(metrics);
  return metrics;
}

/**
 * The router's ports, in the reference's start-up order: the table server first, then the
 * lambda server (unless both share one port). Both count into one metrics registry. If the
 * second cannot bind, the first is closed before the error is thrown.
 */
export async function listenRouter(options: RouterListenersOptions): Promise<RouterListeners> {
  const metrics = options.metrics ?? routerMetricsRegistry();
  const common = {
    name: "edgerouter",
    logger: options.logger,
    metrics,
    interceptors: [
      controlAuthInterceptor({
        token: options.token,
        protect: (procedure) =>
          procedure === "/uiiit.rpc.EdgeRouter/Configure" ||
          procedure === "/soe.v1.TableSyncService/ApplyBatch",
      }),
    ],
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  };
  const shared = options.lambdaEndpoint === options.tableEndpoint;
  const { sync, ...edgeRouter } = options.table;
  const tableServer = await serve({
    ...common,
    endpoint: options.tableEndpoint,
    routes: (router) => {
      router.service(EdgeRouter, edgeRouter);
      if (sync !== undefined) router.service(soev1.TableSyncService, sync);
      if (shared) router.service(EdgeServer, options.lambda);
    },
  });
  let lambdaServer: RunningServer = tableServer;
  if (!shared) {
    try {
      lambdaServer = await serve({
        ...common,
        endpoint: options.lambdaEndpoint,
        routes: (router) => router.service(EdgeServer, options.lambda),
      });
    } catch (error) {
      await tableServer.close();
      throw error;
    }
  }
  return {
    lambdaEndpoint: lambdaServer.endpoint,
    tableEndpoint: tableServer.endpoint,
    async close() {
      await Promise.all(
        shared ? [tableServer.close()] : [tableServer.close(), lambdaServer.close()],
      );
    },
  };
}
