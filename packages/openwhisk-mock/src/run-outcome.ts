import { ActivationStatus } from "@soe/openwhisk";
import type { LogCollector } from "./log-collector.js";

/** How an activation ended, as the harness (or the host, for time and shutdown) reports it. */
export type RunReport =
  | "result"
  | "init-failed"
  | "threw"
  | "not-a-dictionary"
  | "uncaught"
  | "unhandled-rejection"
  | "timeout"
  | "shutdown";

export interface RunOutcome {
  readonly status: ActivationStatus;
  /** A JSON value: the action's result, or `{error}` when it failed. */
  readonly result: unknown;
  /** Characters of the serialized result. */
  readonly size: number;
  readonly timedOut: boolean;
  readonly logs: readonly string[];
}

export interface OutcomeLimits {
  readonly timeoutMs: number;
  readonly maxResultBytes: number;
}

function failed(
  status: ActivationStatus,
  error: string,
  logs: LogCollector,
  timedOut = false,
): RunOutcome {
  const result = { error };
  return { status, result, size: JSON.stringify(result).length, timedOut, logs: logs.lines };
}

/** What the invoker makes of a result text: too big, the action's own error, or success. */
function fromResult(text: string, limits: OutcomeLimits, logs: LogCollector): RunOutcome {
  const bytes = Buffer.byteLength(text);
  if (bytes > limits.maxResultBytes) {
    return failed(
      ActivationStatus.applicationError,
      `The action produced a response that exceeded the allowed length: ${bytes} > ${limits.maxResultBytes} bytes.`,
      logs,
    );
  }
  const result: unknown = JSON.parse(text);
  // An object result with an `error` key is how an action reports its own failure.
  const isError =
    typeof result === "object" && result !== null && !Array.isArray(result) && "error" in result;
  return {
    status: isError ? ActivationStatus.applicationError : ActivationStatus.success,
    result,
    size: text.length,
    timedOut: false,
    logs: logs.lines,
  };
}

/** The outcome of a report, with OpenWhisk's and the Node.js runtime's texts. */
export function runOutcome(
  report: RunReport,
  text: string,
  limits: OutcomeLimits,
  logs: LogCollector,
): RunOutcome {
  switch (report) {
    case "result":
      return fromResult(text, limits, logs);
    case "init-failed":
      return failed(
        ActivationStatus.developerError,
        `Initialization has failed due to: ${text}`,
        logs,
      );
    case "threw":
      return failed(ActivationStatus.developerError, `An error has occurred: ${text}`, logs);
    case "not-a-dictionary":
      logs.write("stderr", `Result must be of type object but has type "${text}"`);
      return failed(
        ActivationStatus.developerError,
        "The action did not return a dictionary.",
        logs,
      );
    case "uncaught":
    case "unhandled-rejection":
      // The runtime's process dies here; the invoker sees no answer at all.
      logs.write(
        "stderr",
        `${report === "uncaught" ? "Uncaught" : "Unhandled rejection"}: ${text}`,
      );
      return failed(
        ActivationStatus.developerError,
        "The action did not produce a valid response and exited unexpectedly.",
        logs,
      );
    case "timeout":
      return failed(
        ActivationStatus.developerError,
        `The action exceeded its time limits of ${limits.timeoutMs} milliseconds.`,
        logs,
        true,
      );
    case "shutdown":
      return failed(ActivationStatus.internalError, "The system is shutting down.", logs);
  }
}
