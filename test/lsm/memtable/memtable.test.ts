import { describe, expect, it } from 'vitest';
import { ENTRY_OVERHEAD_BYTES, Memtable, VERSION_OVERHEAD_BYTES } from '../../../engine/lsm/memtable/memtable.js';
import { DELETED, ValueType } from '../../../engine/lsm/internal-key.js';
import type { InternalIterator } from '../../../engine/lsm/iterator.js';
import { SeededRandom } from '../../../engine/util/random.js';
import { AssertionError } from '../../../engine/util/assert.js';
import { utf8, fromUtf8 } from '../../../engine/util/bytes.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function fresh(seed = 1): Memtable {
  return new Memtable(new SeededRandom(seed));
}

/** [userKey text, seq, type] of every entry from the iterator's position onwards. */
function forward(iterator: InternalIterator): [string, number, number][] {
  const out: [string, number, number][] = [];
  for (; iterator.valid(); iterator.next()) out.push([fromUtf8(iterator.userKey()), iterator.sequence(), iterator.valueType()]);
  return out;
}

describe('Memtable', () => {
  it('is empty at first', () => {
    const memtable = fresh();
    expect(memtable.entryCount).toBe(0);
    expect(memtable.approximateBytes).toBe(0);
    expect(memtable.smallestSeq).toBe(Infinity);
    expect(memtable.largestSeq).toBe(0);
    expect(memtable.get(utf8('a'), 100)).toBeUndefined();
    const iterator = memtable.iterator();
    iterator.seekToFirst();
    expect(iterator.valid()).toBe(false);
    iterator.seekToLast();
    expect(iterator.valid()).toBe(false);
    iterator.seek(new Uint8Array(0), 100);
    expect(iterator.valid()).toBe(false);
  });

  it('keeps copies: the caller may reuse its key and value buffers once add returns', () => {
    const memtable = fresh();
    const key = utf8('key-1');
    const value = new Uint8Array(300).fill(7); // a chunk-carved size, and a small one below
    memtable.add(1, ValueType.Put, key, value);
    memtable.add(2, ValueType.Put, utf8('key-2'), bytes(1, 2, 3));
    key.fill(0);
    value.fill(0);
    const got = memtable.get(utf8('key-1'), 10);
    expect(got instanceof Uint8Array && got.length === 300 && got.every((b) => b === 7)).toBe(true);
    expect(memtable.get(utf8('key-2'), 10)).toEqual(bytes(1, 2, 3));
    const iterator = memtable.iterator();
    iterator.seekToFirst();
    expect(fromUtf8(iterator.userKey())).toBe('key-1');
    expect(iterator.value().every((b) => b === 7)).toBe(true);
  });

  it('keeps keys and values in shared memory, and its image shares them', () => {
    const memtable = fresh();
    for (let seq = 1; seq <= 3000; seq++) memtable.add(seq, ValueType.Put, utf8(`key${seq}`), new Uint8Array(90)); // the tree and slabs grow
    const image = memtable.image();
    expect(image.keyBytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(image.keyReferences.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(image.values.chunks.every((chunk) => chunk instanceof SharedArrayBuffer)).toBe(true);
    expect(image.order.buffer).toBeInstanceOf(ArrayBuffer); // the one part made for the flush, transferred
  });

  it('returns the newest version at or below the read sequence', () => {
    const memtable = fresh();
    memtable.add(10, ValueType.Put, utf8('k'), utf8('v10'));
    memtable.add(20, ValueType.Put, utf8('k'), utf8('v20'));
    memtable.add(30, ValueType.Delete, utf8('k'), new Uint8Array(0));
    memtable.add(40, ValueType.Put, utf8('k'), utf8('v40'));
    const read = (seq: number): string | undefined | typeof DELETED => {
      const result = memtable.get(utf8('k'), seq);
      return result === undefined || result === DELETED ? result : fromUtf8(result);
    };
    expect(read(9)).toBeUndefined();
    expect(read(10)).toBe('v10');
    expect(read(19)).toBe('v10');
    expect(read(20)).toBe('v20');
    expect(read(30)).toBe(DELETED);
    expect(read(39)).toBe(DELETED);
    expect(read(40)).toBe('v40');
    expect(read(Number.MAX_SAFE_INTEGER)).toBe('v40');
    expect(memtable.get(utf8('j'), 100)).toBeUndefined();
    expect(memtable.get(utf8('k\0'), 100)).toBeUndefined();
    expect(memtable.get(utf8(''), 100)).toBeUndefined();
  });

  it('tracks counts, bytes and the sequence range', () => {
    const memtable = fresh();
    memtable.add(7, ValueType.Put, utf8('abc'), utf8('12345'));
    memtable.add(3, ValueType.Delete, utf8('x'), new Uint8Array(0));
    memtable.add(9, ValueType.Put, new Uint8Array(0), utf8('e'));
    expect(memtable.entryCount).toBe(3);
    expect(memtable.approximateBytes).toBe(2 * 3 + 5 + 2 * 1 + 0 + 0 + 1 + 3 * ENTRY_OVERHEAD_BYTES);
    expect(memtable.smallestSeq).toBe(3);
    expect(memtable.largestSeq).toBe(9);
    // A later version of a held key shares its key's bytes and slot: its value and the version overhead.
    memtable.add(12, ValueType.Put, utf8('abc'), utf8('123'));
    memtable.add(2, ValueType.Delete, utf8('x'), new Uint8Array(0));
    expect(memtable.entryCount).toBe(5);
    expect(memtable.approximateBytes).toBe(2 * 3 + 5 + 2 * 1 + 0 + 0 + 1 + 3 * ENTRY_OVERHEAD_BYTES + 3 + 0 + 2 * VERSION_OVERHEAD_BYTES);
    expect(memtable.smallestSeq).toBe(2);
    expect(memtable.largestSeq).toBe(12);
  });

  it('iterates in internal order: user key ascending, sequence descending', () => {
    const memtable = fresh();
    memtable.add(5, ValueType.Put, utf8('b'), utf8('1'));
    memtable.add(1, ValueType.Put, utf8('a'), utf8('2'));
    memtable.add(9, ValueType.Delete, utf8('b'), new Uint8Array(0));
    memtable.add(2, ValueType.Put, utf8('ab'), utf8('3'));
    memtable.add(7, ValueType.Put, utf8('a'), utf8('4'));
    const iterator = memtable.iterator();
    iterator.seekToFirst();
    expect(forward(iterator)).toEqual([
      ['a', 7, ValueType.Put],
      ['a', 1, ValueType.Put],
      ['ab', 2, ValueType.Put],
      ['b', 9, ValueType.Delete],
      ['b', 5, ValueType.Put],
    ]);
    iterator.seekToLast();
    expect(iterator.sequence()).toBe(5);
    iterator.prev();
    expect([fromUtf8(iterator.userKey()), iterator.sequence()]).toEqual(['b', 9]);
    iterator.prev();
    iterator.prev();
    iterator.prev();
    expect([fromUtf8(iterator.userKey()), iterator.sequence(), fromUtf8(iterator.value())]).toEqual(['a', 7, '4']);
    iterator.prev();
    expect(iterator.valid()).toBe(false);
  });

  it('seeks to the first entry >= (key, seq): same key with seq <= s, else a larger key', () => {
    const memtable = fresh();
    for (const [key, seq] of [['a', 3], ['b', 10], ['b', 20], ['b', 30], ['c', 1]] as const) {
      memtable.add(seq, ValueType.Put, utf8(key), utf8(`${key}${seq}`));
    }
    const iterator = memtable.iterator();
    const at = (key: string, seq: number): string | undefined => {
      iterator.seek(utf8(key), seq);
      return iterator.valid() ? `${fromUtf8(iterator.userKey())}${iterator.sequence()}` : undefined;
    };
    expect(at('b', 100)).toBe('b30');
    expect(at('b', 30)).toBe('b30');
    expect(at('b', 29)).toBe('b20');
    expect(at('b', 20)).toBe('b20');
    expect(at('b', 10)).toBe('b10');
    expect(at('b', 9)).toBe('c1');
    expect(at('b', 0)).toBe('c1');
    expect(at('', 0)).toBe('a3');
    expect(at('a', 2)).toBe('b30');
    expect(at('a\0', 100)).toBe('b30');
    expect(at('c', 1)).toBe('c1');
    expect(at('c', 0)).toBeUndefined();
    expect(at('d', 100)).toBeUndefined();
  });

  it('orders keys that share a long prefix, and prefixes of each other', () => {
    const memtable = fresh();
    const keys = [
      bytes(),
      bytes(0),
      bytes(1),
      bytes(1, 0),
      bytes(1, 0, 0),
      bytes(1, 2, 3, 4, 5),
      bytes(1, 2, 3, 4, 5, 0),
      bytes(1, 2, 3, 4, 5, 6),
      bytes(1, 2, 3, 4, 5, 6, 0),
      bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 1),
      bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 255),
      bytes(1, 2, 3, 4, 5, 7),
      bytes(255),
      bytes(255, 255, 255, 255, 255, 255, 255),
    ];
    // Insert in a scrambled order.
    const order = [7, 2, 12, 0, 9, 4, 13, 1, 11, 5, 8, 3, 10, 6];
    order.forEach((index, position) => memtable.add(position + 1, ValueType.Put, keys[index]!, bytes(index)));
    const iterator = memtable.iterator();
    const seen: number[] = [];
    for (iterator.seekToFirst(); iterator.valid(); iterator.next()) seen.push(iterator.value()[0]!);
    expect(seen).toEqual(keys.map((_, index) => index));
    for (const [index, key] of keys.entries()) expect(memtable.get(key, 100)).toEqual(bytes(index));
    expect(memtable.get(bytes(1, 2, 3, 4, 5, 6, 7), 100)).toBeUndefined();
    expect(memtable.get(bytes(1, 2, 3, 4), 100)).toBeUndefined();
  });

  it('keeps an iterator usable while adds continue', () => {
    const memtable = fresh();
    memtable.add(1, ValueType.Put, utf8('b'), utf8('b'));
    memtable.add(2, ValueType.Put, utf8('d'), utf8('d'));
    const iterator = memtable.iterator();
    iterator.seekToFirst();
    expect(fromUtf8(iterator.userKey())).toBe('b');
    // Enough adds to split leaves and inner nodes and grow the arena while the iterator sits on 'b'.
    for (let i = 0; i < 5000; i++) memtable.add(10 + i, ValueType.Put, utf8(`c${i}`), utf8('x'));
    memtable.add(6000, ValueType.Put, utf8('a'), utf8('a'));
    expect(fromUtf8(iterator.userKey())).toBe('b');
    expect(fromUtf8(iterator.value())).toBe('b');
    iterator.next();
    expect(fromUtf8(iterator.userKey())).toBe('c0');
    iterator.prev();
    iterator.prev();
    expect(fromUtf8(iterator.userKey())).toBe('a');
    iterator.seekToLast();
    expect(fromUtf8(iterator.userKey())).toBe('d');
  });

  it('rejects a duplicate (key, seq) and bad arguments as bugs', () => {
    const memtable = fresh();
    memtable.add(5, ValueType.Put, utf8('k'), utf8('v'));
    expect(() => memtable.add(5, ValueType.Delete, utf8('k'), new Uint8Array(0))).toThrow(AssertionError);
    expect(() => memtable.add(-1, ValueType.Put, utf8('k'), utf8('v'))).toThrow(AssertionError);
    expect(() => memtable.add(1.5, ValueType.Put, utf8('k'), utf8('v'))).toThrow(AssertionError);
    expect(memtable.entryCount).toBe(1);
    const iterator = memtable.iterator();
    expect(() => iterator.next()).toThrow(AssertionError);
    expect(() => iterator.userKey()).toThrow(AssertionError);
    iterator.close();
    iterator.close();
    expect(iterator.valid()).toBe(false);
    expect(() => iterator.seekToFirst()).toThrow(AssertionError);
  });

  it('handles sequences up to 2^53 - 1', () => {
    const memtable = fresh();
    const big = Number.MAX_SAFE_INTEGER;
    memtable.add(big, ValueType.Put, utf8('k'), utf8('new'));
    memtable.add(big - 1, ValueType.Put, utf8('k'), utf8('old'));
    expect(fromUtf8(memtable.get(utf8('k'), big) as Uint8Array)).toBe('new');
    expect(fromUtf8(memtable.get(utf8('k'), big - 1) as Uint8Array)).toBe('old');
    expect(memtable.largestSeq).toBe(big);
  });

  it('stays ordered across many random inserts with tall towers', () => {
    const memtable = fresh(99);
    const random = new SeededRandom(5);
    const count = 20_000;
    for (let i = 0; i < count; i++) {
      const key = new Uint8Array(1 + random.int(8));
      for (let j = 0; j < key.length; j++) key[j] = random.int(4);
      memtable.add(i + 1, random.int(2) === 0 ? ValueType.Put : ValueType.Delete, key, key);
    }
    const iterator = memtable.iterator();
    let previous: [Uint8Array, number] | undefined;
    let seen = 0;
    for (iterator.seekToFirst(); iterator.valid(); iterator.next()) {
      const key = iterator.userKey();
      const seq = iterator.sequence();
      if (previous !== undefined) {
        const [previousKey, previousSeq] = previous;
        const byKey = Buffer.compare(previousKey, key);
        expect(byKey < 0 || (byKey === 0 && previousSeq > seq)).toBe(true);
      }
      previous = [key, seq];
      seen++;
    }
    expect(seen).toBe(count);
  });
});
