import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import type { ComputerInfo_ContainerSchema, EdgeController } from "@soe/proto";
import {
  type BackoffOptions,
  type Logger,
  type PeriodicTask,
  startPeriodicTask,
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

export interface AnnouncerOptions extends ContainerShape {
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
  readonly logger: Logger;
}

/**
 * Keeps the controller told which lambdas this computer serves: announces at once when the set
 * changes, refreshes the lease every period, retries failures with back-off until the controller
 * answers (the reference remembered a new set before announcing it and never retried, reference
 * §12.2), and removes the computer on close. The first offer starts it, which the server makes
 * only once it listens (the reference's simulated computer announced before, reference §5.5).
 */
export class Announcer {
  readonly #options: AnnouncerOptions;
  #lambdas: ActionSet = [];
  /** What the controller last acknowledged. */
  #acknowledged: ActionSet | undefined;
  #task: PeriodicTask | undefined;
  #closed = false;

  constructor(options: AnnouncerOptions) {
    this.#options = options;
  }

  /** The lambdas to announce from now on. */
  offer(lambdas: ActionSet): void {
    if (this.#closed) return;
    const changed = !sameActionSet(this.#lambdas, lambdas);
    this.#lambdas = lambdas;
    if (this.#task === undefined) {
      const { periodMs, backoff, logger, controllerEndpoint } = this.#options;
      this.#task = startPeriodicTask(() => this.#announce(), {
        periodMs,
        backoff,
        onError: (err, failures) => {
          // The first failure is news; the retries after it are not.
          const level = failures === 1 ? "warn" : "debug";
          logger[level]({ err, failures, controller: controllerEndpoint }, "announce failed");
        },
      });
    } else if (changed) {
      this.#task.trigger();
    }
  }

  /** Whether the controller acknowledged the current set. */
  get upToDate(): boolean {
    return this.#acknowledged !== undefined && sameActionSet(this.#acknowledged, this.#lambdas);
  }

  /** Stops announcing, then removes this computer from the controller (if it ever started). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#task === undefined) return;
    await this.#task.stop();
    const { controller, endpoint, callTimeoutMs, logger, controllerEndpoint } = this.#options;
    try {
      await controller.removeComputer(
        { edgeServerEndpoint: endpoint },
        { timeoutMs: callTimeoutMs },
      );
      logger.info({ controller: controllerEndpoint, endpoint }, "removed from the controller");
    } catch (err) {
      // Shutting down: the lease will expire anyway; nothing to retry.
      logger.warn({ err, controller: controllerEndpoint }, "could not remove from the controller");
    }
  }

  async #announce(): Promise<void> {
    const { controller, endpoint, callTimeoutMs, logger, controllerEndpoint } = this.#options;
    const lambdas = this.#lambdas;
    await controller.announceComputer(
      { edgeServerEndpoint: endpoint, containers: containersFor(lambdas, this.#options) },
      { timeoutMs: callTimeoutMs },
    );
    const fields = { controller: controllerEndpoint, endpoint, lambdas: lambdas.length };
    if (this.#acknowledged === undefined || !sameActionSet(this.#acknowledged, lambdas)) {
      logger.info(fields, "announced");
    } else {
      logger.debug(fields, "lease refreshed");
    }
    this.#acknowledged = lambdas;
  }
}
