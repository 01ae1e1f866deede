/**
 * Decimal text of a non-negative integer that does not pass through V8's number-to-string cache.
 *
 * Why: `String(n)` (and template literals, and `n.toString()`) look the number up in a heap-wide
 * cache and, on a miss, store the new string there. A value that never repeats — a request
 * counter, a response body's CRC — misses every time, and each string it leaves in the cache
 * survives the next scavenges and is promoted: ~2 MB/s of old-space garbage at 28k requests/s in
 * bench:http, a mark-compact (4–7 ms pause) every ~15 s, which was the largest single source of the
 * server's slow requests under open-loop load once background jobs were paced. Strings built here
 * are young and die young. Numbers that repeat (lengths, status codes) should keep using String():
 * for them the cache is a win.
 *
 * Built from a table of two-digit pairs by concatenation: a handful of small allocations, no
 * C++ call.
 */
import { assert } from './assert.js';

/** "0".."99" as String() writes them; "00".."99" for the pairs below the leading one. */
const LEADING = Array.from({ length: 100 }, (_, i) => String(i));
const PAIRS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** The decimal text of `n`, an integer in [0, 2^53), equal to String(n). */
export function decimalText(n: number): string {
  assert(Number.isSafeInteger(n) && n >= 0, 'decimalText: a non-negative safe integer');
  if (n < 100) return LEADING[n]!;
  let text = PAIRS[n % 100]!;
  let rest = Math.floor(n / 100);
  while (rest >= 100) {
    text = PAIRS[rest % 100]! + text;
    rest = Math.floor(rest / 100);
  }
  return LEADING[rest]! + text;
}
