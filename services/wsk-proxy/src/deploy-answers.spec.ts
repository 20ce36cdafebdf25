import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorText } from "@soe/openwhisk";
import { soev1 } from "@soe/proto";
import { describe, expect, it } from "vitest";
import {
  appliedHeader,
  isNotDomainEntity,
  partialRefusal,
  refusalOf,
  routesReadyHeader,
} from "./deploy-answers.js";
import { EdgeErrorText } from "./error-texts.js";

const outcome = (targeted: number, applied: number, failures: string[] = []) =>
  create(soev1.ApplyOutcomeSchema, { targeted, applied, failures, routesReady: true });

describe("refusalOf", () => {
  it("answers the controller's codes with OpenWhisk's statuses and texts", () => {
    const cases: Array<[Code, number, string]> = [
      [Code.AlreadyExists, 409, ErrorText.alreadyExists],
      [Code.NotFound, 404, ErrorText.notFound],
      [Code.Unavailable, 503, ErrorText.unavailable],
      [Code.DeadlineExceeded, 504, EdgeErrorText.domainTimeout],
      [Code.Unimplemented, 501, EdgeErrorText.noDeployment],
      [Code.PermissionDenied, 500, ErrorText.internal],
      [Code.Unauthenticated, 500, ErrorText.internal],
      [Code.Internal, 500, ErrorText.internal],
    ];
    for (const [code, status, error] of cases) {
      expect(refusalOf(new ConnectError("from the controller", code))).toMatchObject({
        status,
        error,
      });
    }
  });

  it("counts a wrong token as the proxy's fault, not the client's", () => {
    expect(refusalOf(new ConnectError("bad token", Code.Unauthenticated)).ours).toBe(true);
    expect(refusalOf(new ConnectError("exists", Code.AlreadyExists)).ours).toBe(false);
  });

  it("passes the controller's reason for refusing a document, bounded", () => {
    const refused = refusalOf(new ConnectError("x".repeat(2000), Code.InvalidArgument));
    expect([refused.status, refused.error.length]).toEqual([400, 500]);
  });

  it("takes anything else thrown as an internal error", () => {
    expect(refusalOf(new TypeError("bug"))).toMatchObject({ status: 500, ours: true });
  });
});

describe("isNotDomainEntity", () => {
  it("is true for NOT_FOUND and for a controller without deployments only", () => {
    expect(isNotDomainEntity(new ConnectError("", Code.NotFound))).toBe(true);
    expect(isNotDomainEntity(new ConnectError("", Code.Unimplemented))).toBe(true);
    expect(isNotDomainEntity(new ConnectError("", Code.Unavailable))).toBe(false);
    expect(isNotDomainEntity(new Error("x"))).toBe(false);
  });
});

describe("outcomes", () => {
  it("is no refusal when every targeted installation applied it, none targeted included", () => {
    expect(partialRefusal(outcome(2, 2), "applied")).toBeUndefined();
    expect(partialRefusal(outcome(0, 0), "applied")).toBeUndefined();
    expect(partialRefusal(undefined, "applied")).toBeUndefined();
  });

  it("is a 502 naming how far it went and each failure when some installation missed it", () => {
    expect(partialRefusal(outcome(3, 1, ["a:1 unreachable", "b:2 refused"]), "removed")).toEqual({
      status: 502,
      error:
        "The entity was removed from 1 of 3 installations; the domain keeps retrying the others. a:1 unreachable; b:2 refused",
      ours: false,
    });
  });

  it("writes applied/targeted and the routes' readiness in headers", () => {
    expect(appliedHeader(outcome(2, 1))).toBe("1/2");
    expect(appliedHeader(undefined)).toBe("0/0");
    expect(routesReadyHeader(outcome(2, 1))).toBe("true");
    expect(routesReadyHeader(undefined)).toBe("false");
  });
});
