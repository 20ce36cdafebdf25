import { randomUUID } from "node:crypto";

const ACTIVATION_ID = /^[0-9a-fA-F]{32}$/;

/** 32 hex characters; the controller answers 400 on anything else. */
export function isActivationId(value: string): boolean {
  return ACTIVATION_ID.test(value);
}

/** A UUID v4 without dashes, lowercase, as OpenWhisk mints them. */
export function newActivationId(): string {
  return randomUUID().replaceAll("-", "");
}
