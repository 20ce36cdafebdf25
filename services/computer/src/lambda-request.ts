import type { LambdaRequest } from "@soe/proto";

/** Reference §5.3: a computer without async support answers a callback request with this. */
export const ASYNC_UNSUPPORTED = "Cannot handle an asynchronous function invocation";

/** The function a request asks this computer to run, or the retcode that refuses it. */
export type RequestedFunction =
  | { readonly ok: true; readonly name: string }
  | { readonly ok: false; readonly retcode: string };

/**
 * Reference §5.3's validation, then the function to run: `name`, or for a chain or DAG the
 * function at `nextFunctionIndex`. We have no asynchronous mode (no callbacks, no companion
 * router), so only single-function chains and DAGs can run here; the texts of the reference's
 * other validation errors are not documented, these are ours.
 */
export function requestedFunction(request: LambdaRequest): RequestedFunction {
  const chain = request.chain;
  const dag = request.dag?.names ?? [];
  if (chain.length > 0 && dag.length > 0) {
    return { ok: false, retcode: "invalid request: it has both a chain and a DAG" };
  }
  const functions = chain.length > 0 ? chain : dag;
  if (functions.length === 0) return { ok: true, name: request.name };
  if (functions.length > 1 && request.callback === "") {
    return {
      ok: false,
      retcode: `invalid request: a ${chain.length > 0 ? "chain" : "DAG"} of ${functions.length} functions needs a callback`,
    };
  }
  if (dag.length > 1 && request.uuid === "") {
    return { ok: false, retcode: "invalid request: a DAG of more than one function needs a uuid" };
  }
  const name = functions[request.nextFunctionIndex];
  if (name === undefined) {
    return {
      ok: false,
      retcode: `invalid request: next function index ${request.nextFunctionIndex} beyond the ${chain.length > 0 ? "chain" : "DAG"} of ${functions.length} functions`,
    };
  }
  return { ok: true, name };
}
