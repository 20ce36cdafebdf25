import { availableParallelism } from "node:os";
import { readdirSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { BusyMeter } from "./busy-meter.js";
import type { Scheduler } from "@soe/runtime";
import { FunctionPool } from "./function-pool.js";

/** The processor name JavaScript functions are announced and measured under. */
export const JS_PROCESSOR = "js";

export interface FunctionCatalogOptions {
  /** Calls of one function running at once; more wait in FIFO order. */
  readonly workers: number;
  /** Time limit of one call, ms. */
  readonly timeoutMs: number;
  /** Milliseconds. */
  readonly clock: () => number;
  /** Timers of the time limits (default setTimeout). */
  readonly schedule?: Scheduler;
}

export interface FunctionResult {
  /** "OK", or why the call failed (the function's error message, a time-out, a crash). */
  readonly retcode: string;
  readonly output: string;
  /** From submission to completion, ms, rounded: queueing included, as in reference §5.1. */
  readonly ptime: number;
}

/** Modules a directory offers: `*.js` and `*.mjs`, named after the file without its extension. */
export function findFunctionFiles(dir: string): { name: string; file: string }[] {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && (e.name.endsWith(".js") || e.name.endsWith(".mjs")))
    .map((e) => e.name)
    .sort();
  const found = new Map<string, string>();
  for (const file of files) {
    const name = basename(file, extname(file));
    const other = found.get(name);
    if (other !== undefined)
      throw new Error(`Two modules for function ${name}: ${other} and ${file}`);
    found.set(name, file);
  }
  return [...found].map(([name, file]) => ({ name, file: resolve(join(dir, file)) }));
}

/**
 * Reference §5.1's request `input` for a JavaScript function: JSON params when it parses, else
 * `{ input: "<text>" }` so plain text (the edgeclient's payloads, for one) still reaches `main`.
 */
export function functionParams(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    return { input };
  }
}

/**
 * The JavaScript functions of `--functions DIR` (DESIGN §4: real work for native traffic): each
 * module exporting `main(params)` is a lambda with its own pool of worker threads.
 */
export class FunctionCatalog {
  readonly #pools: ReadonlyMap<string, FunctionPool>;
  readonly #options: FunctionCatalogOptions;
  readonly #meter: BusyMeter;
  /** Recent run times (ms) per function, for dry estimates. */
  readonly #recent = new Map<string, number[]>();

  private constructor(
    pools: ReadonlyMap<string, FunctionPool>,
    meter: BusyMeter,
    options: FunctionCatalogOptions,
  ) {
    this.#pools = pools;
    this.#meter = meter;
    this.#options = options;
  }

  /** Loads every module of `dir`; throws, naming the file, if one does not load or lacks main. */
  static async load(dir: string, options: FunctionCatalogOptions): Promise<FunctionCatalog> {
    const pools = new Map<string, FunctionPool>();
    // Worker threads share the machine's cores: their utilization is measured against all of them.
    const meter = new BusyMeter(options.clock, availableParallelism());
    try {
      for (const { name, file } of findFunctionFiles(dir)) {
        const url = pathToFileURL(file).href;
        const pool = new FunctionPool({ ...options, name, url, meter });
        pools.set(name, pool);
        await pool.verify().catch((error: unknown) => {
          throw new Error(`Cannot load function ${file}: ${(error as Error).message}`);
        });
      }
    } catch (error) {
      for (const pool of pools.values()) pool.close();
      throw error;
    }
    return new FunctionCatalog(pools, meter, options);
  }

  /** Function names, sorted. */
  get names(): string[] {
    return [...this.#pools.keys()];
  }

  get workers(): number {
    return this.#options.workers;
  }

  has(name: string): boolean {
    return this.#pools.has(name);
  }

  async run(name: string, input: string): Promise<FunctionResult> {
    const pool = this.#pool(name);
    const { clock } = this.#options;
    const submitted = clock();
    const outcome = await pool.call(functionParams(input));
    const ptime = Math.round(clock() - submitted);
    if (!outcome.ok) {
      return { retcode: `function '${name}' failed: ${outcome.error}`, output: "", ptime };
    }
    const recent = this.#recent.get(name) ?? [];
    recent.push(outcome.runMs);
    if (recent.length > 10) recent.shift();
    this.#recent.set(name, recent);
    return { retcode: "OK", output: outcome.output, ptime };
  }

  /**
   * A dry-run estimate, ms (our heuristic: the reference's non-simulated computers answer 0): the
   * mean of the last ten successful run times, plus the waves of calls ahead when every worker is
   * busy. 0 before the first success.
   */
  estimate(name: string): number {
    const pool = this.#pool(name);
    const recent = this.#recent.get(name) ?? [];
    if (recent.length === 0) return 0;
    const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
    const ahead = pool.running >= pool.workers ? (pool.queued + 1) / pool.workers : 0;
    return mean * (1 + ahead);
  }

  /** Utilization of the machine's cores by function calls since the previous sample. */
  takeUtilization(): Map<string, number> {
    return new Map([[JS_PROCESSOR, this.#meter.take()]]);
  }

  close(): void {
    for (const pool of this.#pools.values()) pool.close();
  }

  #pool(name: string): FunctionPool {
    const pool = this.#pools.get(name);
    if (pool === undefined) throw new Error(`No function ${name}`);
    return pool;
  }
}
