import { describe, expect, it } from "vitest";
import { newTransactionId, transactionIdFrom } from "./transaction-id.js";

describe("transaction ids", () => {
  it("mints 32 alphanumeric characters", () => {
    expect(newTransactionId()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(newTransactionId()).not.toBe(newTransactionId());
  });

  it("reuses a sane caller id and replaces anything else", () => {
    expect(transactionIdFrom("abc-123")).toBe("abc-123");
    expect(transactionIdFrom(undefined)).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(transactionIdFrom("has space")).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(transactionIdFrom("x".repeat(300))).toHaveLength(32);
  });
});
