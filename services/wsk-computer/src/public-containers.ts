import { PUBLIC_ACTION_PROCESSOR } from "@soe/openwhisk";
import type { ControllerClient } from "./announcer.js";

/**
 * A controller client that announces the actions of published packages with
 * {@link PUBLIC_ACTION_PROCESSOR}: the announcer gives every container one processor, and the
 * proxy reads this one to let other namespaces' keys invoke those actions. `publicLambdas` is
 * asked at each announcement, so the latest listing decides.
 */
export function markingPublicContainers(
  controller: ControllerClient,
  publicLambdas: () => Iterable<string>,
): ControllerClient {
  return {
    announceComputer: (info, options) => {
      const published = new Set(publicLambdas());
      return controller.announceComputer(
        {
          ...(info.edgeServerEndpoint === undefined
            ? {}
            : { edgeServerEndpoint: info.edgeServerEndpoint }),
          containers: (info.containers ?? []).map(({ name, processor, lambda, numWorkers }) => ({
            ...(name === undefined ? {} : { name }),
            ...(lambda === undefined ? {} : { lambda }),
            ...(numWorkers === undefined ? {} : { numWorkers }),
            ...(lambda !== undefined && published.has(lambda)
              ? { processor: PUBLIC_ACTION_PROCESSOR }
              : processor === undefined
                ? {}
                : { processor }),
          })),
        },
        options,
      );
    },
    removeComputer: (info, options) => controller.removeComputer(info, options),
  };
}
