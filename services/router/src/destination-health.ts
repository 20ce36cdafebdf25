import { Backoff, type BackoffOptions } from "@soe/runtime";
import type { EjectedRoute } from "./router-tables.js";

interface Ejection {
  routes: EjectedRoute[];
  readonly backoff: Backoff;
  probeAt: number;
  /** Routes are back in the tables and the next call is the probe. */
  probing: boolean;
}

/** A destination whose probe is due: its routes go back into the tables. */
export interface DueProbe {
  readonly destination: string;
  readonly routes: readonly EjectedRoute[];
}

/**
 * Destinations ejected after transport failures (DESIGN §4: only unreachable or timed-out
 * destinations, never a lambda's own error). An ejected destination's routes wait outside the
 * tables; when its back-off expires they go back in, and the next call through it is the probe:
 * success forgets the ejection, failure ejects it again for longer.
 */
export class DestinationHealth {
  readonly #ejections = new Map<string, Ejection>();

  constructor(
    private readonly clock: () => number,
    private readonly backoff: BackoffOptions,
  ) {}

  /**
   * Records a transport failure and the routes just taken out of the tables. Returns true when
   * the destination was healthy until now (the controller is told once per ejection).
   */
  failed(destination: string, routes: readonly EjectedRoute[]): boolean {
    const existing = this.#ejections.get(destination);
    if (existing === undefined) {
      const backoff = new Backoff(this.backoff);
      this.#ejections.set(destination, {
        routes: [...routes],
        backoff,
        probeAt: this.clock() + backoff.next(),
        probing: false,
      });
      return true;
    }
    // Concurrent calls that were already in flight fail too: keep one ejection, merge routes.
    for (const route of routes) {
      const known = existing.routes.some(
        (r) => r.table === route.table && r.lambda === route.lambda,
      );
      if (!known) existing.routes.push(route);
    }
    if (existing.probing) {
      existing.probing = false;
      existing.probeAt = this.clock() + existing.backoff.next();
    }
    return false;
  }

  /** A call through the destination worked: it is healthy again. */
  succeeded(destination: string): void {
    if (this.#ejections.size > 0) this.#ejections.delete(destination);
  }

  /** Ejected destinations whose probe time has come; they are marked as probing. */
  due(): DueProbe[] {
    const now = this.clock();
    const due: DueProbe[] = [];
    for (const [destination, ejection] of this.#ejections) {
      if (ejection.probing || ejection.probeAt > now) continue;
      ejection.probing = true;
      due.push({ destination, routes: ejection.routes });
    }
    return due;
  }

  /** When the next probe is due, if any destination waits for one. */
  nextProbeAt(): number | undefined {
    let next: number | undefined;
    for (const ejection of this.#ejections.values()) {
      if (!ejection.probing && (next === undefined || ejection.probeAt < next)) {
        next = ejection.probeAt;
      }
    }
    return next;
  }

  isEjected(destination: string): boolean {
    const ejection = this.#ejections.get(destination);
    return ejection !== undefined && !ejection.probing;
  }

  /** How many ejected destinations served this lambda (for a clear "nothing left" reply). */
  ejectedFor(lambda: string): number {
    let count = 0;
    for (const ejection of this.#ejections.values()) {
      if (!ejection.probing && ejection.routes.some((r) => r.lambda === lambda)) count++;
    }
    return count;
  }

  /** The controller removed the pair: it must not come back with a probe. */
  forgetRoute(lambda: string, destination: string): void {
    const ejection = this.#ejections.get(destination);
    if (ejection === undefined) return;
    ejection.routes = ejection.routes.filter((r) => r.lambda !== lambda);
    if (ejection.routes.length === 0 && !ejection.probing) this.#ejections.delete(destination);
  }

  /** The tables were flushed. */
  clear(): void {
    this.#ejections.clear();
  }
}
