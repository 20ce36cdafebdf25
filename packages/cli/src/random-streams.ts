import { mulberry32, type Rng } from "@soe/reference";

/** What a stream of random numbers is for: each has its own, so one never shifts another. */
export const RandomStream = { sizes: 0, pacing: 1, destinations: 2 } as const;
export type RandomStream = (typeof RandomStream)[keyof typeof RandomStream];

/**
 * An independent generator per (seed, client, purpose), as the reference seeds each client's
 * variables with (`--seed`, thread index, stream): the same seed replays the same sizes and gaps,
 * and adding a client does not change the draws of the others.
 */
export function randomStream(seed: number, client: number, stream: RandomStream): Rng {
  // Mix the three numbers into one 32-bit seed (multiply-xorshift, as in murmur3's finaliser).
  let h = Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(client + 1, 0x85ebca6b);
  h = Math.imul(h ^ Math.imul(stream + 1, 0xc2b2ae35), 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return mulberry32(h >>> 0);
}
