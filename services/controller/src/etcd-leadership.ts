import { Backoff, type BackoffOptions, type Logger } from "@soe/runtime";
import type { Campaign, Namespace } from "etcd3";

export interface EtcdLeadershipOptions {
  /** The client, scoped to the store's prefix; the election lives under `leader/` there. */
  readonly namespace: Namespace;
  /** This controller's id, the candidate's value (logged by the others). */
  readonly id: string;
  /** The etcd lease of the candidacy, whole seconds: how long a dead leader keeps the role. */
  readonly ttlSeconds: number;
  /** Called when this controller becomes the leader (true) or stops being it (false). */
  readonly onChange: (leader: boolean) => void;
  readonly logger: Logger;
  /** Delays before campaigning again after a failure (default 500 ms doubling to 5 s). */
  readonly retry?: BackoffOptions;
}

/**
 * Leader election through an etcd lease (issue 13): every controller campaigns; the one elected
 * installs tables and reconciles until its lease is lost (it died, or cannot reach etcd for one
 * ttl), then the next candidate is elected. A controller that loses the role campaigns again.
 */
export class EtcdLeadership {
  readonly #o: EtcdLeadershipOptions;
  readonly #retry: Backoff;
  #campaign: Campaign | undefined;
  #leader = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: EtcdLeadershipOptions) {
    this.#o = options;
    this.#retry = new Backoff(options.retry ?? { initialMs: 500, maxMs: 5_000, jitter: 0.2 });
  }

  get leader(): boolean {
    return this.#leader;
  }

  start(): void {
    if (this.#closed || this.#campaign !== undefined) return;
    const campaign = this.#o.namespace.election("leader", this.#o.ttlSeconds).campaign(this.#o.id);
    this.#campaign = campaign;
    campaign.on("elected", () => {
      if (this.#campaign !== campaign) return;
      this.#retry.reset();
      this.#o.logger.info({ controller: this.#o.id }, "elected leader: installing tables");
      this.#set(true);
    });
    campaign.on("error", (err) => {
      if (this.#campaign !== campaign) return;
      this.#campaign = undefined;
      campaign.resign().catch(() => {});
      const retryInMs = this.#retry.next();
      this.#o.logger.warn(
        { err, controller: this.#o.id, retryInMs, wasLeader: this.#leader },
        this.#leader ? "lost the leadership: standing by" : "could not campaign for the leadership",
      );
      this.#set(false);
      if (!this.#closed) this.#timer = setTimeout(() => this.start(), retryInMs);
    });
  }

  /** Resigns (a standby takes over at once instead of after the lease). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const campaign = this.#campaign;
    this.#campaign = undefined;
    this.#set(false);
    await campaign?.resign().catch((err: unknown) => {
      this.#o.logger.warn({ err }, "could not resign the leadership: it ends with its lease");
    });
  }

  #set(leader: boolean): void {
    if (this.#leader === leader) return;
    this.#leader = leader;
    this.#o.onChange(leader);
  }
}
