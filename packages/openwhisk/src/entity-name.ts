/**
 * OpenWhisk's rule for one entity name segment (namespace, package, action): a word character
 * first, then word characters, space, `@ . & -`, never ending in a space, at most 256 characters.
 * `\w` is ASCII-only here, as in the Java regex the controller uses.
 */
const ENTITY_NAME = /^(?:\w|\w[\w@ .&-]{0,254}[\w@.&-])$/;

export const MAX_ENTITY_NAME_LENGTH = 256;

export type EntityNameProblem = "empty" | "too-long" | "illegal-characters";

/** Why `segment` is not a valid entity name, or undefined when it is. */
export function entityNameProblem(segment: string): EntityNameProblem | undefined {
  if (segment.length === 0) return "empty";
  if (segment.length > MAX_ENTITY_NAME_LENGTH) return "too-long";
  return ENTITY_NAME.test(segment) ? undefined : "illegal-characters";
}

export function isEntityName(segment: string): boolean {
  return entityNameProblem(segment) === undefined;
}

/** The controller's 400 texts for a bad segment (the "segement" typo is OpenWhisk's own). */
export function entityNameErrorText(segment: string): string {
  return segment.length > MAX_ENTITY_NAME_LENGTH
    ? `Name segement longer than allowed: ${segment.length} > ${MAX_ENTITY_NAME_LENGTH}.`
    : "The name of the entity contains illegal characters.";
}
