import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invariants } from '../../../engine/util/assert.js';
import { ValueType } from '../../../engine/lsm/internal-key.js';
import { ArrayIterator } from '../../../engine/lsm/iterators/array-iterator.js';
import { childEntriesArb, opArb, runOps, sortedEntries } from './model.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('ArrayIterator', () => {
  beforeAll(() => {
    invariants.enabled = true;
  });
  afterAll(() => {
    invariants.enabled = false;
  });

  it('starts invalid, and an empty array stays invalid', () => {
    const iterator = new ArrayIterator([]);
    expect(iterator.valid()).toBe(false);
    iterator.seekToFirst();
    expect(iterator.valid()).toBe(false);
    iterator.seekToLast();
    expect(iterator.valid()).toBe(false);
    iterator.seek(bytes(), 0);
    expect(iterator.valid()).toBe(false);
  });

  it('seek(k, s) lands on the first version of k with seq <= s, or the next key', () => {
    const entries = [
      { userKey: bytes(1), seq: 9, type: ValueType.Put, value: bytes(9) },
      { userKey: bytes(1), seq: 5, type: ValueType.Delete, value: bytes() },
      { userKey: bytes(1), seq: 0, type: ValueType.Put, value: bytes(0) },
      { userKey: bytes(1, 0), seq: 7, type: ValueType.Put, value: bytes(7) },
    ];
    const iterator = new ArrayIterator(entries);
    iterator.seek(bytes(1), 6);
    expect(iterator.sequence()).toBe(5);
    expect(iterator.valueType()).toBe(ValueType.Delete);
    iterator.seek(bytes(1), 0);
    expect(iterator.sequence()).toBe(0);
    iterator.next();
    expect(iterator.userKey()).toEqual(bytes(1, 0));
    iterator.seek(bytes(1), 100);
    expect(iterator.sequence()).toBe(9);
    iterator.seek(bytes(1, 0), 6);
    expect(iterator.valid()).toBe(false);
  });

  it('rejects unsorted input while invariants are enabled', () => {
    const a = { userKey: bytes(1), seq: 1, type: ValueType.Put, value: bytes() };
    const b = { userKey: bytes(1), seq: 2, type: ValueType.Put, value: bytes() };
    expect(() => new ArrayIterator([a, b])).toThrow(/internal order/);
  });

  it('matches a reference cursor under random operations', () => {
    fc.assert(
      fc.property(childEntriesArb(true, 1), fc.array(opArb, { maxLength: 40 }), ({ entries }, ops) => {
        const sorted = sortedEntries(entries);
        runOps(new ArrayIterator(sorted), sorted, ops);
      }),
      { numRuns: 300 },
    );
  });
});
