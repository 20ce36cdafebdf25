import { setTimeout as sleep } from "node:timers/promises";
import { type Client, createClient } from "@connectrpc/connect";
import { EdgeRouter, soev1 } from "@soe/proto";
import { createTransport, type EndpointTransport } from "@soe/runtime";

/** A forwarding-table row as a router reports it (`EdgeRouter.GetTable`). */
export interface TableRow {
  readonly table: number;
  readonly lambda: string;
  readonly destination: string;
}

/**
 * What the domain looks like from outside, read without changing anything: the controller's
 * read API (`soe.v1.ControllerQueryService`: computers, lambdas, routers) and a router's tables
 * (`uiiit.rpc.EdgeRouter`). Used to wait until routes are in place and to watch them go.
 */
export class DomainProbe {
  readonly #transports: EndpointTransport[] = [];
  readonly #controller: Client<typeof soev1.ControllerQueryService>;

  constructor(controllerEndpoint: string) {
    this.#controller = createClient(
      soev1.ControllerQueryService,
      this.#transport(controllerEndpoint),
    );
  }

  /** Lambda name → end-points of the computers offering it, as the controller has them now. */
  async lambdas(): Promise<Map<string, string[]>> {
    const { lambdas } = await this.#controller.listLambdas({});
    return new Map(lambdas.map((l) => [l.name, [...l.computers].sort()]));
  }

  async routers(): Promise<soev1.Router[]> {
    return (await this.#controller.listRouters({})).routers;
  }

  /** Every row of every table of the router serving `tableEndpoint`. */
  async routerTable(tableEndpoint: string): Promise<TableRow[]> {
    const router = createClient(EdgeRouter, this.#transport(tableEndpoint));
    const { value: count } = await router.getNumTables({});
    const rows: TableRow[] = [];
    for (let table = 0; table < count; table++) {
      const { entries } = await router.getTable({ value: table });
      for (const e of entries) rows.push({ table, lambda: e.lambda, destination: e.destination });
    }
    return rows;
  }

  /** Polls `check` (errors count as "not yet": a process may be restarting) until it holds. */
  async until(
    what: string,
    check: () => Promise<boolean>,
    timeoutMs = 20_000,
    signal?: AbortSignal,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      signal?.throwIfAborted();
      try {
        if (await check()) return;
        last = undefined;
      } catch (error) {
        last = error;
      }
      if (Date.now() > deadline) {
        const cause = last === undefined ? "" : ` (last error: ${String(last)})`;
        throw new Error(`${what}: not reached within ${timeoutMs} ms${cause}`);
      }
      await sleep(50);
    }
  }

  close(): void {
    for (const transport of this.#transports.splice(0)) transport.close();
  }

  #transport(endpoint: string): EndpointTransport {
    let transport = this.#transports.find((t) => t.endpoint === endpoint);
    if (transport === undefined) {
      transport = createTransport(endpoint, { defaultTimeoutMs: 2_000 });
      this.#transports.push(transport);
    }
    return transport;
  }
}
