import { describe, expect, it } from "vitest";
import { classifyInvokeResponse } from "./invoke-outcome.js";

const id = "c7bb1339cb4f40e3a6ccead6c99f804e";
const record = {
  activationId: id,
  namespace: "guest",
  name: "fail",
  response: { status: "application error", success: false, result: { error: "boom" } },
};

describe("classifyInvokeResponse", () => {
  it("reads 202 as accepted, from the body or the header", () => {
    expect(
      classifyInvokeResponse({
        status: 202,
        activationIdHeader: id,
        json: { activationId: id },
        resultRequested: false,
      }),
    ).toEqual({
      ok: true,
      outcome: { kind: "accepted", status: 202, activationId: id, body: { activationId: id } },
    });
    const fromHeader = classifyInvokeResponse({
      status: 202,
      activationIdHeader: id,
      json: undefined,
      resultRequested: true,
    });
    expect(fromHeader.ok && fromHeader.outcome.activationId).toBe(id);
  });

  it("reads a 502 with an activation as an outcome, not an error", () => {
    const classified = classifyInvokeResponse({
      status: 502,
      activationIdHeader: id,
      json: record,
      resultRequested: false,
    });
    expect(classified).toMatchObject({ ok: true, outcome: { kind: "activation", status: 502 } });
  });

  it("reads a 502 result body with result=true", () => {
    const classified = classifyInvokeResponse({
      status: 502,
      activationIdHeader: id,
      json: { error: "boom" },
      resultRequested: true,
    });
    expect(classified).toEqual({
      ok: true,
      outcome: { kind: "result", status: 502, activationId: id, body: { error: "boom" } },
    });
  });

  it("tells a platform 500 {error, code} from a whisk internal error activation", () => {
    expect(
      classifyInvokeResponse({
        status: 500,
        activationIdHeader: undefined,
        json: { error: "There was an internal server error.", code: "tid" },
        resultRequested: false,
      }),
    ).toEqual({
      ok: false,
      failure: "http",
      errorBody: { error: "There was an internal server error.", code: "tid" },
    });
    expect(
      classifyInvokeResponse({
        status: 500,
        activationIdHeader: id,
        json: { error: "internal" },
        resultRequested: true,
      }),
    ).toMatchObject({ ok: true, outcome: { kind: "result", status: 500 } });
  });

  it("treats a gateway's 502 page as an HTTP error", () => {
    expect(
      classifyInvokeResponse({
        status: 502,
        activationIdHeader: undefined,
        json: undefined,
        resultRequested: true,
      }),
    ).toEqual({ ok: false, failure: "http", errorBody: undefined });
  });

  it("returns 4xx as HTTP errors with their body", () => {
    const body = { error: "The requested resource does not exist.", code: "x" };
    expect(
      classifyInvokeResponse({
        status: 404,
        activationIdHeader: undefined,
        json: body,
        resultRequested: false,
      }),
    ).toEqual({ ok: false, failure: "http", errorBody: body });
  });

  it("reads a bare array result even without result=true", () => {
    expect(
      classifyInvokeResponse({
        status: 200,
        activationIdHeader: id,
        json: [1, 2],
        resultRequested: false,
      }),
    ).toMatchObject({ ok: true, outcome: { kind: "result", body: [1, 2] } });
  });

  it("refuses a 202 that names no activation", () => {
    expect(
      classifyInvokeResponse({
        status: 202,
        activationIdHeader: undefined,
        json: {},
        resultRequested: false,
      }),
    ).toMatchObject({ ok: false, failure: "protocol" });
  });
});
