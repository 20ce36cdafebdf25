import { createClient } from "@connectrpc/connect";
import { EdgeRouter, EdgeRouterConf_Action } from "@soe/proto";
import { formatTableDump } from "@soe/reference";
import { type ClientOptions, createTransport } from "@soe/runtime";
import { type CliIO, errorText, UsageError } from "./cli-io.js";

export const TABLE_ACTIONS = ["dump", "reset", "flush", "change", "remove"] as const;
export type TableAction = (typeof TABLE_ACTIONS)[number];

export interface ForwardingTableClientOptions {
  readonly serverEndpoint: string;
  readonly action: string;
  readonly lambda: string;
  readonly destination: string;
  readonly weight: number;
  readonly final: boolean;
  readonly transport: ClientOptions;
}

export function parseTableAction(text: string): TableAction {
  const action = TABLE_ACTIONS.find((a) => a === text);
  if (action === undefined) {
    throw new UsageError(`invalid action '${text}': choose one of ${TABLE_ACTIONS.join(", ")}`);
  }
  return action;
}

/** What a Configure call sends (`uiiit.rpc.EdgeRouterConf`); unset fields are proto defaults. */
interface ConfigureInit {
  readonly action: EdgeRouterConf_Action;
  readonly lambda?: string;
  readonly destination?: string;
  readonly weight?: number;
  readonly final?: boolean;
}

/** The server answered, but not with success: its `Return.msg`. */
class ServerRefused extends Error {
  override readonly name = "ServerRefused";
}

/** An RPC failed (unreachable, deadline, token refused, …). */
class CallFailed extends Error {
  override readonly name = "CallFailed";
}

/**
 * `forwardingtableclient` (reference §8.1): dumps or changes a router's forwarding tables.
 * Returns the exit code. Unlike the reference, which printed `OK` whatever the server replied
 * (§12.2), a reply other than success prints the server's message on `err` and exits 1.
 */
export async function runForwardingTableClient(
  options: ForwardingTableClientOptions,
  io: CliIO,
): Promise<number> {
  const action = parseTableAction(options.action);
  const transport = createTransport(options.serverEndpoint, options.transport);
  const router = createClient(EdgeRouter, transport);
  const call = async <T>(method: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new CallFailed(`${method} on ${options.serverEndpoint} failed: ${errorText(error)}`);
    }
  };
  const configure = async (conf: ConfigureInit) => {
    const { msg } = await call("Configure", () => router.configure(conf));
    // The reference's server answers "OK"; an empty message also means success (edgerouter.proto).
    if (msg !== "OK" && msg !== "") throw new ServerRefused(msg);
  };
  const tables = async () => {
    const { value } = await call("GetNumTables", () => router.getNumTables({}));
    const result = [];
    for (let i = 0; i < value; i++) {
      result.push((await call("GetTable", () => router.getTable({ value: i }))).entries);
    }
    return result;
  };

  try {
    switch (action) {
      case "dump":
        io.out.write(formatTableDump(await tables()));
        return 0;
      case "reset":
        await reset(await tables(), configure);
        break;
      case "flush":
        await configure({ action: EdgeRouterConf_Action.FLUSH });
        break;
      case "change":
        await configure({
          action: EdgeRouterConf_Action.CHANGE,
          lambda: options.lambda,
          destination: options.destination,
          weight: options.weight,
          final: options.final,
        });
        break;
      case "remove":
        await configure({
          action: EdgeRouterConf_Action.REMOVE,
          lambda: options.lambda,
          destination: options.destination,
        });
        break;
    }
    io.out.write("OK\n");
    return 0;
  } catch (error) {
    if (!(error instanceof ServerRefused || error instanceof CallFailed)) throw error;
    io.err.write(`forwardingtableclient: ${error.message}\n`);
    return 1;
  } finally {
    transport.close();
  }
}

interface Row {
  readonly lambda: string;
  readonly destination: string;
  readonly final: boolean;
}

/**
 * Every (lambda, destination) pair back to weight 1, keeping its final flag (reference §8.1).
 * A pair found in several tables is changed once, with the flag of the first table holding it:
 * a CHANGE with final=true writes both tables anyway (reference §3.6).
 */
async function reset(
  tables: readonly (readonly Row[])[],
  configure: (conf: ConfigureInit) => Promise<void>,
): Promise<void> {
  const done = new Set<string>();
  for (const rows of tables) {
    for (const { lambda, destination, final } of rows) {
      const key = JSON.stringify([lambda, destination]);
      if (done.has(key)) continue;
      done.add(key);
      await configure({
        action: EdgeRouterConf_Action.CHANGE,
        lambda,
        destination,
        weight: 1,
        final,
      });
    }
  }
}
