/**
 * How fast a policy's split follows a change (case 3 of the routing bench): the share of calls
 * each computer got over sliding windows, and the time from the change until that split is back
 * near the new best split and stays there.
 */

/** A call the router placed: when it arrived and the index of the computer that answered. */
export interface RoutedCall {
  readonly atMs: number;
  readonly computer: number;
}

export interface SplitWindow {
  /** The window covers arrivals in [endMs − windowMs, endMs). */
  readonly endMs: number;
  readonly calls: number;
  /** Share of the window's calls per computer, 0-1 (NaN when the window is empty). */
  readonly shares: readonly number[];
}

export interface SplitWindowOptions {
  readonly computers: number;
  readonly windowMs: number;
  /** How far apart consecutive windows end. */
  readonly slideMs: number;
  /** The first window ends at fromMs + slideMs, the last at or before toMs. */
  readonly fromMs: number;
  readonly toMs: number;
}

/** The split over sliding windows; `calls` sorted by arrival. */
export function splitOverWindows(
  calls: readonly RoutedCall[],
  options: SplitWindowOptions,
): SplitWindow[] {
  const { computers, windowMs, slideMs, fromMs, toMs } = options;
  if (!(slideMs > 0) || !(windowMs > 0)) throw new Error("window and slide must be positive");
  const windows: SplitWindow[] = [];
  const counts = new Array<number>(computers).fill(0);
  // Two cursors over the sorted calls: [tail, head) is the current window.
  let head = 0;
  let tail = 0;
  for (let end = fromMs + slideMs; end <= toMs + 1e-9; end += slideMs) {
    for (; head < calls.length && (calls[head] as RoutedCall).atMs < end; head++) {
      const c = (calls[head] as RoutedCall).computer;
      counts[c] = (counts[c] ?? 0) + 1;
    }
    for (; tail < head && (calls[tail] as RoutedCall).atMs < end - windowMs; tail++) {
      const c = (calls[tail] as RoutedCall).computer;
      counts[c] = (counts[c] ?? 0) - 1;
    }
    const total = head - tail;
    windows.push({
      endMs: end,
      calls: total,
      shares: counts.map((n) => (total === 0 ? Number.NaN : n / total)),
    });
  }
  return windows;
}

/** The largest gap, in share points, between a window's split and the target split. */
export function splitDistance(shares: readonly number[], target: readonly number[]): number {
  let worst = 0;
  target.forEach((t, i) => {
    const share = shares[i] ?? Number.NaN;
    worst = Number.isNaN(share) ? Number.POSITIVE_INFINITY : Math.max(worst, Math.abs(share - t));
  });
  return worst;
}

export interface RecoveryOptions {
  /** The instant of the change. */
  readonly changeMs: number;
  /** The best split after the change, shares 0-1. */
  readonly target: readonly number[];
  /** Within tolerance: every computer's share is within this many share points of the target. */
  readonly tolerance: number;
  /** The split must then stay within tolerance this long to count as recovered. */
  readonly holdMs: number;
}

/**
 * Milliseconds from the change to the end of the first window (ending after the change) whose
 * split is within tolerance and stays so in every window ending in the next `holdMs`; undefined
 * when that never happens in the windows given (or too late to see it hold). Windows straddling
 * the change count, so a policy that switches at once still shows ~0.8 windows of delay at a
 * 10-point tolerance from a 100/0 to a 50/50 split: the floor of the measure.
 */
export function recoveryTimeMs(
  windows: readonly SplitWindow[],
  options: RecoveryOptions,
): number | undefined {
  const { changeMs, target, tolerance, holdMs } = options;
  const after = windows.filter((w) => w.endMs > changeMs);
  const last = after[after.length - 1];
  if (last === undefined) return undefined;
  const within = after.map((w) => splitDistance(w.shares, target) <= tolerance);
  let runStart: number | undefined;
  for (let i = 0; i < after.length; i++) {
    const window = after[i] as SplitWindow;
    if (!within[i]) {
      runStart = undefined;
      continue;
    }
    runStart ??= i;
    const first = after[runStart] as SplitWindow;
    if (window.endMs - first.endMs >= holdMs) return first.endMs - changeMs;
  }
  return undefined;
}
