import { create } from "@bufbuild/protobuf";
import { DagSchema, LambdaRequestSchema } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { requestedFunction } from "./lambda-request.js";

const request = (init: Parameters<typeof create<typeof LambdaRequestSchema>>[1]) =>
  create(LambdaRequestSchema, init);

describe("requestedFunction (reference §5.3)", () => {
  it("runs the named function of a plain request", () => {
    expect(requestedFunction(request({ name: "clambda0" }))).toEqual({
      ok: true,
      name: "clambda0",
    });
  });

  it("runs the function at nextFunctionIndex of a one-function chain or DAG", () => {
    expect(requestedFunction(request({ name: "x", chain: ["f0"] }))).toEqual({
      ok: true,
      name: "f0",
    });
    const dag = create(DagSchema, { names: ["g0"] });
    expect(requestedFunction(request({ name: "x", dag }))).toEqual({ ok: true, name: "g0" });
  });

  it("refuses a chain together with a DAG", () => {
    const dag = create(DagSchema, { names: ["g0"] });
    expect(requestedFunction(request({ chain: ["f0"], dag }))).toMatchObject({ ok: false });
  });

  it("refuses a multi-function chain or DAG without callback or uuid", () => {
    expect(requestedFunction(request({ chain: ["f0", "f1"] }))).toMatchObject({
      ok: false,
      retcode: expect.stringContaining("needs a callback"),
    });
    const dag = create(DagSchema, { names: ["g0", "g1"] });
    expect(requestedFunction(request({ dag, callback: "cb:1" }))).toMatchObject({
      ok: false,
      retcode: expect.stringContaining("needs a uuid"),
    });
  });

  it("refuses an index beyond the chain", () => {
    expect(requestedFunction(request({ chain: ["f0"], nextFunctionIndex: 1 }))).toMatchObject({
      ok: false,
      retcode: expect.stringContaining("next function index 1"),
    });
  });
});
