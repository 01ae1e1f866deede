import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueType, encodeInternalKey } from '../../../engine/lsm/internal-key.js';
import { BlockBuilder } from '../../../engine/lsm/sstable/block-builder.js';
import { BlockIterator, decodeBlock } from '../../../engine/lsm/sstable/block-reader.js';
import { compareInternalKeyRanges, compareTargetToKey } from '../../../engine/lsm/sstable/format.js';
import { shortestSeparator } from '../../../engine/lsm/sstable/table-builder.js';
import { utf8, writeUint32LE } from '../../../engine/util/bytes.js';
import { CorruptionError } from '../../../engine/util/errors.js';
import { entryArbitrary, referenceSeek, sortEntries, type Entry } from './fixtures.js';

function buildBlock(entries: Entry[], restartInterval: number): Uint8Array {
  const builder = new BlockBuilder(restartInterval, 64);
  for (const e of entries) {
    const key = encodeInternalKey(e.userKey, e.seq, e.type);
    builder.add(key, 0, key.length, e.value);
  }
  return builder.finish().slice();
}

function entryAt(iterator: BlockIterator): [Uint8Array, number, number, Uint8Array] {
  return [iterator.userKey().slice(), iterator.sequence(), iterator.valueType(), iterator.value().slice()];
}

const expected = (e: Entry): [Uint8Array, number, number, Uint8Array] => [e.userKey, e.seq, e.type, e.value];

describe('block format', () => {
  it('iterates, seeks and steps back like the reference, for any restart interval', () => {
    fc.assert(
      fc.property(fc.array(entryArbitrary(), { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 20 }), fc.array(entryArbitrary(), { maxLength: 10 }), (raw, interval, probes) => {
        const entries = sortEntries(raw);
        const block = decodeBlock(buildBlock(entries, interval), 1, 0);
        expect(block.restarts.length).toBe(Math.ceil(entries.length / interval));
        const it = new BlockIterator();
        it.reset(block, 1, 0);
        const forward = [];
        for (it.seekToFirst(); it.valid(); it.next()) forward.push(entryAt(it));
        expect(forward).toEqual(entries.map(expected));
        const backward = [];
        for (it.seekToLast(); it.valid(); it.prev()) backward.push(entryAt(it));
        expect(backward).toEqual(entries.map(expected).reverse());
        for (const probe of [...probes, ...entries]) {
          it.seek(probe.userKey, probe.seq);
          const index = referenceSeek(entries, probe.userKey, probe.seq);
          if (index === entries.length) expect(it.valid()).toBe(false);
          else expect(entryAt(it)).toEqual(expected(entries[index]!));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('prefix-compresses keys between restart points', () => {
    const entries: Entry[] = [];
    for (let i = 0; i < 32; i++) entries.push({ userKey: utf8(`a-long-shared-prefix-${String(i).padStart(3, '0')}`), seq: 1, type: ValueType.Put, value: new Uint8Array(0) });
    expect(buildBlock(entries, 16).length).toBeLessThan(buildBlock(entries, 1).length * 0.5);
  });

  it('rejects malformed blocks as corruption', () => {
    const good = buildBlock([{ userKey: utf8('a'), seq: 1, type: ValueType.Put, value: utf8('x') }, { userKey: utf8('b'), seq: 1, type: ValueType.Put, value: utf8('y') }], 1);
    expect(() => decodeBlock(new Uint8Array(3), 1, 0)).toThrow(CorruptionError);
    const badCount = good.slice();
    writeUint32LE(badCount, badCount.length - 4, 1000);
    expect(() => decodeBlock(badCount, 1, 0)).toThrow(CorruptionError);
    const zero = good.slice();
    writeUint32LE(zero, zero.length - 4, 0);
    expect(() => decodeBlock(zero, 1, 0)).toThrow(CorruptionError);
    const badRestart = good.slice();
    writeUint32LE(badRestart, badRestart.length - 8, 2000);
    expect(() => decodeBlock(badRestart, 1, 0)).toThrow(CorruptionError);
    // An entry whose value runs past the entries.
    const overrun = good.slice();
    overrun[2] = 120;
    const it = new BlockIterator();
    it.reset(decodeBlock(overrun, 1, 0), 1, 0);
    expect(() => it.seekToFirst()).toThrow(CorruptionError);
    // A bad type byte.
    const badType = good.slice();
    badType[3 + 1 + 7] = 9;
    it.reset(decodeBlock(badType, 1, 0), 1, 0);
    expect(() => it.seekToFirst()).toThrow(CorruptionError);
  });
});

describe('separators and comparisons', () => {
  it('a separator lies between the last key of a block and the first of the next', () => {
    fc.assert(
      fc.property(entryArbitrary(4, 8), entryArbitrary(4, 8), (a, b) => {
        const ka = encodeInternalKey(a.userKey, a.seq, a.type);
        const kb = encodeInternalKey(b.userKey, b.seq, b.type);
        const order = compareInternalKeyRanges(ka, 0, ka.length, kb, 0, kb.length);
        fc.pre(order !== 0);
        const [last, next] = order < 0 ? [ka, kb] : [kb, ka];
        const s = shortestSeparator(last, last.length, next, next.length);
        expect(compareInternalKeyRanges(last, 0, last.length, s, 0, s.length)).toBeLessThanOrEqual(0);
        expect(compareInternalKeyRanges(s, 0, s.length, next, 0, next.length)).toBeLessThan(0);
        expect(s.length).toBeLessThanOrEqual(last.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('shortens where it can', () => {
    const last = encodeInternalKey(utf8('apple-pie'), 5, ValueType.Put);
    const next = encodeInternalKey(utf8('cherry'), 9, ValueType.Put);
    const s = shortestSeparator(last, last.length, next, next.length);
    expect(s.length).toBe(1 + 8);
    expect(s[0]).toBe('b'.charCodeAt(0));
  });

  it('compareTargetToKey agrees with internal order for the seek target', () => {
    fc.assert(
      fc.property(entryArbitrary(), entryArbitrary(), (target, entry) => {
        const t = encodeInternalKey(target.userKey, target.seq, ValueType.Put);
        const k = encodeInternalKey(entry.userKey, entry.seq, entry.type);
        expect(Math.sign(compareTargetToKey(target.userKey, target.seq, k, 0, k.length))).toBe(Math.sign(compareInternalKeyRanges(t, 0, t.length, k, 0, k.length)));
      }),
      { numRuns: 2000 },
    );
  });
});
