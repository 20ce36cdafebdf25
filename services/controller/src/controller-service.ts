import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import type { ComputerInfo, EdgeController } from "@soe/proto";
import { type Logger, parseEndpoint } from "@soe/runtime";
import type { ControlPlane } from "./control-plane.js";
import { type Container, InvalidAnnouncement } from "./membership.js";
import { InvalidNode } from "./topology.js";

/**
 * `uiiit.rpc.EdgeController` (reference §1.3, §2.2–2.4): validate, apply, queue the installation
 * and answer at once — a call never waits for a router (the reference held its lock while it
 * called every router, §12.2). Bad input is an `InvalidArgument` error, where the reference
 * answered OK and only logged a warning: a peer should know its announcement was not taken.
 */
export function controllerService(
  plane: ControlPlane,
  logger: Logger,
): ServiceImpl<typeof EdgeController> {
  const applying = (method: string, apply: () => void) => {
    try {
      apply();
    } catch (err) {
      if (err instanceof InvalidAnnouncement || err instanceof InvalidNode) {
        logger.warn(`error when applying EdgeController method ${method}: ${err.message}`);
        throw new ConnectError(err.message, Code.InvalidArgument);
      }
      throw err;
    }
  };
  return {
    announceComputer(info) {
      const endpoint = validEndpoint(info.edgeServerEndpoint, "edgeServerEndpoint");
      const containers = validContainers(info, endpoint);
      applying("AnnounceComputer", () => plane.announceComputer(endpoint, containers));
      return {};
    },
    announceRouter(info) {
      const lambdaEndpoint = validEndpoint(info.edgeServerEndpoint, "edgeServerEndpoint");
      const tableEndpoint = validEndpoint(info.forwardingTableEndpoint, "forwardingTableEndpoint");
      applying("AnnounceRouter", () =>
        plane.announceRouter(lambdaEndpoint, tableEndpoint, info.bootId),
      );
      return {};
    },
    // Only the end-point counts (reference §1.3). Routers report failed destinations here, which
    // may be routers or unknown: removing an unknown end-point is a no-op, not an error.
    removeComputer(info) {
      if (info.edgeServerEndpoint === "") {
        throw new ConnectError("edgeServerEndpoint is empty", Code.InvalidArgument);
      }
      applying("RemoveComputer", () => plane.removeComputer(info.edgeServerEndpoint));
      return {};
    },
  };
}

// Routers dial these end-points (and we dial table end-points): an unusable one is refused here
// rather than failing later, far from the peer that sent it.
function validEndpoint(endpoint: string, field: string): string {
  if (endpoint === "") throw new ConnectError(`${field} is empty`, Code.InvalidArgument);
  try {
    parseEndpoint(endpoint);
  } catch {
    throw new ConnectError(
      `${field} "${endpoint}" is not a host:port end-point`,
      Code.InvalidArgument,
    );
  }
  return endpoint;
}

function validContainers(info: ComputerInfo, endpoint: string): Container[] {
  return info.containers.map(({ name, processor, lambda, numWorkers }, i) => {
    if (lambda === "") {
      throw new ConnectError(
        `computer ${endpoint}: container #${i} (${name}) has no lambda`,
        Code.InvalidArgument,
      );
    }
    return { name, processor, lambda, numWorkers };
  });
}
