import type { Logger, Scheduler } from "@soe/runtime";
import type { DestinationHealth } from "./destination-health.js";
import type { RouterTables } from "./router-tables.js";

export interface TableUpkeepOptions {
  readonly tables: RouterTables;
  readonly health: DestinationHealth;
  /** Milliseconds; the clock of the tables' optimizers and of the health's back-off. */
  readonly clock: () => number;
  readonly schedule: Scheduler;
  readonly logger: Logger;
}

/**
 * The router's two timed chores, each one timer at its next due time: ejected destinations go
 * back into the tables when their probe is due (DESIGN §4), and the optimizers are polled when
 * they have work (reference §3.5's periodic optimizer). The pure parts (DestinationHealth,
 * RouterTables) say when; this only waits for it.
 */
export class TableUpkeep {
  readonly #options: TableUpkeepOptions;
  #cancelProbe: (() => void) | undefined;
  #cancelPoll: (() => void) | undefined;
  #closed = false;

  constructor(options: TableUpkeepOptions) {
    this.#options = options;
  }

  /** Starts polling the optimizers. */
  start(): void {
    this.#schedulePoll();
  }

  /** A destination was ejected: wait for the earliest probe again. */
  ejected(): void {
    this.#scheduleProbe();
  }

  close(): void {
    this.#closed = true;
    this.#cancelProbe?.();
    this.#cancelPoll?.();
    this.#cancelProbe = undefined;
    this.#cancelPoll = undefined;
  }

  #scheduleProbe(): void {
    this.#cancelProbe?.();
    this.#cancelProbe = this.#at(this.#options.health.nextProbeAt(), () => {
      const { health, tables, logger } = this.#options;
      for (const probe of health.due()) {
        logger.info({ destination: probe.destination }, "probing ejected destination");
        tables.restore(probe.destination, probe.routes);
      }
      this.#scheduleProbe();
    });
  }

  #schedulePoll(): void {
    this.#cancelPoll?.();
    this.#cancelPoll = this.#at(this.#options.tables.nextDueAt(), () => {
      const { tables, logger } = this.#options;
      for (const report of tables.poll()) {
        for (const pair of report.vanished) logger.debug(pair, "optimizer: pair left the table");
      }
      this.#schedulePoll();
    });
  }

  #at(when: number | undefined, run: () => void): (() => void) | undefined {
    if (when === undefined || this.#closed) return undefined;
    const { schedule, clock } = this.#options;
    return schedule(Math.max(0, when - clock()), run);
  }
}
