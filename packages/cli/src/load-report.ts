import { formatCppFloat } from "@soe/reference";
import type { LambdaResponse } from "@soe/proto";
import type { TextSink } from "./cli-io.js";
import { formatResultLine, formatStatLine } from "./result-line.js";
import { SummaryStat } from "./summary-stat.js";

interface ClientStats {
  readonly latency: SummaryStat;
  readonly processing: SummaryStat;
}

const newStats = (): ClientStats => ({ latency: new SummaryStat(), processing: new SummaryStat() });

export interface LoadReportOptions {
  /** Where result lines go (`--output-file`). */
  readonly out: TextSink;
  readonly clients: number;
  readonly lambda: string;
  /** Result lines show the processing time instead of the latency. */
  readonly dry: boolean;
}

/**
 * What a run of edgeclient records: one result line per OK response on the output, statistics per
 * client and overall, and counts of what did not end in an OK response. Non-OK responses are
 * neither printed nor part of the statistics, as in the reference (§7.2); here they are counted.
 */
export class LoadReport {
  readonly #clients: ClientStats[];
  readonly #all = newStats();
  readonly #errors = new Map<string, number>();
  #sent = 0;
  #ok = 0;
  #notOk = 0;
  #failed = 0;
  #dropped = 0;

  constructor(private readonly options: LoadReportOptions) {
    this.#clients = Array.from({ length: options.clients }, newStats);
  }

  get sent(): number {
    return this.#sent;
  }

  get ok(): number {
    return this.#ok;
  }

  /** RPC failures (no response at all). */
  get failed(): number {
    return this.#failed;
  }

  get dropped(): number {
    return this.#dropped;
  }

  requestSent(): void {
    this.#sent++;
  }

  /** An arrival of the open loop found every in-flight slot taken. */
  requestDropped(): void {
    this.#dropped++;
  }

  /** `time`: seconds since start at reception; `latency`: seconds. False if the retcode was not OK. */
  response(client: number, time: number, latency: number, response: LambdaResponse): boolean {
    if (response.retcode !== "OK") {
      this.#notOk++;
      return false;
    }
    this.#ok++;
    const processing = response.ptime / 1000;
    const { responder, load1, hops } = response;
    const { out, dry, lambda } = this.options;
    out.write(
      formatResultLine({ time, value: dry ? processing : latency, load1, responder, lambda, hops }),
    );
    for (const stats of [this.#clients[client], this.#all]) {
      stats?.latency.add(latency);
      stats?.processing.add(processing);
    }
    return true;
  }

  /** An RPC that failed; equal messages are counted together. */
  error(message: string): void {
    this.#failed++;
    this.#errors.set(message, (this.#errors.get(message) ?? 0) + 1);
  }

  /**
   * The closing summary: per client when there are several (`client#i latency …`), then over
   * all clients `latency …` and `processing …` lines like the reference's, the counts, and the
   * errors that occurred.
   */
  summary(elapsedSeconds: number): string {
    let text = "";
    const statLines = (prefix: string, stats: ClientStats) => {
      if (stats.latency.count === 0) return;
      text += formatStatLine(`${prefix}latency`, stats.latency);
      text += formatStatLine(`${prefix}processing`, stats.processing);
    };
    if (this.#clients.length > 1) {
      for (const [i, stats] of this.#clients.entries()) statLines(`client#${i} `, stats);
    }
    statLines("", this.#all);
    const rate = elapsedSeconds > 0 ? this.#ok / elapsedSeconds : 0;
    text +=
      `requests sent ${this.#sent}, ok ${this.#ok}, not ok ${this.#notOk}, failed ${this.#failed},` +
      ` dropped ${this.#dropped} in ${formatCppFloat(elapsedSeconds)} s (${formatCppFloat(rate)} ok/s)\n`;
    if (this.#errors.size > 0) {
      text += `${this.#failed} error(s) occurred:\n`;
      for (const [message, count] of this.#errors) {
        text += `  ${message}${count > 1 ? ` (${count} times)` : ""}\n`;
      }
    }
    return text;
  }
}
