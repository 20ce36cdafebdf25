import { GUEST_KEY } from "@soe/openwhisk";

export interface OpenWhiskMockOptions {
  /** API keys (`uuid:key`) by namespace. Default: the guest key for `guest`. */
  readonly keys?: Readonly<Record<string, string | readonly string[]>>;
  /** Sample actions created in every namespace at start (see `sampleActionNames`). */
  readonly preload?: readonly string[];
  /** Time limit of actions created without `limits.timeout` (OpenWhisk: 60000). */
  readonly actionTimeLimitMs?: number;
  /** Longest blocking wait before a 202 (OpenWhisk: 60000; the `timeout` query can only shorten it). */
  readonly maxBlockingWaitMs?: number;
  /** Largest invocation payload (OpenWhisk: 1 MiB); larger ones get 413. */
  readonly maxBodyBytes?: number;
  /** Largest action/package definition accepted by PUT. */
  readonly maxEntityBytes?: number;
  /** Largest action result (OpenWhisk: 1 MiB); larger ones become application errors. */
  readonly maxResultBytes?: number;
  /** Log bytes kept per activation (OpenWhisk: 10 MB). */
  readonly maxLogBytes?: number;
  /** Activations kept; the oldest are forgotten first. */
  readonly maxActivations?: number;
  /** Epoch milliseconds; injectable so records are deterministic in tests. */
  readonly clock?: () => number;
  /** Aborting it ends running activations and releases the runner's process hook. */
  readonly signal?: AbortSignal;
}

export interface ResolvedMockOptions {
  readonly keys: ReadonlyMap<string, readonly string[]>;
  readonly preload: readonly string[];
  readonly actionTimeLimitMs: number;
  readonly maxBlockingWaitMs: number;
  readonly maxBodyBytes: number;
  readonly maxEntityBytes: number;
  readonly maxResultBytes: number;
  readonly maxLogBytes: number;
  readonly maxActivations: number;
  readonly clock: () => number;
}

const MIB = 1024 * 1024;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be positive, got ${value}`);
  return value;
}

export function resolveMockOptions(options: OpenWhiskMockOptions = {}): ResolvedMockOptions {
  const keys = new Map<string, readonly string[]>();
  for (const [namespace, value] of Object.entries(options.keys ?? { guest: GUEST_KEY })) {
    keys.set(namespace, typeof value === "string" ? [value] : [...value]);
  }
  return {
    keys,
    preload: options.preload ?? [],
    actionTimeLimitMs: positive("actionTimeLimitMs", options.actionTimeLimitMs ?? 60_000),
    maxBlockingWaitMs: positive("maxBlockingWaitMs", options.maxBlockingWaitMs ?? 60_000),
    maxBodyBytes: positive("maxBodyBytes", options.maxBodyBytes ?? MIB),
    maxEntityBytes: positive("maxEntityBytes", options.maxEntityBytes ?? 8 * MIB),
    maxResultBytes: positive("maxResultBytes", options.maxResultBytes ?? MIB),
    maxLogBytes: positive("maxLogBytes", options.maxLogBytes ?? MIB),
    maxActivations: positive("maxActivations", options.maxActivations ?? 10_000),
    clock: options.clock ?? Date.now,
  };
}
