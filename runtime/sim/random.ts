// The simulator's only source of chance: a seeded pseudo-random generator.
// In: a 32-bit seed (and, for sub-streams, a label). Out: floats in [0, 1), integers in a
// closed range, coin flips. The same seed always gives the same sequence, on every machine.
// Why our own and not Math.random: a schedule must be replayable from its seed alone, and the
// nodes' own randomness (random(), uuid()) must not shift when the network draws one number
// more, so each concern gets its own stream, derived from the run's seed and a name.

/** mulberry32: small, fast, and good enough to shuffle a network; not for cryptography. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next 32-bit unsigned integer. */
  nextWord(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextWord() / 4294967296;
  }

  /** An integer in [min, max], both included (min when max < min). */
  integer(min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p` (never for p <= 0, always for p >= 1, and then draws nothing). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < p;
  }
}

/**
 * A seed for one named stream of one run: FNV-1a over the label, mixed with the run's seed,
 * so `streamSeed(7, "network")` and `streamSeed(7, "node server1")` are unrelated.
 */
export function streamSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  hash = (hash ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
  // murmur3's finaliser: seeds or labels differing in one bit give unrelated streams.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}
