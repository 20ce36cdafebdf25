import { setTimeout as sleep } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import {
  EdgeComputer,
  EdgeController,
  EdgeServer,
  type LambdaRequest,
  LambdaResponseSchema,
  UtilizationSchema,
} from "@soe/proto";
import type { Routes } from "../src/service-registry.js";

/**
 * A test EdgeServer whose behaviour is chosen by the lambda name, so every protocol can be held
 * to the same expectations:
 * - "echo": output = input upper-cased, hops + 1
 * - "fail": ConnectError InvalidArgument with metadata x-why: because
 * - "crash": a plain Error thrown (becomes Internal)
 * - "slow": waits `input` ms (or until cancelled)
 * - "meta": output = request header x-req; sets response header x-resp and trailer x-trail
 */
export async function runLambda(req: LambdaRequest, ctx: HandlerContext) {
  switch (req.name) {
    case "fail":
      throw new ConnectError("lambda refused", Code.InvalidArgument, { "x-why": "because" });
    case "crash":
      throw new Error("boom");
    case "slow":
      await sleep(Number(req.input), undefined, { signal: ctx.signal }).catch(() => undefined);
      return { retcode: "OK", output: "slept" };
    case "meta":
      ctx.responseHeader.set("x-resp", "header-value");
      ctx.responseTrailer.set("x-trail", "trailer-value");
      return { retcode: "OK", output: ctx.requestHeader.get("x-req") ?? "" };
    default:
      return create(LambdaResponseSchema, {
        retcode: "OK",
        output: req.input.toUpperCase(),
        responder: "test",
        hops: req.hops + 1,
        dataout: req.datain,
      });
  }
}

function syncThrow(): never {
  throw new ConnectError("thrown synchronously", Code.FailedPrecondition);
}

/** EdgeServer + EdgeComputer.StreamUtil (3 samples, or an error after 2 if x-fail is set). */
export const testRoutes: Routes = (router) => {
  router.service(EdgeServer, {
    runLambda: (req, ctx) => (req.name === "sync-crash" ? syncThrow() : runLambda(req, ctx)),
  });
  router.service(EdgeComputer, {
    async *streamUtil(_req, ctx) {
      for (let i = 1; i <= 3; i++) {
        if (i === 3 && ctx.requestHeader.get("x-fail") !== null) {
          throw new ConnectError("sampler stopped", Code.Unavailable);
        }
        yield create(UtilizationSchema, { values: { arm: i / 10 } });
      }
    },
  });
  router.service(EdgeController, {
    announceComputer: () => ({}),
    announceRouter: () => ({}),
    removeComputer: () => ({}),
  });
};
