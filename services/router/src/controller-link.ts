import { type Client, createClient } from "@connectrpc/connect";
import { EdgeController } from "@soe/proto";
import {
  Announcer,
  type ClientTlsOptions,
  FailoverTransport,
  type Logger,
  parseControllerEndpoints,
  peerFailure,
  type Scheduler,
  TransportPool,
} from "@soe/runtime";
import type { RouterAnnouncement } from "./router-announcement.js";

export interface ControllerLinkOptions {
  readonly controllerEndpoint: string;
  readonly token?: string;
  readonly clientTls?: ClientTlsOptions;
  /** Re-announcement period, ms (a third of the controller's lease). */
  readonly announcePeriodMs: number;
  readonly schedule: Scheduler;
  readonly logger: Logger;
}

/**
 * What a router says to its controller: its announcement, renewed before the lease ends (there
 * is no RemoveRouter: a router leaves when its lease expires), and the destinations it ejected,
 * which the controller then decides about (DESIGN §4).
 */
export class ControllerLink {
  readonly #options: ControllerLinkOptions;
  readonly #transports: TransportPool;
  readonly #controller: FailoverTransport;
  readonly #client: Client<typeof EdgeController>;
  #announcer: Announcer | undefined;

  constructor(options: ControllerLinkOptions) {
    this.#options = options;
    this.#transports = new TransportPool({
      defaultTimeoutMs: 2_000,
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.clientTls === undefined ? {} : { tls: options.clientTls }),
    });
    // --controller-endpoint a,b,c (issue 13): the first controller that answers.
    this.#controller = new FailoverTransport({
      endpoints: parseControllerEndpoints(options.controllerEndpoint),
      transportOf: (endpoint) => this.#transports.get(endpoint),
      logger: options.logger,
    });
    this.#client = createClient(EdgeController, this.#controller);
  }

  /** Announces now, then every period; failures retry with back-off and are logged. */
  startAnnouncing(announcement: RouterAnnouncement): void {
    const { announcePeriodMs: periodMs, schedule, logger } = this.#options;
    this.#announcer = new Announcer({
      controllerEndpoint: this.#controller,
      announce: async () => {
        await this.#client.announceRouter(announcement);
        return { ...announcement };
      },
      periodMs,
      backoff: { initialMs: Math.min(200, periodMs), maxMs: periodMs },
      schedule,
      logger,
    });
    this.#announcer.start();
  }

  /** Tells the controller a destination was ejected; a failure to tell it is only logged. */
  reportEjected(destination: string): void {
    const { logger } = this.#options;
    const controller = this.#controller.endpoint;
    this.#client.removeComputer({ edgeServerEndpoint: destination }).catch((error: unknown) => {
      const cause = peerFailure(error);
      if (cause === undefined) {
        logger.error({ err: error, controller }, "removal failed");
      } else {
        logger.warn(
          { controller, cause, destination },
          `could not tell the controller at ${controller} that ${destination} left: ${cause}`,
        );
      }
    });
  }

  async close(): Promise<void> {
    await this.#announcer?.close();
    this.#transports.close();
  }
}
