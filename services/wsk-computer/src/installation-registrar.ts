import { Code, type Client, ConnectError } from "@connectrpc/connect";
import type { soev1 } from "@soe/proto";
import {
  type BackoffOptions,
  type Logger,
  type PeriodicTask,
  peerFailure,
  type Scheduler,
  startPeriodicTask,
} from "@soe/runtime";
import type { Labels } from "./labels.js";

/** The two calls an installation makes to the controller's DeploymentService. */
export type DeploymentClient = Pick<
  Client<typeof soev1.DeploymentService>,
  "registerInstallation" | "unregisterInstallation"
>;

export interface InstallationRegistrarOptions {
  readonly controller: DeploymentClient;
  /** For logs. */
  readonly controllerEndpoint: string;
  /** The announced lambda end-point, which serves InstallationService too. */
  readonly endpoint: string;
  /** The key's namespace; rejects while OpenWhisk cannot tell it (retried). */
  readonly namespace: () => Promise<string>;
  readonly labels: Labels;
  /** The lease asked for, ms (the announcement's); 0 never expires. */
  readonly leaseTtlMs: number;
  /** Registration refresh period: a third of the lease, as for the announcement. */
  readonly periodMs: number;
  readonly backoff: BackoffOptions;
  /** Deadline of each call to the controller. */
  readonly callTimeoutMs: number;
  readonly schedule?: Scheduler;
  readonly logger: Logger;
}

const MAX_UINT32 = 0xffffffff;

/**
 * Keeps the controller's installation registry told about this installation (issue 10): the
 * registration is a lease refreshed at the announcement's cadence, retried with back-off while
 * the controller or OpenWhisk (for the namespace) cannot be reached, and withdrawn on close.
 *
 * A controller without DeploymentService (an older one, the reference C++ controller) answers
 * UNIMPLEMENTED: that is said once at debug and asked again at the next period, so such a
 * controller keeps working and a newer one replacing it learns about us within a period.
 */
export class InstallationRegistrar {
  readonly #options: InstallationRegistrarOptions;
  #task: PeriodicTask | undefined;
  #registered = false;
  #everRegistered = false;
  #unimplementedSaid = false;
  #closed = false;

  constructor(options: InstallationRegistrarOptions) {
    this.#options = options;
  }

  /** Whether the controller took the last registration. */
  get registered(): boolean {
    return this.#registered;
  }

  /** Registers now, then every period; again is a no-op. */
  start(): void {
    if (this.#closed || this.#task !== undefined) return;
    const { periodMs, backoff, schedule } = this.#options;
    this.#task = startPeriodicTask(() => this.#register(), {
      periodMs,
      backoff,
      onError: (error, failures, retryInMs) => this.#failed(error, failures, retryInMs),
      ...(schedule === undefined ? {} : { schedule }),
    });
  }

  /**
   * Stops refreshing, then unregisters (once, bounded by the call's deadline) if the controller
   * ever took a registration: a failed refresh does not mean it forgot us.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#task?.stop();
    if (!this.#everRegistered) return;
    const { controller, endpoint, callTimeoutMs, logger, controllerEndpoint } = this.#options;
    try {
      await controller.unregisterInstallation({ endpoint }, { timeoutMs: callTimeoutMs });
      this.#registered = false;
      logger.info({ controller: controllerEndpoint }, "installation unregistered");
    } catch (error) {
      // Shutting down: the lease expires anyway.
      logger.warn(
        { controller: controllerEndpoint, cause: peerFailure(error) ?? String(error) },
        "could not unregister the installation; its lease will expire",
      );
    }
  }

  async #register(): Promise<void> {
    const { controller, endpoint, labels, leaseTtlMs, callTimeoutMs, logger } = this.#options;
    const namespace = await this.#options.namespace();
    try {
      await controller.registerInstallation(
        {
          endpoint,
          namespace,
          labels: { ...labels },
          leaseTtlMs: Math.min(MAX_UINT32, Math.max(0, Math.round(leaseTtlMs))),
        },
        { timeoutMs: callTimeoutMs },
      );
    } catch (error) {
      if (!(error instanceof ConnectError) || error.code !== Code.Unimplemented) throw error;
      this.#registered = false;
      if (!this.#unimplementedSaid) {
        this.#unimplementedSaid = true;
        logger.debug(
          { controller: this.#options.controllerEndpoint },
          "the controller has no DeploymentService; asking again every lease period",
        );
      }
      return;
    }
    const line = { controller: this.#options.controllerEndpoint, endpoint, namespace, labels };
    if (this.#registered) logger.debug(line, "installation lease refreshed");
    else logger.info(line, "installation registered");
    this.#registered = true;
    this.#everRegistered = true;
  }

  #failed(error: unknown, failures: number, retryInMs: number): void {
    const { logger, controllerEndpoint } = this.#options;
    // The registration may be lost on the controller's side: the next success is news.
    this.#registered = false;
    const cause = peerFailure(error) ?? (error instanceof Error ? error.message : String(error));
    logger[failures === 1 ? "warn" : "debug"](
      { controller: controllerEndpoint, cause, failures, retryInMs },
      `could not register the installation with ${controllerEndpoint} (${cause}); next try in ${retryInMs} ms`,
    );
  }
}
