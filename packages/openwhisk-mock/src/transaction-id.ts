import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Modern controllers mint 32 alphanumeric characters; clients treat the value as opaque. */
export function newTransactionId(): string {
  const bytes = randomBytes(32);
  let id = "";
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

/** A caller's `X-Request-ID` is reused as the transaction id, as the controller does. */
export function transactionIdFrom(header: string | undefined): string {
  const offered = header?.trim() ?? "";
  return offered.length > 0 && offered.length <= 256 && /^[\x21-\x7e]+$/.test(offered)
    ? offered
    : newTransactionId();
}
