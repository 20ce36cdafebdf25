import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import {
  activationIdErrorText,
  OpenWhiskError,
  OpenWhiskHttpError,
  type OpenWhiskClient,
} from "@soe/openwhisk";
import type { soev1 } from "@soe/proto";
import type { Logger } from "@soe/runtime";
import { annotateDigest, digestOf } from "./digest-annotation.js";
import { collectionOf, type EntityLocation, locationOfRef, refOfListing } from "./entity-ref.js";
import type { Labels } from "./labels.js";
import type { RecentActivations } from "./recent-activations.js";
import { connectErrorOf } from "./openwhisk-status.js";

type InstalledEntityInit = MessageInitShape<typeof soev1.InstalledEntitySchema>;

export interface InstallationServiceOptions {
  readonly client: Pick<
    OpenWhiskClient,
    "putEntity" | "deleteEntity" | "listEntities" | "getActivation"
  >;
  /** The key's namespace (rejects while OpenWhisk cannot tell it). */
  readonly namespace: () => Promise<string>;
  readonly labels: Labels;
  /**
   * After an action or package changed: list the actions again and re-announce them, resolving
   * once the controller has them or `waitMs` passed (so the caller can install routes). Absent
   * without a controller.
   */
  readonly afterChange?: (waitMs: number) => Promise<void>;
  /** Longest wait for the re-announcement (default 5 s), within the caller's deadline. */
  readonly announceWaitMs?: number;
  /** The ids callers gave the calls served lately (GetActivation takes them too). */
  readonly recent?: Pick<RecentActivations, "activationOf">;
  readonly logger: Logger;
}

const DEFAULT_ANNOUNCE_WAIT_MS = 5_000;
const utf8 = new TextEncoder();

/**
 * soe.v1.InstallationService on one OpenWhisk, with the key only this wsk-computer holds:
 * thin handlers over the pure pieces (entity-ref, digest-annotation, openwhisk-status). Only
 * actions and packages are applied or removed; triggers and rules are only listed (entity.proto).
 * OpenWhisk stays the authority: an entity is put with `overwrite=true` whatever is there, and
 * OpenWhisk's refusals come back as their RPC codes with its own text.
 */
export function installationService(
  options: InstallationServiceOptions,
): ServiceImpl<typeof soev1.InstallationService> {
  const { client, logger } = options;

  const afterChange = async (context: HandlerContext) => {
    if (options.afterChange === undefined) return;
    const wanted = options.announceWaitMs ?? DEFAULT_ANNOUNCE_WAIT_MS;
    const remaining = context.timeoutMs();
    // Leave a fifth of the caller's time for the answer itself.
    const waitMs = remaining === undefined ? wanted : Math.min(wanted, (remaining * 4) / 5);
    await options.afterChange(Math.max(0, Math.floor(waitMs)));
  };

  return {
    async describeInstallation() {
      let namespace: string;
      try {
        namespace = await options.namespace();
      } catch (error) {
        if (error instanceof OpenWhiskError) {
          throw connectErrorOf(error, "cannot tell the installation's namespace");
        }
        const why = error instanceof Error ? error.message : String(error);
        throw new ConnectError(
          `cannot tell the installation's namespace: ${why}`,
          Code.Unavailable,
        );
      }
      return { namespace, labels: { ...options.labels } };
    },

    async applyEntity(request, context) {
      const { entity } = request;
      if (entity === undefined) throw invalid("the entity is missing");
      const location = managedLocation(entity.ref);
      if (entity.digest === "") throw invalid("the entity has no digest");
      const annotated = annotateDigest(entity.document, entity.digest);
      if (!annotated.ok) throw invalid(annotated.reason);
      const shown = display(location);
      let stored: Readonly<Record<string, unknown>>;
      try {
        stored = await client.putEntity(location.collection, location.address, annotated.document, {
          ...callDeadline(context),
        });
      } catch (error) {
        throw connectErrorOf(error, `cannot apply ${shown}`);
      }
      await afterChange(context);
      const installedVersion = typeof stored.version === "string" ? stored.version : "";
      logger.info(
        { entity: shown, version: installedVersion, digest: entity.digest },
        "entity applied",
      );
      return { installedVersion };
    },

    async removeEntity(request, context) {
      const location = managedLocation(request.ref);
      const shown = display(location);
      try {
        await client.deleteEntity(location.collection, location.address, callDeadline(context));
      } catch (error) {
        // Absent is the state asked for: not an error (installation.proto).
        if (error instanceof OpenWhiskHttpError && error.status === 404) return { existed: false };
        throw connectErrorOf(error, `cannot remove ${shown}`);
      }
      await afterChange(context);
      logger.info({ entity: shown }, "entity removed");
      return { existed: true };
    },

    async listInstalledEntities(request, context) {
      const collection = collectionOf(request.kind);
      if (collection === undefined) throw invalid("the entity kind is unspecified");
      let listed: Readonly<Record<string, unknown>>[];
      try {
        listed = await client.listEntities(collection, "_", callDeadline(context));
      } catch (error) {
        throw connectErrorOf(error, `cannot list the ${collection}`);
      }
      const entities: InstalledEntityInit[] = listed.map((entry) => ({
        // listEntities only gives entries with a string namespace and name.
        ref: refOfListing(request.kind, entry as { namespace: string; name: string }),
        digest: digestOf(entry),
        version: typeof entry.version === "string" ? entry.version : "",
        summary: utf8.encode(JSON.stringify(entry)),
      }));
      return { entities };
    },

    async getActivation(request, context) {
      const id = request.activationId;
      const invalidId = activationIdErrorText(id);
      if (invalidId !== undefined) throw invalid(invalidId);
      try {
        // A caller's own id for a call served here (a proxy's activation id), or OpenWhisk's.
        const openwhiskId = options.recent?.activationOf(id) ?? id.toLowerCase();
        // `_`: the key's own namespace, where every activation this computer started lives.
        const record = await client.getActivation("_", openwhiskId, callDeadline(context));
        return { found: true, record: utf8.encode(JSON.stringify(record)) };
      } catch (error) {
        // OpenWhisk writes the record when the activation ends: 404 until then (or once forgotten).
        if (error instanceof OpenWhiskHttpError && error.status === 404) return { found: false };
        throw connectErrorOf(error, `cannot read activation ${id}`);
      }
    },
  };
}

/** Where an applied or removed entity lives; only actions and packages are managed. */
function managedLocation(ref: soev1.EntityRef | undefined): EntityLocation {
  const location = locationOfRef(ref);
  if (!location.ok) throw invalid(location.reason);
  if (location.collection !== "actions" && location.collection !== "packages") {
    throw invalid(`${location.collection} are only listed, never applied or removed`);
  }
  return location;
}

function callDeadline(context: HandlerContext): { timeoutMs?: number } {
  const remaining = context.timeoutMs();
  return remaining === undefined ? {} : { timeoutMs: Math.max(1, remaining) };
}

/** `/ns/pkg/name (actions)`, for messages and logs. */
function display({ collection, address }: EntityLocation): string {
  const pkg = address.packageName === undefined ? "" : `${address.packageName}/`;
  return `/${address.namespace}/${pkg}${address.name} (${collection})`;
}

function invalid(reason: string): ConnectError {
  return new ConnectError(reason, Code.InvalidArgument);
}
