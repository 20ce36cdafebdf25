import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import type { ComputerInfoSchema, EdgeController } from "@soe/proto";
import { type Logger, type PeriodicTask, startPeriodicTask } from "@soe/runtime";

type ComputerInfoInit = MessageInitShape<typeof ComputerInfoSchema>;

export interface AnnouncerOptions {
  readonly controller: Client<typeof EdgeController>;
  /** For logs. */
  readonly controllerEndpoint: string;
  readonly info: ComputerInfoInit;
  /** Re-announcement period, ms (a third of the controller's lease); 0 announces once. */
  readonly periodMs: number;
  readonly logger: Logger;
}

export interface Announcer {
  /** Stops re-announcing and tells the controller this computer is gone. */
  stop(): Promise<void>;
}

// setTimeout's largest delay: "announce once" is a period that never comes.
const NEVER_MS = 2_147_483_647;

/**
 * Reference §5.5, with DESIGN §4's lease: the computer announces its containers once it listens
 * (the reference announced before, §12.2), then every period to keep the lease; an unreachable
 * controller is retried with back-off instead of aborting start-up. `stop()` sends
 * RemoveComputer, whose failure is logged, not thrown: shutdown goes on.
 */
export function startAnnouncer(options: AnnouncerOptions): Announcer {
  const { controller, controllerEndpoint, info, logger } = options;
  const periodMs = options.periodMs > 0 ? options.periodMs : NEVER_MS;
  let announced = false;
  const task: PeriodicTask = startPeriodicTask(
    async () => {
      await controller.announceComputer(info);
      if (!announced) {
        logger.info(
          { controller: controllerEndpoint, endpoint: info.edgeServerEndpoint },
          "announced to the controller",
        );
      }
      announced = true;
    },
    {
      periodMs,
      backoff: { initialMs: 200, maxMs: Math.min(periodMs, 5_000) },
      onError: (err, failures) =>
        logger.warn({ err, failures, controller: controllerEndpoint }, "announce failed"),
    },
  );
  return {
    async stop() {
      await task.stop();
      try {
        await controller.removeComputer({ edgeServerEndpoint: info.edgeServerEndpoint });
        logger.info({ controller: controllerEndpoint }, "removed from the controller");
      } catch (err) {
        logger.warn({ err, controller: controllerEndpoint }, "Could not reach controller");
      }
    },
  };
}
