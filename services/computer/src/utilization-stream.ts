import { create } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { type Utilization, UtilizationSchema } from "@soe/proto";
import type { UtilizationMonitor } from "./utilization-monitor.js";

/** Samples kept for a subscriber that reads slowly; older ones are dropped. */
const MAX_BACKLOG = 60;

/**
 * `EdgeComputer.StreamUtil` (reference §1.5, §5.4): one `Utilization` per sample of the monitor,
 * until the client goes away or the server closes (`closing`), whichever comes first; then the
 * stream ends with status OK.
 */
export function utilizationService(
  monitor: UtilizationMonitor,
  closing: AbortSignal,
): { streamUtil(request: unknown, context: HandlerContext): AsyncIterable<Utilization> } {
  return {
    async *streamUtil(_request, context) {
      const backlog: ReadonlyMap<string, number>[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = monitor.subscribe((values) => {
        backlog.push(values);
        if (backlog.length > MAX_BACKLOG) backlog.shift();
        wake?.();
      });
      const stop = () => wake?.();
      context.signal.addEventListener("abort", stop);
      closing.addEventListener("abort", stop);
      try {
        while (!context.signal.aborted && !closing.aborted) {
          const values = backlog.shift();
          if (values === undefined) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
            continue;
          }
          yield create(UtilizationSchema, { values: Object.fromEntries(values) });
        }
      } finally {
        unsubscribe();
        context.signal.removeEventListener("abort", stop);
        closing.removeEventListener("abort", stop);
      }
    },
  };
}
