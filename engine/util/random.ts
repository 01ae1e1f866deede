/**
 * Randomness, injected. Seeded generators make every fuzz case and simulated crash replayable.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, bound). */
  int(bound: number): number;
}

/** xoshiro128** — small, fast, and good enough for workloads and fault schedules. Deterministic. */
export class SeededRandom implements Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    // splitmix32 to spread the seed over the state
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = mix();
    this.#b = mix();
    this.#c = mix();
    this.#d = mix();
  }

  nextUint32(): number {
    const result = Math.imul(((Math.imul(this.#b, 5) << 7) | (Math.imul(this.#b, 5) >>> 25)) >>> 0, 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = (this.#d << 11) | (this.#d >>> 21);
    return result;
  }

  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }
}

/** Production randomness: seeded once from the platform's cryptographic source. */
export function systemRandom(): Random {
  const seed = new Uint32Array(1);
  globalThis.crypto.getRandomValues(seed);
  return new SeededRandom(seed[0]!);
}
