import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCurrent, encodeCurrent, readCurrent, writeCurrent } from '../../../engine/lsm/manifest/current.js';
import { fromUtf8 } from '../../../engine/util/bytes.js';
import { CorruptionError } from '../../../engine/util/errors.js';
import { MemoryFileSystem } from '../../../engine/vfs/memory.js';
import { setFile } from './helpers.js';

describe('CURRENT', () => {
  it('has the documented content', () => {
    const text = fromUtf8(encodeCurrent(123));
    expect(text).toMatch(/^MANIFEST-000123\ncrc32c [0-9a-f]{8}\n$/);
  });

  it('writes through a temp file and reads back', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir('/db');
    expect(await readCurrent(fs, '/db')).toBeUndefined();
    await writeCurrent(fs, '/db', 5);
    expect(await readCurrent(fs, '/db')).toBe(5);
    await writeCurrent(fs, '/db', 1_234_567);
    expect(await readCurrent(fs, '/db')).toBe(1_234_567);
    expect(await fs.list('/db')).toEqual(['CURRENT']);
  });

  it('round-trips any manifest number', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(decodeCurrent(encodeCurrent(n))).toBe(n);
      }));
  });

  it('detects every single-bit flip and every truncation', async () => {
    const good = encodeCurrent(42);
    const fs = new MemoryFileSystem();
    await fs.mkdir('/db');
    for (let bit = 0; bit < good.length * 8; bit++) {
      const damaged = good.slice();
      damaged[bit >> 3]! ^= 1 << (bit & 7);
      setFile(fs, '/db/CURRENT', damaged);
      await expect(readCurrent(fs, '/db'), `bit ${bit}`).rejects.toBeInstanceOf(CorruptionError);
    }
    for (let length = 0; length < good.length; length++) {
      expect(() => decodeCurrent(good.subarray(0, length)), `length ${length}`).toThrow(CorruptionError);
    }
  });

  it('rejects a LevelDB-style CURRENT without a checksum, and trailing junk', () => {
    expect(() => decodeCurrent(new TextEncoder().encode('MANIFEST-000042\n'))).toThrow(CorruptionError);
    const good = encodeCurrent(42);
    expect(() => decodeCurrent(Uint8Array.of(...good, 0x0a))).toThrow(CorruptionError);
  });
});
