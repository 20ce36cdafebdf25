import { randomUUID } from "node:crypto";
import { activationIdLength, ErrorText } from "./error-texts.js";

const ACTIVATION_ID = /^[0-9a-fA-F]{32}$/;

/** 32 hex characters; the controller answers 400 on anything else. */
export function isActivationId(value: string): boolean {
  return ACTIVATION_ID.test(value);
}

/** The controller's 400 text for an `{id}` of an activation path, or undefined for a valid id. */
export function activationIdErrorText(value: string): string | undefined {
  if (value.length !== 32) return activationIdLength(value.length);
  return isActivationId(value) ? undefined : ErrorText.invalidActivationId;
}

/** A UUID v4 without dashes, lowercase, as OpenWhisk mints them. */
export function newActivationId(): string {
  return randomUUID().replaceAll("-", "");
}
