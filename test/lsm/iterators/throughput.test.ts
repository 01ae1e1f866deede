/**
 * Measures scan throughput of MergingIterator (+ UserIterator) over ArrayIterator children and
 * prints it. Not a timed assertion: machines differ. It only checks that every entry was seen.
 * Target: > 2M entries/s through MergingIterator(3-5 children) + UserIterator.
 *
 * Rates are per second of this process's CPU time (process.cpuUsage), not wall time, so that other
 * work on a shared machine does not drown the signal; best of ROUNDS.
 */
import { describe, expect, it } from 'vitest';
import { ValueType } from '../../../engine/lsm/internal-key.js';
import { ArrayIterator, type InternalEntry } from '../../../engine/lsm/iterators/array-iterator.js';
import { MERGE_LINEAR_CHILDREN_MAX, MergingIterator } from '../../../engine/lsm/iterators/merging-iterator.js';
import { UserIterator } from '../../../engine/lsm/iterators/user-iterator.js';

const ENTRY_COUNT = 300_000;
const KEY_BYTES = 16;
const VALUE_BYTES = 16;
const ROUNDS = 3;

/** Keys "k" + 15 decimal digits, one version each, dealt round-robin so every step changes child. */
function makeChildren(childCount: number): InternalEntry[][] {
  const keys = new Uint8Array(ENTRY_COUNT * KEY_BYTES);
  const value = new Uint8Array(VALUE_BYTES).fill(0x61);
  const children: InternalEntry[][] = Array.from({ length: childCount }, () => []);
  for (let i = 0; i < ENTRY_COUNT; i++) {
    const key = keys.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES);
    key[0] = 0x6b;
    let n = i;
    for (let j = KEY_BYTES - 1; j > 0; j--) {
      key[j] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    }
    children[i % childCount]!.push({ userKey: key, seq: i + 1, type: ValueType.Put, value });
  }
  return children;
}

/** Best of ROUNDS, in entries per CPU second. */
function measure(run: () => number): number {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    const count = run();
    const used = process.cpuUsage(start);
    expect(count).toBe(ENTRY_COUNT);
    best = Math.max(best, count / ((used.user + used.system) / 1e6));
  }
  return best;
}

const perSecond = (rate: number): string => `${(rate / 1e6).toFixed(2)}M/s`;

describe('iterator throughput (prints; no timing assertions)', () => {
  it('scans merged children', () => {
    const lines: string[] = [];
    for (const childCount of [3, 4, 5, 8]) {
      const data = makeChildren(childCount);
      const merged = (linearChildrenMax: number) => new MergingIterator(data.map((child) => new ArrayIterator(child)), linearChildrenMax);
      const rawScan = (linearChildrenMax: number) => () => {
        const iterator = merged(linearChildrenMax);
        let count = 0;
        for (iterator.seekToFirst(); iterator.valid(); iterator.next()) {
          iterator.userKey();
          iterator.value();
          count++;
        }
        return count;
      };
      const userScan = (reverse: boolean) => () => {
        let count = 0;
        for (const entry of new UserIterator(merged(MERGE_LINEAR_CHILDREN_MAX), ENTRY_COUNT, { reverse })) {
          if (entry[0].length === KEY_BYTES) count++;
        }
        return count;
      };
      lines.push(
        `children=${childCount}: merge linear ${perSecond(measure(rawScan(Number.POSITIVE_INFINITY)))}, ` +
          `merge heap ${perSecond(measure(rawScan(0)))}, ` +
          `merge+user forward ${perSecond(measure(userScan(false)))}, ` +
          `merge+user reverse ${perSecond(measure(userScan(true)))}`,
      );
    }
    console.log(`iterator throughput, ${ENTRY_COUNT} entries, per CPU second, best of ${ROUNDS}:\n  ${lines.join('\n  ')}`);
  });
});
