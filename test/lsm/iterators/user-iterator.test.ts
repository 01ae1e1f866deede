import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes } from '../../../engine/util/bytes.js';
import { InvalidArgumentError } from '../../../engine/util/errors.js';
import { ValueType } from '../../../engine/lsm/internal-key.js';
import type { InternalIterator } from '../../../engine/lsm/iterator.js';
import { ArrayIterator, type InternalEntry } from '../../../engine/lsm/iterators/array-iterator.js';
import { MergingIterator } from '../../../engine/lsm/iterators/merging-iterator.js';
import { UserIterator, type ScanBounds } from '../../../engine/lsm/iterators/user-iterator.js';
import { SEQ_MAX_IN_TESTS, TrackedIterator, childEntriesArb, sortedEntries, splitByChild, userKeyArb } from './model.js';

type Options = ScanBounds & { reverse?: boolean; limit?: number };
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** What a scan must return, computed the plain way: newest visible version per key, puts only. */
function reference(entries: readonly InternalEntry[], snapshotSeq: number, options: Options): Array<[string, string]> {
  const newest = new Map<string, InternalEntry>();
  for (const entry of entries) {
    if (entry.seq > snapshotSeq) continue;
    const key = hex(entry.userKey);
    const seen = newest.get(key);
    if (seen === undefined || seen.seq < entry.seq) newest.set(key, entry);
  }
  const inBounds = (key: Uint8Array): boolean =>
    (options.gte === undefined || compareBytes(key, options.gte) >= 0) &&
    (options.gt === undefined || compareBytes(key, options.gt) > 0) &&
    (options.lte === undefined || compareBytes(key, options.lte) <= 0) &&
    (options.lt === undefined || compareBytes(key, options.lt) < 0);
  const visible = [...newest.values()]
    .filter((entry) => entry.type === ValueType.Put && inBounds(entry.userKey))
    .sort((a, b) => compareBytes(a.userKey, b.userKey));
  if (options.reverse === true) visible.reverse();
  return visible.slice(0, options.limit ?? visible.length).map((entry) => [hex(entry.userKey), hex(entry.value)]);
}

const optionsArb: fc.Arbitrary<Options> = fc
  .record({
    lower: fc.option(fc.record({ key: userKeyArb, inclusive: fc.boolean() }), { nil: undefined }),
    upper: fc.option(fc.record({ key: userKeyArb, inclusive: fc.boolean() }), { nil: undefined }),
    reverse: fc.boolean(),
    limit: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
  })
  .map(({ lower, upper, reverse, limit }) => {
    const options: Options = { reverse };
    if (lower !== undefined) options[lower.inclusive ? 'gte' : 'gt'] = lower.key;
    if (upper !== undefined) options[upper.inclusive ? 'lte' : 'lt'] = upper.key;
    if (limit !== undefined) options.limit = limit;
    return options;
  });

function mergedOver(childCount: number, entries: readonly (InternalEntry & { child: number })[]): TrackedIterator {
  return new TrackedIterator(new MergingIterator(splitByChild(childCount, entries).map((child) => new ArrayIterator(child))));
}

function drain(iterator: Iterable<[Uint8Array, Uint8Array]>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of iterator) out.push([hex(key), hex(value)]);
  return out;
}

describe('UserIterator', () => {
  it('returns the newest visible put of each key within bounds, forward or reverse, up to the limit', () => {
    fc.assert(
      fc.property(
        childEntriesArb(true),
        fc.integer({ min: 0, max: SEQ_MAX_IN_TESTS + 1 }),
        optionsArb,
        ({ childCount, entries }, snapshotSeq, options) => {
          const expected = reference(entries, snapshotSeq, options);
          const internal = mergedOver(childCount, entries);
          let closes = 0;
          const scan = new UserIterator(internal, snapshotSeq, options, () => closes++);
          const keys: Uint8Array[] = [];
          const actual: Array<[string, string]> = [];
          for (const [key, value] of scan) {
            keys.push(key, value);
            actual.push([hex(key), hex(value)]);
          }
          expect(actual).toEqual(expected);
          expect(closes).toBe(1);
          expect(internal.closeCount).toBe(1);
          expect(scan.next().done).toBe(true);
          scan.return();
          expect(closes).toBe(1);
          // Returned arrays are copies: scribbling over the sources leaves them unchanged.
          for (const entry of entries) {
            entry.userKey.fill(0xee);
            entry.value.fill(0xee);
          }
          expect(actual).toEqual(expected);
          for (let i = 0; i < keys.length; i += 2) expect([hex(keys[i]!), hex(keys[i + 1]!)]).toEqual(expected[i / 2]);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('borrowValues: the same entries; a forward scan hands out the sources\' values, a reverse scan copies', () => {
    fc.assert(
      fc.property(childEntriesArb(true), fc.integer({ min: 0, max: SEQ_MAX_IN_TESTS + 1 }), optionsArb, ({ childCount, entries }, snapshotSeq, options) => {
        const expected = reference(entries, snapshotSeq, options);
        const sources = new Set<Uint8Array>(entries.map((entry) => entry.value));
        const actual: Array<[string, string]> = [];
        for (const [key, value] of new UserIterator(mergedOver(childCount, entries), snapshotSeq, { ...options, borrowValues: true })) {
          expect(sources.has(value)).toBe(options.reverse !== true);
          expect(sources.has(key)).toBe(false);
          actual.push([hex(key), hex(value)]);
        }
        expect(actual).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('works over a single sorted source too', () => {
    fc.assert(
      fc.property(childEntriesArb(true, 1), fc.integer({ min: 0, max: SEQ_MAX_IN_TESTS }), optionsArb, ({ entries }, snapshotSeq, options) => {
        const expected = reference(entries, snapshotSeq, options);
        expect(drain(new UserIterator(new ArrayIterator(sortedEntries(entries)), snapshotSeq, options))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('stopping early closes once, through return()', () => {
    fc.assert(
      fc.property(childEntriesArb(true), fc.nat({ max: 5 }), fc.boolean(), ({ childCount, entries }, taken, reverse) => {
        const internal = mergedOver(childCount, entries);
        let closes = 0;
        const scan = new UserIterator(internal, SEQ_MAX_IN_TESTS, { reverse }, () => closes++);
        let seen = 0;
        for (const entry of scan) {
          expect(entry).toHaveLength(2);
          if (++seen >= taken) break;
        }
        expect(closes).toBe(1);
        expect(internal.closeCount).toBe(1);
        scan.return();
        scan.next();
        expect(closes).toBe(1);
      }),
    );
  });

  it('is async-iterable over the same entries', async () => {
    await fc.assert(
      fc.asyncProperty(childEntriesArb(true), optionsArb, async ({ childCount, entries }, options) => {
        const expected = reference(entries, SEQ_MAX_IN_TESTS, options);
        let closes = 0;
        const actual: Array<[string, string]> = [];
        for await (const [key, value] of new UserIterator(mergedOver(childCount, entries), SEQ_MAX_IN_TESTS, options, () => closes++)) {
          actual.push([hex(key), hex(value)]);
        }
        expect(actual).toEqual(expected);
        expect(closes).toBe(1);
      }),
      { numRuns: 200 },
    );
  });

  it('copies even when the source hands out Node Buffers (whose slice() is a view)', () => {
    const key = Buffer.from([1, 2]);
    const value = Buffer.from([3, 4]);
    const results = [...new UserIterator(new ArrayIterator([{ userKey: key, seq: 1, type: ValueType.Put, value }]), 1, {})];
    key.fill(0);
    value.fill(0);
    expect(results.map(([k, v]) => [[...k], [...v]])).toEqual([[[1, 2], [3, 4]]]);
  });

  it('limit 0 returns nothing and closes at once', () => {
    const internal = new TrackedIterator(new ArrayIterator([{ userKey: Uint8Array.of(1), seq: 1, type: ValueType.Put, value: Uint8Array.of() }]));
    let closes = 0;
    const scan = new UserIterator(internal, 5, { limit: 0 }, () => closes++);
    expect(closes).toBe(1);
    expect(internal.closeCount).toBe(1);
    expect(scan.next().done).toBe(true);
    expect(closes).toBe(1);
  });

  it('gt skips every version of the bound, including sequence 0 ones', () => {
    const entry = (key: number[], seq: number): InternalEntry => ({ userKey: Uint8Array.from(key), seq, type: ValueType.Put, value: Uint8Array.of(seq) });
    const source = () => new ArrayIterator([entry([1], 7), entry([1], 0), entry([1, 0], 0), entry([2], 0)]);
    expect(drain(new UserIterator(source(), 10, { gt: Uint8Array.of(1) }))).toEqual([['0100', '00'], ['02', '00']]);
    expect(drain(new UserIterator(source(), 10, { lte: Uint8Array.of(1), reverse: true }))).toEqual([['01', '07']]);
    expect(drain(new UserIterator(source(), 10, { lt: Uint8Array.of(1, 0), reverse: true }))).toEqual([['01', '07']]);
  });

  it('rejects gte with gt, lte with lt, and a bad limit; closes the internal iterator but not onClose', () => {
    const key = Uint8Array.of(1);
    for (const options of [{ gte: key, gt: key }, { lte: key, lt: key }, { limit: -1 }, { limit: 1.5 }, { limit: Number.NaN }]) {
      const internal = new TrackedIterator(new ArrayIterator([]));
      let closes = 0;
      expect(() => new UserIterator(internal, 1, options, () => closes++)).toThrow(InvalidArgumentError);
      expect(closes).toBe(0);
      expect(internal.closeCount).toBe(1);
    }
  });

  it('closes once when the internal iterator throws, and rethrows', () => {
    const failing: InternalIterator = Object.assign(new ArrayIterator([{ userKey: Uint8Array.of(1), seq: 1, type: ValueType.Put, value: Uint8Array.of() }]), {
      next(): void {
        throw new Error('corrupt block');
      },
    });
    let closes = 0;
    const scan = new UserIterator(failing, 5, {}, () => closes++);
    expect(scan.next().done).toBe(false);
    expect(() => scan.next()).toThrow('corrupt block');
    expect(closes).toBe(1);
    expect(scan.next().done).toBe(true);
    expect(closes).toBe(1);
  });
});
