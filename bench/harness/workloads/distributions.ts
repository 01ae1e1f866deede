/**
 * Key choice for the workloads, as YCSB defines it, seeded and deterministic:
 *
 *   uniform   every existing record equally likely.
 *   zipfian   Gray et al.'s zipfian generator with constant 0.99 (YCSB ZipfianGenerator), over the
 *             records, then SCRAMBLED so the popular records are spread over the key space rather
 *             than clustered at its start. YCSB scrambles by hashing the rank (FNV-64) modulo the
 *             record count, which lets a few ranks collide; here the rank goes through a seeded
 *             affine bijection (rank · a + b mod n, gcd(a, n) = 1), which spreads the same way and
 *             keeps the distribution exactly zipfian (a relabelling of it), so it can be checked.
 *   latest    YCSB SkewedLatestGenerator: the most recently inserted records are the most popular
 *             (index = count − 1 − zipfian(count)); the zipfian constant grows with the count.
 *   hot-key   one record (index 0, scrambled like zipfian's rank 0) takes `hotKeyShare` of the
 *             accesses; the rest are uniform over all records.
 *
 * Concurrency: one chooser per worker thread (each with its own seed). Not shared.
 * Invariants: next(count) returns an integer in [0, count); count ≥ 1.
 */
import { SeededRandom } from '../../../engine/util/random.js';

export const DISTRIBUTIONS = ['zipfian', 'latest', 'uniform', 'hot-key'] as const;
export type DistributionName = (typeof DISTRIBUTIONS)[number];

/** YCSB's default zipfian constant. */
export const ZIPFIAN_CONSTANT = 0.99;

export interface KeyChooser {
  /** An index among `count` existing records. */
  next(count: number): number;
}

/**
 * The zipfian core: rank 0 most popular, P(rank i) ∝ 1 / (i+1)^θ over `count` items. ζ(n) is kept
 * incrementally, so a growing count (the latest distribution) costs only the new terms.
 */
export class ZipfianCore {
  readonly #theta: number;
  readonly #alpha: number;
  readonly #zeta2: number;
  #count = 0;
  #zetaN = 0;
  #eta = 0;

  constructor(theta: number = ZIPFIAN_CONSTANT) {
    if (!(theta > 0 && theta < 1)) throw new RangeError('zipfian constant must be in (0, 1)');
    this.#theta = theta;
    this.#alpha = 1 / (1 - theta);
    this.#zeta2 = 1 + 0.5 ** theta;
  }

  /** A rank in [0, count), from a uniform u in [0, 1). */
  rank(count: number, u: number): number {
    if (count !== this.#count) this.#resize(count);
    const uz = u * this.#zetaN;
    if (uz < 1) return 0;
    if (uz < this.#zeta2) return count > 1 ? 1 : 0;
    const rank = Math.floor(count * (this.#eta * u - this.#eta + 1) ** this.#alpha);
    return rank < count ? rank : count - 1;
  }

  #resize(count: number): void {
    if (!(Number.isSafeInteger(count) && count >= 1)) throw new RangeError(`record count must be a positive integer, got ${count}`);
    if (count > this.#count) {
      for (let i = this.#count + 1; i <= count; i++) this.#zetaN += 1 / i ** this.#theta;
    } else {
      this.#zetaN = 0;
      for (let i = 1; i <= count; i++) this.#zetaN += 1 / i ** this.#theta;
    }
    this.#count = count;
    this.#eta = (1 - (2 / count) ** (1 - this.#theta)) / (1 - this.#zeta2 / this.#zetaN);
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** rank · a stays below 2^53 (exact in a double) with a < 2^26 and rank < 2^27. */
const AFFINE_RECORDS_MAX = 2 ** 27;

/** A seeded bijection of [0, n): rank · a + b mod n with a coprime to n. */
export class AffineScramble {
  #n = 0;
  #a = 1;
  #b = 0;
  readonly #random: SeededRandom;

  constructor(seed: number) {
    this.#random = new SeededRandom(seed ^ 0x5bd1e995);
  }

  map(rank: number, n: number): number {
    if (n !== this.#n) this.#reset(n);
    return (((rank * this.#a) % n) + this.#b) % n;
  }

  #reset(n: number): void {
    if (n > AFFINE_RECORDS_MAX) throw new RangeError(`scrambled key choice supports up to ${AFFINE_RECORDS_MAX} records, got ${n}`);
    this.#n = n;
    let a = n <= 2 ? 1 : 2 + this.#random.int(Math.min(n - 2, 1 << 26));
    while (gcd(a, n) !== 1) a++;
    this.#a = a % n === 0 ? 1 : a;
    this.#b = this.#random.int(Math.min(n, 1 << 26));
  }
}

export class UniformChooser implements KeyChooser {
  constructor(readonly random: SeededRandom) {}
  next(count: number): number {
    return this.random.int(count);
  }
}

export class ZipfianChooser implements KeyChooser {
  readonly #core = new ZipfianCore();
  readonly #scramble: AffineScramble;
  constructor(
    readonly random: SeededRandom,
    scrambleSeed: number,
  ) {
    // The scramble depends only on the workload seed, so every worker agrees on which keys are hot.
    this.#scramble = new AffineScramble(scrambleSeed);
  }
  next(count: number): number {
    return this.#scramble.map(this.#core.rank(count, this.random.next()), count);
  }
}

export class LatestChooser implements KeyChooser {
  readonly #core = new ZipfianCore();
  constructor(readonly random: SeededRandom) {}
  next(count: number): number {
    return count - 1 - this.#core.rank(count, this.random.next());
  }
}

export class HotKeyChooser implements KeyChooser {
  readonly #scramble: AffineScramble;
  constructor(
    readonly random: SeededRandom,
    readonly hotKeyShare: number,
    scrambleSeed: number,
  ) {
    if (!(hotKeyShare >= 0 && hotKeyShare <= 1)) throw new RangeError('hotKeyShare must be in [0, 1]');
    this.#scramble = new AffineScramble(scrambleSeed);
  }
  next(count: number): number {
    if (this.random.next() < this.hotKeyShare) return this.#scramble.map(0, count);
    return this.random.int(count);
  }
}

/** The chooser of one worker: `seed` is the worker's own, `workloadSeed` shared by all workers. */
export function makeChooser(name: DistributionName, seed: number, workloadSeed: number, hotKeyShare: number): KeyChooser {
  const random = new SeededRandom(seed);
  switch (name) {
    case 'uniform':
      return new UniformChooser(random);
    case 'zipfian':
      return new ZipfianChooser(random, workloadSeed);
    case 'latest':
      return new LatestChooser(random);
    case 'hot-key':
      return new HotKeyChooser(random, hotKeyShare, workloadSeed);
  }
}
