import { describe, expect, it } from "vitest";
import {
  ActivationStatus,
  activationStatusCode,
  activationStatusOfCode,
  blockingInvokeHttpStatus,
  isActivationStatus,
} from "./activation-status.js";

describe("activation status", () => {
  it("numbers the statuses as the controller does", () => {
    expect(activationStatusCode(ActivationStatus.success)).toBe(0);
    expect(activationStatusCode(ActivationStatus.applicationError)).toBe(1);
    expect(activationStatusCode(ActivationStatus.developerError)).toBe(2);
    expect(activationStatusCode(ActivationStatus.internalError)).toBe(3);
    expect(activationStatusOfCode(2)).toBe("action developer error");
  });

  it("maps blocking outcomes to 200, 502, 502, 500", () => {
    expect(blockingInvokeHttpStatus("success")).toBe(200);
    expect(blockingInvokeHttpStatus("application error")).toBe(502);
    expect(blockingInvokeHttpStatus("action developer error")).toBe(502);
    expect(blockingInvokeHttpStatus("whisk internal error")).toBe(500);
  });

  it("knows only the spaced strings", () => {
    expect(isActivationStatus("application error")).toBe(true);
    expect(isActivationStatus("application_error")).toBe(false);
    expect(isActivationStatus(1)).toBe(false);
  });
});
