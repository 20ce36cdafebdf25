import { create } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import {
  type ActionName,
  type InvokeOptions,
  type InvokeOutcome,
  OpenWhiskHttpError,
  OpenWhiskUnreachableError,
} from "@soe/openwhisk";
import { LambdaRequestSchema } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { captureLogs } from "../test/log-capture.js";
import { blockingWaitMs, WskLambdaHandler } from "./wsk-lambda-handler.js";

const ID = "0123456789abcdef0123456789abcdef";
const ROOT = "http://ow1:3233";

interface Seen {
  name: ActionName;
  params: unknown;
  options: InvokeOptions | undefined;
}

/** A handler over a fake client that answers `answer`, with a clock that moves 7 ms per call. */
function handler(answer: () => Promise<InvokeOutcome>) {
  const seen: Seen[] = [];
  const suspects: string[] = [];
  let now = 1000;
  const made = new WskLambdaHandler({
    client: {
      invoke: (name, params, options) => {
        seen.push({ name: name as ActionName, params, options });
        return answer();
      },
    },
    responder: ROOT,
    timeoutMs: 60_000,
    graceMs: 5_000,
    logger: captureLogs().logger,
    clock: () => {
      now += 7;
      return now;
    },
    onSuspect: (name, outcome) => suspects.push(`${outcome} ${name}`),
  });
  return { handler: made, seen, suspects };
}

const success = async (): Promise<InvokeOutcome> => ({
  kind: "result",
  status: 200,
  activationId: ID,
  body: { payload: "hi" },
});

const request = (fields: Parameters<typeof create<typeof LambdaRequestSchema>>[1]) =>
  create(LambdaRequestSchema, fields);

describe("blockingWaitMs", () => {
  it("asks OpenWhisk for our timeout, at most its 60 s", () => {
    expect(blockingWaitMs(5_000, undefined)).toBe(5_000);
    expect(blockingWaitMs(90_000, undefined)).toBe(60_000);
  });

  it("ends the wait before the caller's deadline, but waits at least 1 ms", () => {
    expect(blockingWaitMs(60_000, 2_000)).toBe(1_500);
    expect(blockingWaitMs(60_000, 8_000)).toBe(7_200);
    expect(blockingWaitMs(60_000, 30_000)).toBe(29_000);
    expect(blockingWaitMs(1_000, 30_000)).toBe(1_000);
    expect(blockingWaitMs(60_000, 100)).toBe(1);
  });
});

describe("WskLambdaHandler", () => {
  it("invokes blocking without result, with the input as parameters, and answers hops + 1", async () => {
    const { handler: h, seen } = handler(success);
    const response = await h.run(
      request({ name: "/guest/pkg/copy", input: '{"input":"hi"}', hops: 2 }),
    );
    expect(response).toEqual({
      retcode: "OK",
      output: '{"payload":"hi"}',
      responder: ROOT,
      ptime: 7,
      hops: 3,
    });
    expect(seen).toEqual([
      {
        name: { namespace: "guest", packageName: "pkg", name: "copy" },
        params: { input: "hi" },
        options: { blocking: true, result: false, waitMs: 60_000, timeoutMs: 65_000 },
      },
    ]);
  });

  it("shortens the wait to the caller's deadline", async () => {
    const { handler: h, seen } = handler(success);
    const context = { timeoutMs: () => 3_000 } as HandlerContext;
    await h.run(request({ name: "/guest/copy" }), context);
    expect(seen[0]?.options).toMatchObject({ waitMs: 2_500, timeoutMs: 7_500 });
  });

  it("passes names without a namespace on as _, for OpenWhisk to resolve", async () => {
    const { handler: h, seen } = handler(success);
    await h.run(request({ name: "copy" }));
    await h.run(request({ name: "/_/copy" }));
    expect(seen.map((s) => s.name)).toEqual([
      { namespace: "_", name: "copy" },
      { namespace: "_", name: "copy" },
    ]);
  });

  it("answers dry requests without invoking, with ptime 0", async () => {
    const { handler: h, seen } = handler(success);
    expect(await h.run(request({ name: "/guest/copy", dry: true, hops: 0 }))).toEqual({
      retcode: "OK",
      output: "",
      responder: ROOT,
      ptime: 0,
      hops: 1,
    });
    expect(seen).toEqual([]);
  });

  it("refuses bad names and inputs before calling, still with hops + 1", async () => {
    const { handler: h, seen } = handler(success);
    const badName = await h.run(request({ name: "/a/b/c/d", hops: 4 }));
    expect(badName.retcode).toBe(
      "wsk:bad_request 400: invalid action name '/a/b/c/d': at most namespace, package and action are allowed",
    );
    expect(badName.hops).toBe(5);
    const badInput = await h.run(request({ name: "/guest/copy", input: "[1]" }));
    expect(badInput.retcode).toBe(
      "wsk:bad_request 400: the input must be a JSON object of parameters, not an array",
    );
    expect(seen).toEqual([]);
  });

  it("tells of a missing action and of an unreachable server, and nothing else", async () => {
    let answer: () => Promise<InvokeOutcome> = () =>
      Promise.reject(
        new OpenWhiskHttpError("POST", ROOT, 404, {
          error: "The requested resource does not exist.",
          code: "t",
        }),
      );
    const { handler: h, suspects } = handler(() => answer());
    const missing = await h.run(request({ name: "/guest/gone" }));
    expect(missing.retcode).toBe("wsk:not_found 404: The requested resource does not exist.");
    answer = () =>
      Promise.reject(new OpenWhiskUnreachableError("POST", ROOT, new Error("ECONNRESET")));
    const down = await h.run(request({ name: "/guest/copy" }));
    expect(down.retcode).toBe(`wsk:unreachable: OpenWhisk POST ${ROOT} is unreachable: ECONNRESET`);
    answer = success;
    await h.run(request({ name: "/guest/copy" }));
    expect(suspects).toEqual(["not_found /guest/gone", "unreachable /guest/copy"]);
  });

  it("turns an unexpected failure into a retcode, never an RPC error", async () => {
    const { handler: h } = handler(() => Promise.reject(new TypeError("bug")));
    expect((await h.run(request({ name: "/guest/copy" }))).retcode).toBe("wsk:computer_error: bug");
  });
});
