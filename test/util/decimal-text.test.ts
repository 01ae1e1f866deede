/**
 * decimalText writes what String() writes, and — the reason it exists — leaves nothing behind in
 * V8's number-to-string cache: text made for numbers that never repeat must die young. The heap
 * check runs young-generation collections between batches (gc({ type: 'minor' }), exposed through
 * --expose-gc at run time) and measures old space: strings held by the cache survive and are
 * promoted (~3 MB for 100,000 request ids), strings nobody holds are not.
 */
import fc from 'fast-check';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { nextRequestId } from '../../engine/api/pipeline.js';
import { decimalText } from '../../engine/util/decimal-text.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

function oldSpaceBytes(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_used_size;
}

/** Old-space growth while `make` runs `batches` × 5,000 times, with a scavenge after each batch. */
function promotedWhile(make: () => string, batches: number): number {
  gc();
  const before = oldSpaceBytes();
  let length = 0;
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < 5000; i++) length += make().length;
    gc({ type: 'minor' });
  }
  gc({ type: 'minor' });
  expect(length).toBeGreaterThan(0);
  return oldSpaceBytes() - before;
}

describe('decimalText', () => {
  it('writes what String() writes', () => {
    for (const n of [0, 1, 9, 10, 99, 100, 101, 999, 1000, 1009, 10_000, 99_999, 2 ** 30 - 1, 2 ** 31, 2 ** 32 - 1, Number.MAX_SAFE_INTEGER]) {
      expect(decimalText(n)).toBe(String(n));
    }
    fc.assert(fc.property(fc.maxSafeNat(), (n) => decimalText(n) === String(n)), { numRuns: 5000 });
  });

  it('refuses what is not a non-negative safe integer', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, Infinity]) expect(() => decimalText(bad)).toThrow(/decimalText/);
  });

  it('leaves request ids and CRC texts young, where String() promotes them through its cache', () => {
    let n = 3_000_000_000;
    const viaString = promotedWhile(() => String(++n), 20);
    const viaDecimalText = promotedWhile(() => decimalText(++n), 20);
    const requestIds = promotedWhile(nextRequestId, 20);
    // The contrast shows the check can see a promotion: 100,000 cached strings are over 1 MB.
    expect(viaString).toBeGreaterThan(1024 * 1024);
    expect(viaDecimalText).toBeLessThan(256 * 1024);
    expect(requestIds).toBeLessThan(256 * 1024);
  });
});
