import { Code, ConnectError } from "@connectrpc/connect";
import type { Logger } from "@soe/runtime";
import type { Context } from "hono";
import { isNotDomainEntity, type Refusal, refusalOf } from "../deploy-answers.js";
import { errorResponse } from "../middleware/errors/index.js";
import type { ProxyEnv } from "../proxy-env.js";

/** The answer to a refusal, logged once here when the cause is not the client's. */
export function refuse(
  c: Context<ProxyEnv>,
  logger: Logger,
  refusal: Refusal,
  err?: unknown,
): Response {
  if (refusal.ours || refusal.status >= 503) {
    // ConnectError messages carry the controller's status and text, never the token.
    const code = err instanceof ConnectError ? err.code : undefined;
    const fields = { err, code, method: c.req.method, path: c.req.path, status: refusal.status };
    if (refusal.ours) logger.error(fields, "the controller refused a deployment call");
    else logger.warn(fields, "the controller did not answer a deployment call");
  }
  return errorResponse(c, refusal.status, refusal.error);
}

/** Runs one call to the controller; a failure becomes the client's OpenWhisk answer. */
export async function attempt<T>(
  c: Context<ProxyEnv>,
  logger: Logger,
  call: () => Promise<T>,
): Promise<T | Response> {
  try {
    return await call();
  } catch (err) {
    return refuse(c, logger, refusalOf(err), err);
  }
}

/** Loggers already told that the controller refuses this proxy's token (said once, not per read). */
const toldTokenRefused = new WeakSet<Logger>();

/**
 * A call about something the domain may not hold: undefined when it does not, the client's
 * answer when the controller failed. Reads that can do without the domain (`tolerant`) take a
 * controller too old to serve deployments as "not held" too (changes answer it 501), and a
 * refused token as well: listings and GETs then answer what the computers announce, as before
 * deployments existed, while every change answers 500 and the log says why, once.
 */
async function lookup<T>(
  c: Context<ProxyEnv>,
  logger: Logger,
  call: () => Promise<T | undefined>,
  tolerant = false,
): Promise<T | undefined | Response> {
  try {
    return await call();
  } catch (err) {
    const code = ConnectError.from(err).code;
    if (code === Code.NotFound || (tolerant && isNotDomainEntity(err))) return undefined;
    if (tolerant && (code === Code.Unauthenticated || code === Code.PermissionDenied)) {
      if (!toldTokenRefused.has(logger)) {
        toldTokenRefused.add(logger);
        logger.error(
          { code },
          "the controller refuses this proxy's token (--token): listings show announced actions only, deploying fails",
        );
      }
      return undefined;
    }
    return refuse(c, logger, refusalOf(err), err);
  }
}

/** A read that can do without the domain: NOT_FOUND and a controller without deployments are undefined. */
export function readDomain<T>(
  c: Context<ProxyEnv>,
  logger: Logger,
  call: () => Promise<T | undefined>,
): Promise<T | undefined | Response> {
  return lookup(c, logger, call, true);
}

/** A call on the way to a change: NOT_FOUND is undefined, any other failure the client's answer. */
export function findInDomain<T>(
  c: Context<ProxyEnv>,
  logger: Logger,
  call: () => Promise<T | undefined>,
): Promise<T | undefined | Response> {
  return lookup(c, logger, call, false);
}
