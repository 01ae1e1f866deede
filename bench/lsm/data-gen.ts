/**
 * Keys and values for db-bench, following LevelDB's db_bench so the numbers compare with its lore.
 *
 * Keys: the key number as a zero-padded 16-digit decimal string (db_bench `FLAGS_key_size` = 16), so
 * byte order equals numeric order. A missing key is the same digits plus a '.' (db_bench ReadMissing).
 *
 * Values: db_bench's RandomGenerator — a ~1 MiB pool built from 100-byte pieces, each piece 50 random
 * printable bytes repeated twice (compression ratio 0.5), handed out as consecutive slices that wrap
 * around. Seeded, so every run and every engine sees the same bytes.
 *
 * Key orders are precomputed into Uint32Arrays before timing, so the timed loops only format digits.
 */
import { SeededRandom } from '../../engine/util/random.js';

export const KEY_BYTES = 16;
export const VALUE_BYTES = 100;
/** db_bench's compression ratio: each value compresses to about half its size. */
export const VALUE_COMPRESSION_RATIO = 0.5;
/** db_bench's value pool size (1 MiB) and seed (Random rnd(301)). */
const VALUE_POOL_BYTES = 1 << 20;
const VALUE_SEED = 301;
const ZERO = 0x30;
const DOT = 0x2e;
/** Key numbers must fit the 16 digits and stay exact in a double. */
const KEY_NUMBER_MAX = Number.MAX_SAFE_INTEGER;

/** Writes `n` as KEY_BYTES zero-padded decimal digits into `out` (which must hold KEY_BYTES bytes). */
export function formatKeyInto(n: number, out: Uint8Array): Uint8Array {
  if (!(Number.isSafeInteger(n) && n >= 0 && n <= KEY_NUMBER_MAX)) throw new RangeError(`key number out of range: ${n}`);
  let rest = n;
  for (let i = KEY_BYTES - 1; i >= 0; i--) {
    const digit = rest % 10;
    out[i] = ZERO + digit;
    rest = (rest - digit) / 10;
  }
  return out;
}

/** A fresh key buffer: what a caller that hands the key over to the engine would allocate. */
export function makeKey(n: number): Uint8Array {
  return formatKeyInto(n, new Uint8Array(KEY_BYTES));
}

/** A key that sorts right after key `n` and is never written: `n` plus a '.'. */
export function formatMissingKeyInto(n: number, out: Uint8Array): Uint8Array {
  formatKeyInto(n, out);
  out[KEY_BYTES] = DOT;
  return out;
}

export const MISSING_KEY_BYTES = KEY_BYTES + 1;

/** db_bench RandomGenerator: consecutive, wrapping slices of a half-compressible pool. */
export class ValueGenerator {
  readonly #pool: Uint8Array;
  #position = 0;

  constructor(seed = VALUE_SEED) {
    const random = new SeededRandom(seed);
    const pieceBytes = VALUE_BYTES;
    const rawBytes = Math.max(1, Math.floor(pieceBytes * VALUE_COMPRESSION_RATIO));
    const pieces = Math.ceil(VALUE_POOL_BYTES / pieceBytes);
    this.#pool = new Uint8Array(pieces * pieceBytes);
    const raw = new Uint8Array(rawBytes);
    for (let piece = 0; piece < pieces; piece++) {
      // test::RandomString: printable bytes ' ' + Uniform(95); then repeat until the piece is full.
      for (let i = 0; i < rawBytes; i++) raw[i] = 0x20 + random.int(95);
      const start = piece * pieceBytes;
      for (let i = 0; i < pieceBytes; i++) this.#pool[start + i] = raw[i % rawBytes]!;
    }
  }

  /** The next `bytes` bytes of the pool. A view: engines must copy what they keep (all three do or keep it alive). */
  next(bytes = VALUE_BYTES): Uint8Array {
    if (this.#position + bytes > this.#pool.length) this.#position = 0;
    const start = this.#position;
    this.#position += bytes;
    return this.#pool.subarray(start, start + bytes);
  }
}

/** 0, 1, …, count-1: fillseq. */
export function sequentialOrder(count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}

/**
 * A seeded permutation of 0..count-1: fillrandom. (db_bench draws with replacement, leaving ~37% of
 * the key space unwritten; a permutation writes every key once so later reads of "existing" keys all
 * hit. The write pattern — uniformly scattered keys — is the same.)
 */
export function permutedOrder(count: number, seed: number): Uint32Array {
  const order = sequentialOrder(count);
  const random = new SeededRandom(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

/** `count` draws, uniform with replacement, from `population` (key numbers, or indexes into one). */
export function uniformDraws(count: number, population: number, seed: number): Uint32Array {
  const draws = new Uint32Array(count);
  const random = new SeededRandom(seed);
  for (let i = 0; i < count; i++) draws[i] = random.int(population);
  return draws;
}
