/** A positive number of seconds from the environment, or `fallback` when unset or empty. */
export function secondsFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`${name} must be a positive number of seconds, got "${raw}"`);
  }
  return seconds;
}

/** A positive integer from the environment, or `fallback` when unset or empty. */
export function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const count = Number(raw);
  if (!Number.isInteger(count) || count <= 0) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return count;
}
