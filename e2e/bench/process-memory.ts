import { fixed, formatTextTable, processRssBytes } from "@soe/bench";

const mb = 1024 * 1024;

/** A process whose memory the bench watches. */
export interface WatchedProcess {
  readonly name: string;
  readonly pid: number;
}

export interface MemoryRow {
  readonly name: string;
  readonly pid: number;
  /** RSS in MB at each reading, by label, in the order read; undefined once the process is gone. */
  readonly rssMb: Readonly<Record<string, number | undefined>>;
}

/**
 * RSS of each service at rest (started, before any load) and after each stage of the load:
 * memory must stay flat, so a growth shows here rather than in production. A first load grows
 * V8's heap once; what must not happen is growth from one stage to the next.
 */
export class MemoryWatch {
  readonly #processes: WatchedProcess[] = [];
  readonly #labels: string[] = [];
  readonly #readings = new Map<number, Map<string, number | undefined>>();

  watch(processes: readonly WatchedProcess[]): void {
    this.#processes.push(...processes);
  }

  /** Reads every watched process's RSS now, under `label` ("rest", "after c=1", …). */
  read(label: string): void {
    this.#labels.push(label);
    for (const { pid } of this.#processes) {
      let rss: number | undefined;
      try {
        rss = processRssBytes(pid) / mb;
      } catch {
        rss = undefined;
      }
      let readings = this.#readings.get(pid);
      if (readings === undefined) {
        readings = new Map();
        this.#readings.set(pid, readings);
      }
      readings.set(label, rss);
    }
  }

  rows(): MemoryRow[] {
    return this.#processes.map(({ name, pid }) => ({
      name,
      pid,
      rssMb: Object.fromEntries(this.#labels.map((l) => [l, this.#readings.get(pid)?.get(l)])),
    }));
  }

  format(title: string): string {
    const first = this.#labels[0];
    const last = this.#labels[this.#labels.length - 1];
    return formatTextTable(
      title,
      ["process", "pid", ...this.#labels.map((l) => `${l} MB`), "growth MB"],
      this.rows().map((r) => {
        const from = first === undefined ? undefined : r.rssMb[first];
        const to = last === undefined ? undefined : r.rssMb[last];
        return [
          r.name,
          String(r.pid),
          ...this.#labels.map((l) => {
            const value = r.rssMb[l];
            return value === undefined ? "gone" : fixed(value, 1);
          }),
          from === undefined || to === undefined ? "-" : fixed(to - from, 1),
        ];
      }),
    );
  }
}
