/**
 * The samplers' "keep one in n" tests on uint32s from a xorshift generator. Pure, synchronous.
 *
 *   oneIn          a coin per event: `random % n === 0`, computed with a mask when n is a power of
 *                  two (every sampling limit in limits.ts is one). A uint32 above 2^31 is a double to
 *                  V8, and `%` on it is a float remainder: dear on the hot path.
 *   geometricGap   the same coins, drawn ahead: how many events until the next kept one, so a
 *                  sampler decrements a counter per event and draws only when it keeps one.
 */
export function oneIn(random: number, n: number): boolean {
  return (n & (n - 1)) === 0 ? (random & (n - 1)) === 0 : random % n === 0;
}

/**
 * The number of events up to and including the next one kept, when each is kept with probability
 * 1 / n independently: geometric on {1, 2, …} with mean n, by inversion of `random` (a uint32) as
 * u = (random + 1) / 2^32 in (0, 1]. n = 1 keeps every event (gap 1).
 */
export function geometricGap(random: number, n: number): number {
  if (n <= 1) return 1;
  const u = (random + 1) / 4294967296;
  return 1 + Math.floor(Math.log(u) / Math.log1p(-1 / n));
}
