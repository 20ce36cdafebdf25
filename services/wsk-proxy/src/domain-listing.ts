import type { ActionSummary } from "@soe/openwhisk";
import type { soev1 } from "@soe/proto";
import { type CatalogAction, actionSummary } from "./action-views.js";
import { actionSummaryOf, type PackageSummary, packageSummaryOf } from "./entity-views.js";

/** An element of a listing, with what it is sorted by. */
interface Listed<T> {
  readonly key: string;
  readonly updated: number;
  readonly item: T;
}

/** OpenWhisk lists the most recently updated first; ties by name, so pages are stable. */
function newestFirst<T>(items: Iterable<Listed<T>>): T[] {
  return [...items]
    .sort((a, b) => b.updated - a.updated || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((l) => l.item);
}

/** `pkg/name` or `name`: one action's identity within its namespace. */
function actionKey(packageName: string | undefined, name: string): string {
  return packageName === undefined || packageName === "" ? name : `${packageName}/${name}`;
}

/**
 * One namespace's actions: those the domain holds (desired, deployed through the proxy, shown as
 * deployed even before an installation announces them) and those the installations announce
 * (installed on an OpenWhisk directly). The desired entity wins: it knows version, kind and limits.
 */
export function actionListing(
  announced: readonly CatalogAction[],
  desired: readonly soev1.Entity[],
): ActionSummary[] {
  const byKey = new Map<string, Listed<ActionSummary>>();
  for (const a of announced) {
    const key = actionKey(a.action.packageName, a.action.name);
    byKey.set(key, { key, updated: a.updated, item: actionSummary(a) });
  }
  for (const entity of desired) {
    const key = actionKey(entity.ref?.package, entity.ref?.name ?? "");
    byKey.set(key, { key, updated: Number(entity.updatedUnixMs), item: actionSummaryOf(entity) });
  }
  return newestFirst(byKey.values());
}

/** A listing entry an installation gave (OpenWhisk's own JSON), when it is a JSON object. */
export function installedSummary(
  entity: soev1.InstalledEntity,
): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(entity.summary).toString("utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function updatedOf(summary: Record<string, unknown>): number {
  return typeof summary.updated === "number" ? summary.updated : 0;
}

/** One namespace's packages: the domain's (which win) and those only installations hold. */
export function packageListing(
  desired: readonly soev1.Entity[],
  installed: readonly soev1.InstalledEntity[],
): Array<PackageSummary | Record<string, unknown>> {
  const byKey = new Map<string, Listed<PackageSummary | Record<string, unknown>>>();
  for (const entity of installed) {
    const summary = installedSummary(entity);
    const key = entity.ref?.name ?? "";
    if (summary !== undefined) byKey.set(key, { key, updated: updatedOf(summary), item: summary });
  }
  for (const entity of desired) {
    const key = entity.ref?.name ?? "";
    byKey.set(key, { key, updated: Number(entity.updatedUnixMs), item: packageSummaryOf(entity) });
  }
  return newestFirst(byKey.values());
}

/** Triggers or rules: what the installations hold, newest first. */
export function installedListing(
  installed: readonly soev1.InstalledEntity[],
): Record<string, unknown>[] {
  const listed: Listed<Record<string, unknown>>[] = [];
  for (const entity of installed) {
    const summary = installedSummary(entity);
    const key = entity.ref?.name ?? "";
    if (summary !== undefined) listed.push({ key, updated: updatedOf(summary), item: summary });
  }
  return newestFirst(listed);
}
