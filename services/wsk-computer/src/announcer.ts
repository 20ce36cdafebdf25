import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import type { ComputerInfo_ContainerSchema, EdgeController } from "@soe/proto";
import {
  Announcer,
  type BackoffOptions,
  backgroundScheduler,
  type Logger,
  type Scheduler,
} from "@soe/runtime";
import { type ActionSet, sameActionSet } from "./action-set.js";

type Container = MessageInitShape<typeof ComputerInfo_ContainerSchema>;

/** Only the two calls a computer makes to the controller. */
export type ControllerClient = Pick<
  Client<typeof EdgeController>,
  "announceComputer" | "removeComputer"
>;

export interface ContainerShape {
  /** Default "openwhisk": the controller logs it; routers never see it. */
  readonly processor: string;
  /** The reference announced 1 (reference §6.4): OpenWhisk does not tell its concurrency. */
  readonly numWorkers: number;
}

/**
 * One container per action, named after it: the reference named them all "wsk" (reference §6.4),
 * which made the controller's log lines `wsk: processor wsk, lambda …` say nothing.
 */
export function containersFor(lambdas: ActionSet, shape: ContainerShape): Container[] {
  return lambdas.map((lambda) => ({
    name: lambda,
    processor: shape.processor,
    lambda,
    numWorkers: shape.numWorkers,
  }));
}

export interface ActionAnnouncerOptions extends ContainerShape {
  readonly controller: ControllerClient;
  /** For logs. */
  readonly controllerEndpoint: string;
  /** `ComputerInfo.edgeServerEndpoint`: where routers will send this computer's lambdas. */
  readonly endpoint: string;
  /** Lease refresh period (a third of the controller's `--lease-ttl`). */
  readonly periodMs: number;
  /** Retries of a failed announcement. */
  readonly backoff: BackoffOptions;
  /** Deadline of each call to the controller. */
  readonly callTimeoutMs: number;
  readonly schedule?: Scheduler;
  readonly logger: Logger;
}

/**
 * Keeps the controller told which lambdas this computer serves, through `@soe/runtime`'s
 * `Announcer` (lease, retries, logs): announces at once when the set changes, refreshes the lease
 * every period, retries failures until the controller answers (the reference remembered a new set
 * before announcing it and never retried, reference §12.2), and removes the computer on close.
 * The first offer starts it, which the server makes only once it listens (the reference's
 * simulated computer announced before, reference §5.5).
 */
export class ActionAnnouncer {
  readonly #announcer: Announcer;
  readonly #schedule: Scheduler;
  #lambdas: ActionSet = [];
  #offered = false;
  /** Counts the changed sets offered; the controller acknowledged `#acknowledged` of them. */
  #offers = 0;
  #acknowledged = 0;
  #waiters: { readonly offer: number; readonly done: (acknowledged: boolean) => void }[] = [];

  constructor(options: ActionAnnouncerOptions) {
    const { controller, endpoint, callTimeoutMs, schedule } = options;
    this.#schedule = schedule ?? backgroundScheduler;
    this.#announcer = new Announcer({
      controllerEndpoint: options.controllerEndpoint,
      announce: async () => {
        const lambdas = this.#lambdas;
        const offer = this.#offers;
        await controller.announceComputer(
          { edgeServerEndpoint: endpoint, containers: containersFor(lambdas, options) },
          { timeoutMs: callTimeoutMs },
        );
        this.#acknowledge(offer);
        return { endpoint, lambdas: lambdas.length };
      },
      remove: async () => {
        await controller.removeComputer(
          { edgeServerEndpoint: endpoint },
          { timeoutMs: callTimeoutMs },
        );
      },
      periodMs: options.periodMs,
      backoff: options.backoff,
      ...(schedule === undefined ? {} : { schedule }),
      logger: options.logger,
    });
  }

  /** The lambdas to announce from now on. */
  offer(lambdas: ActionSet): void {
    const changed = !this.#offered || !sameActionSet(this.#lambdas, lambdas);
    this.#offered = true;
    this.#lambdas = lambdas;
    if (!changed) return;
    this.#offers += 1;
    this.#announcer.changed();
  }

  /**
   * Resolves once the controller acknowledged the set offered last (at once if it already did),
   * true; or false after `timeoutMs` without, or on close. For an entity just applied: its
   * lambdas reach the routers only once the controller has them.
   */
  announced(timeoutMs: number): Promise<boolean> {
    const offer = this.#offers;
    if (this.#acknowledged >= offer) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter = {
        offer,
        done: (acknowledged: boolean) => {
          cancel();
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          resolve(acknowledged);
        },
      };
      const cancel = this.#schedule(timeoutMs, () => waiter.done(false));
      this.#waiters.push(waiter);
    });
  }

  /** Whether the controller acknowledged the current set. */
  get upToDate(): boolean {
    return this.#announcer.upToDate;
  }

  /** Stops announcing, then removes this computer from the controller (if it ever started). */
  close(): Promise<void> {
    for (const waiter of [...this.#waiters]) waiter.done(false);
    return this.#announcer.close();
  }

  #acknowledge(offer: number): void {
    this.#acknowledged = Math.max(this.#acknowledged, offer);
    for (const waiter of [...this.#waiters]) {
      if (waiter.offer <= this.#acknowledged) waiter.done(true);
    }
  }
}
