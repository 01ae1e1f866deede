/**
 * The samplers' "keep one in n" test on a uint32 from a xorshift generator: `random % n === 0`,
 * computed with a mask when n is a power of two (every sampling limit in limits.ts is one). A uint32
 * above 2^31 is a double to V8, and `%` on it is a float remainder: dear on the hot path.
 *
 * Pure, synchronous.
 */
export function oneIn(random: number, n: number): boolean {
  return (n & (n - 1)) === 0 ? (random & (n - 1)) === 0 : random % n === 0;
}
