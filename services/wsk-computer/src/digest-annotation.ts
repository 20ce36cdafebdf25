import { MAX_JSON_DEPTH, nestsDeeperThan } from "@soe/openwhisk";

/**
 * The annotation that ties an installed entity to the domain's version of it: the SHA-256 of the
 * document the controller holds (soe/v1/entity.proto). The controller sees drift by comparing it,
 * without reading code back; an entity without it was not deployed through the domain.
 */
export const DIGEST_ANNOTATION = "soe-digest";

export type AnnotatedDocument =
  | { readonly ok: true; readonly document: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * `Entity.document` (UTF-8 JSON of an OpenWhisk PUT body) as the body to PUT here: the same
 * members, with `soe-digest` = `digest` added to the annotations or replacing an earlier one.
 */
export function annotateDigest(document: Uint8Array, digest: string): AnnotatedDocument {
  let text: string;
  try {
    text = utf8.decode(document);
  } catch {
    return { ok: false, reason: "the entity document is not UTF-8" };
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return { ok: false, reason: `the entity document nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `the entity document is not JSON: ${why}` };
  }
  if (!isObject(parsed)) {
    return { ok: false, reason: "the entity document must be a JSON object" };
  }
  const annotations = parsed.annotations ?? [];
  if (!Array.isArray(annotations) || !annotations.every(isKeyValue)) {
    return {
      ok: false,
      reason: "the entity document's annotations must be an array of {key, value}",
    };
  }
  const kept = annotations.filter((annotation) => annotation.key !== DIGEST_ANNOTATION);
  return {
    ok: true,
    document: { ...parsed, annotations: [...kept, { key: DIGEST_ANNOTATION, value: digest }] },
  };
}

/** The `soe-digest` annotation of an entity as OpenWhisk lists or describes it; "" without one. */
export function digestOf(entity: Readonly<Record<string, unknown>>): string {
  const { annotations } = entity;
  if (!Array.isArray(annotations)) return "";
  const found = annotations.find(
    (annotation) => isKeyValue(annotation) && annotation.key === DIGEST_ANNOTATION,
  ) as { value: unknown } | undefined;
  return typeof found?.value === "string" ? found.value : "";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isKeyValue(value: unknown): value is { key: string; value: unknown } {
  return isObject(value) && typeof value.key === "string";
}
