import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueType } from '../../../engine/lsm/internal-key.js';
import { BloomFilterBuilder, BloomFilterReader, measureBloomFalsePositiveRate } from '../../../engine/lsm/sstable/index.js';
import { bloomProbeCount } from '../../../engine/lsm/sstable/bloom.js';
import { BLOOM_BITS_PER_KEY_DEFAULT } from '../../../engine/limits.js';
import { utf8, writeUint32BE } from '../../../engine/util/bytes.js';
import { CorruptionError } from '../../../engine/util/errors.js';
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
    const bad = new Uint8Array(9);
    bad[8] = 31;
    expect(() => new BloomFilterReader(bad, 3)).toThrow(CorruptionError);
    bad[8] = 0;
    expect(() => new BloomFilterReader(bad, 3)).toThrow(CorruptionError);
  });

  it('is deterministic (frozen format)', () => {
    const builder = new BloomFilterBuilder(10);
    const key = new Uint8Array(4);
    for (let i = 0; i < 10; i++) {
      writeUint32BE(key, 0, i);
      builder.addKey(key);
    }
    // 10 keys × 10 bits = 100 bits → 13 bytes, then the probe count 7. Golden bytes: changing the hash
    // or the probing changes what filters on disk mean, so this must never change.
    expect(Buffer.from(builder.finish()).toString('hex')).toBe('b4615817992521b9235651392107');
  });
});
