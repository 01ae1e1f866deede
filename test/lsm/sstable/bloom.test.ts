import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueType } from '../../../engine/lsm/internal-key.js';
import { BloomFilterBuilder, BloomFilterReader, measureBloomFalsePositiveRate } from '../../../engine/lsm/sstable/index.js';
import { bloomProbeCount } from '../../../engine/lsm/sstable/bloom.js';
import { BLOOM_BITS_PER_KEY_DEFAULT } from '../../../engine/limits.js';
import { utf8, writeUint32BE } from '../../../engine/util/bytes.js';
import { CorruptionError } from '../../../engine/util/errors.js';
import { hash32 } from '../../../engine/util/hash.js';
import { buildTableBytes, openTableBytes, type Entry } from './fixtures.js';

describe('bloom filter', () => {
  it('has no false negatives', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uint8Array({ maxLength: 20 }), { minLength: 0, maxLength: 300, selector: (k) => Buffer.from(k).toString('hex') }), fc.integer({ min: 1, max: 20 }), (keys, bitsPerKey) => {
        const builder = new BloomFilterBuilder(bitsPerKey);
        for (const key of keys) builder.addKey(key);
        const reader = new BloomFilterReader(builder.finish(), 1);
        for (const key of keys) expect(reader.mayContain(key)).toBe(true);
      }),
    );
  });

  it('uses round(bits × ln 2) probes', () => {
    expect(bloomProbeCount(10)).toBe(7);
    expect(bloomProbeCount(1)).toBe(1);
    expect(bloomProbeCount(32)).toBe(22);
  });

  it(`false-positive rate at ${BLOOM_BITS_PER_KEY_DEFAULT} bits/key on 100k absent keys is under 2%`, () => {
    const rate = measureBloomFalsePositiveRate(BLOOM_BITS_PER_KEY_DEFAULT, 10_000, 100_000);
    console.log(`bloom false-positive rate, ${BLOOM_BITS_PER_KEY_DEFAULT} bits/key, 10k keys, 100k probes: ${(rate * 100).toFixed(3)}%`);
    expect(rate).toBeLessThan(0.02);
    expect(rate).toBeGreaterThan(0); // a filter that answers "no" to everything would be broken, not good
  });

  it('filters absent keys through a table (measured on 100k absent user keys)', async () => {
    const entries: Entry[] = [];
    const key = (prefix: string, i: number): Uint8Array => utf8(`${prefix}${String(i).padStart(7, '0')}`);
    for (let i = 0; i < 20_000; i++) entries.push({ userKey: key('present', i), seq: 1, type: ValueType.Put, value: utf8('v') });
    const reader = await openTableBytes((await buildTableBytes(entries)).bytes);
    let positives = 0;
    for (let i = 0; i < 100_000; i++) if (reader.mayContain(key('absent', i))) positives++;
    let found = 0;
    for (let i = 0; i < 100_000; i++) if (reader.get(key('absent', i), 5) !== undefined) found++;
    expect(found).toBe(0);
    const rate = positives / 100_000;
    console.log(`table bloom false-positive rate on 100k absent keys: ${(rate * 100).toFixed(3)}%; filterStats ${JSON.stringify(reader.filterStats)}`);
    expect(rate).toBeLessThan(0.02);
    expect(reader.filterStats.checks).toBe(100_000);
    expect(reader.filterStats.negatives).toBe(100_000 - positives);
  });

  it('0 bits/key writes no filter and every key may be present', async () => {
    const entries: Entry[] = [{ userKey: utf8('a'), seq: 1, type: ValueType.Put, value: utf8('1') }];
    const reader = await openTableBytes((await buildTableBytes(entries, { blockBytes: 4096, restartInterval: 16, bloomBitsPerKey: 0, compression: 'none' })).bytes);
    expect(reader.mayContain(utf8('zzz'))).toBe(true);
    expect(reader.get(utf8('zzz'), 5)).toBeUndefined();
    expect(reader.properties.bloomBitsPerKey).toBe(0);
  });

  it('rejects malformed filters', () => {
    expect(() => new BloomFilterReader(new Uint8Array(4), 3)).toThrow(CorruptionError);
    expect(() => new BloomFilterReader(new Uint8Array(64 + 10), 3)).toThrow(CorruptionError);
    const bad = new Uint8Array(65);
    bad[64] = 31;
    expect(() => new BloomFilterReader(bad, 3)).toThrow(CorruptionError);
    bad[64] = 0;
    expect(() => new BloomFilterReader(bad, 3)).toThrow(CorruptionError);
  });

  it('matches the byte layout FORMAT.md specifies (independent re-implementation)', () => {
    const remix = (h: number): number => {
      h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
      h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
      return (h ^ (h >>> 16)) >>> 0;
    };
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 200 }), fc.integer({ min: 1, max: 24 }), (keys, bitsPerKey) => {
        const lineCount = Math.max(1, Math.ceil((keys.length * bitsPerKey) / 512));
        const probes = Math.min(30, Math.max(1, Math.round(bitsPerKey * Math.LN2)));
        const expected = new Uint8Array(lineCount * 64 + 1);
        expected[lineCount * 64] = probes;
        const builder = new BloomFilterBuilder(bitsPerKey);
        for (const key of keys) {
          builder.addKey(key);
          const h1 = hash32(key);
          let g = remix(h1);
          const delta = ((g >>> 17) | (g << 15)) >>> 0;
          for (let j = 0; j < probes; j++) {
            const bit = (h1 % lineCount) * 512 + (g >>> 23);
            expected[bit >>> 3] = expected[bit >>> 3]! | (1 << (bit & 7));
            g = (g + delta) >>> 0;
          }
        }
        expect(builder.finish()).toEqual(expected);
      }),
    );
  });

  it('is deterministic (frozen format)', () => {
    const builder = new BloomFilterBuilder(10);
    const key = new Uint8Array(4);
    for (let i = 0; i < 30; i++) {
      writeUint32BE(key, 0, i);
      builder.addKey(key);
    }
    // 30 keys × 10 bits = 300 bits → one 64-byte line, then the probe count 7. Golden bytes: changing
    // the hash or the probing changes what filters on disk mean, so this must never change.
    expect(Buffer.from(builder.finish()).toString('hex')).toBe(
      '00841cc881c884fe5b0b040780a8116006085aa1518a8412ca4828dc3f00458480072061c29079888c89ced420000c78071408d8b244815080a70de24a16092007',
    );
  });
});
