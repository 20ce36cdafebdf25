/**
 * OpenWhisk's activation ids of the calls this computer served lately, by the caller's id for
 * the call (`LambdaRequest.uuid`; a wskproxy sends its own activation id). OpenWhisk mints its
 * ids itself and a successful reply must stay a bare "OK" (wsk-outcomes.md), so this is how a
 * proxy can later read the record, and its logs, of a call it knows only by its own id
 * (InstallationService/GetActivation). Bounded: the oldest are forgotten first.
 */
export class RecentActivations {
  readonly #byCaller = new Map<string, string>();
  readonly #maxEntries: number;

  constructor(maxEntries = 10_000) {
    if (!(maxEntries > 0)) throw new RangeError("RecentActivations must keep at least one id");
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#byCaller.size;
  }

  remember(callerId: string, activationId: string): void {
    if (callerId === "") return;
    const key = callerId.toLowerCase();
    this.#byCaller.delete(key);
    this.#byCaller.set(key, activationId);
    for (const oldest of this.#byCaller.keys()) {
      if (this.#byCaller.size <= this.#maxEntries) break;
      this.#byCaller.delete(oldest);
    }
  }

  /** OpenWhisk's id for a caller's id; undefined when this computer did not serve it lately. */
  activationOf(callerId: string): string | undefined {
    return this.#byCaller.get(callerId.toLowerCase());
  }
}
