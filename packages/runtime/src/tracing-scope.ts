import { AsyncLocalStorage } from "node:async_hooks";
import type { TraceSpan } from "./tracing.js";

/**
 * The span of the request being served, for code several calls away that cannot be handed it
 * (the proxy's invoker, reached from an HTTP route through other modules). Only with tracing on:
 * the AsyncLocalStorage is made on first use, so a process with tracing off never pays for the
 * async hooks it turns on. Hops that can pass their span as a parameter do so instead.
 */
let storage: AsyncLocalStorage<TraceSpan> | undefined;

/** Runs `fn` with `span` as the active span of everything it starts; `fn` alone without one. */
export function runWithSpan<T>(span: TraceSpan | undefined, fn: () => T): T {
  if (span === undefined) return fn();
  storage ??= new AsyncLocalStorage<TraceSpan>();
  return storage.run(span, fn);
}

/** The span `runWithSpan` made active here, if any. */
export function activeSpan(): TraceSpan | undefined {
  return storage?.getStore();
}
