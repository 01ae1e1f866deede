import { beforeAll, describe, expect, it } from 'vitest';
import { DELETED, ValueType, type LookupResult } from '../../../engine/lsm/internal-key.js';
import { FOOTER_BYTES, type TableBuilderOptions } from '../../../engine/lsm/sstable/index.js';
import { blockChecksum } from '../../../engine/lsm/sstable/format.js';
import { bytesEqual, utf8, writeUint32LE } from '../../../engine/util/bytes.js';
import { CorruptionError } from '../../../engine/util/errors.js';
import { SeededRandom } from '../../../engine/util/random.js';
import { asScanned, buildTableBytes, openTableBytes, referenceGet, scanBackward, scanForward, type Entry, type Scanned } from './fixtures.js';

function sameResult(a: LookupResult, b: LookupResult): boolean {
  if (a === undefined || b === undefined || a === DELETED || b === DELETED) return a === b;
  return bytesEqual(a, b);
}

function sameScan(a: Scanned[], b: Scanned[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i]!;
    return bytesEqual(x.userKey, y.userKey) && x.seq === y.seq && x.type === y.type && bytesEqual(x.value, y.value);
  });
}

/** A small table with a filter, several data blocks, some LZ4-compressed and some raw. */
function smallTableEntries(): Entry[] {
  const random = new SeededRandom(7);
  const entries: Entry[] = [];
  for (let i = 0; i < 40; i++) {
    const value = new Uint8Array(i % 3 === 0 ? 8 : 40);
    // The first half compresses (repeated bytes); the second half is random and stays raw.
    for (let j = 0; j < value.length; j++) value[j] = i < 20 ? 97 : random.int(256);
    entries.push({ userKey: utf8(`key${String(i).padStart(3, '0')}`), seq: 100 + i, type: i % 9 === 4 ? ValueType.Delete : ValueType.Put, value });
  }
  return entries;
}

const OPTIONS: TableBuilderOptions = { blockBytes: 128, restartInterval: 2, bloomBitsPerKey: 10, compression: 'lz4' };

describe('damage is detected, never returned as data', () => {
  const entries = smallTableEntries();
  let bytes: Uint8Array;
  const absent = [utf8('key'), utf8('key0005'), utf8('key999'), utf8('a'), utf8('z')];

  beforeAll(async () => {
    bytes = (await buildTableBytes(entries, OPTIONS)).bytes;
    const reader = await openTableBytes(bytes);
    // The table exercises every kind of region: compressed and raw data blocks, filter, properties, index, footer.
    expect(reader.properties.dataBlockCount).toBeGreaterThan(4);
    expect(reader.properties.compressedBlockCount).toBeGreaterThan(0);
    expect(reader.properties.compressedBlockCount).toBeLessThan(reader.properties.dataBlockCount);
    expect(scanForward(reader.iterator())).toEqual(asScanned(entries));
  });

  it('a single-bit flip anywhere in the file is caught at open or by the read that touches it', async () => {
    const failures: string[] = [];
    let detectedAtOpen = 0;
    let detectedOnRead = 0;
    const truthForward = asScanned(entries);
    const truthBackward = [...truthForward].reverse();
    // Two bits of every byte (a different pair for neighbouring bytes), and every bit of the footer.
    const bits: number[] = [];
    for (let byte = 0; byte < bytes.length; byte++) {
      for (let b = 0; b < 8; b++) {
        if (byte >= bytes.length - FOOTER_BYTES || b % 4 === byte % 4) bits.push(byte * 8 + b);
      }
    }
    for (const bit of bits) {
      const damaged = bytes.slice();
      damaged[bit >>> 3]! ^= 1 << (bit & 7);
      let reader;
      try {
        reader = await openTableBytes(damaged);
      } catch (error) {
        if (!(error instanceof CorruptionError)) failures.push(`bit ${bit}: open threw ${String(error)}`);
        detectedAtOpen++;
        continue;
      }
      let detected = false;
      const attempt = (what: string, check: () => boolean): void => {
        try {
          if (!check()) failures.push(`bit ${bit}: ${what} returned wrong data`);
        } catch (error) {
          if (!(error instanceof CorruptionError)) failures.push(`bit ${bit}: ${what} threw ${String(error)}`);
          detected = true;
        }
      };
      for (const e of entries) {
        attempt(`get ${e.seq}`, () => sameResult(reader.get(e.userKey, e.seq), e.type === ValueType.Delete ? DELETED : e.value));
        attempt(`get older ${e.seq}`, () => sameResult(reader.get(e.userKey, e.seq - 1), referenceGet(entries, e.userKey, e.seq - 1)));
      }
      for (const key of absent) attempt('absent get', () => reader.get(key, 1000) === undefined);
      attempt('forward scan', () => sameScan(scanForward(reader.iterator()), truthForward));
      attempt('backward scan', () => sameScan(scanBackward(reader.iterator()), truthBackward));
      if (detected) detectedOnRead++;
      else failures.push(`bit ${bit}: damage went unnoticed`);
    }
    console.log(`${bits.length} bit flips over ${bytes.length} bytes: ${detectedAtOpen} caught at open, ${detectedOnRead} on read`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(detectedAtOpen + detectedOnRead).toBe(bits.length);
  });

  it('every truncation fails at open', async () => {
    for (let length = 0; length < bytes.length; length++) {
      await expect(openTableBytes(bytes.subarray(0, length))).rejects.toThrow(CorruptionError);
    }
  });

  it('names the file number in the error', async () => {
    await expect(openTableBytes(bytes.subarray(0, bytes.length - 1), 4242)).rejects.toThrow(/4242/);
  });

  it('rejects a wrong magic, an unknown version, and appended bytes', async () => {
    const magic = bytes.slice();
    magic[magic.length - 1]! ^= 0x40;
    await expect(openTableBytes(magic)).rejects.toThrow(CorruptionError);

    // Version 2 with a correct footer checksum: refused for the version, not the checksum.
    const version = bytes.slice();
    const footerOffset = version.length - FOOTER_BYTES;
    writeUint32LE(version, footerOffset + 48, 2);
    writeUint32LE(version, footerOffset + 52, blockChecksum(7, footerOffset, version.subarray(footerOffset), 52));
    await expect(openTableBytes(version)).rejects.toThrow(/version/);

    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    await expect(openTableBytes(longer)).rejects.toThrow(CorruptionError);
  });

  it('a whole file opened under another file number fails its footer checksum', async () => {
    await expect(openTableBytes(bytes, 8)).rejects.toThrow(CorruptionError);
  });
});

describe('blocks are bound to their file and offset', () => {
  // Fixed-size entries, no compression: every block has the same size, so a copied block fits exactly.
  const entries: Entry[] = [];
  for (let i = 0; i < 64; i++) entries.push({ userKey: utf8(`k${String(i).padStart(4, '0')}`), seq: 1, type: ValueType.Put, value: utf8(`value-${String(i).padStart(4, '0')}`) });
  const options: TableBuilderOptions = { blockBytes: 100, restartInterval: 16, bloomBitsPerKey: 10, compression: 'none' };

  it('a block copied over another offset of the same file fails its checksum', async () => {
    const { bytes } = await buildTableBytes(entries, options);
    const reader = await openTableBytes(bytes);
    const { blockOffsets, blockSizes } = reader.index;
    expect(blockSizes[0]).toBe(blockSizes[1]);
    const size = blockSizes[0]! + 5;
    const damaged = bytes.slice();
    damaged.copyWithin(blockOffsets[1]!, blockOffsets[0]!, blockOffsets[0]! + size);
    const moved = await openTableBytes(damaged);
    const inFirst = entries[0]!;
    expect(moved.get(inFirst.userKey, 5)).toEqual(inFirst.value);
    // Entries of block 1: the copied block would answer with block 0's entries if it were accepted.
    const iterator = moved.iterator();
    iterator.seekToFirst();
    expect(() => {
      for (; iterator.valid(); iterator.next()) {
        // Walk into block 1.
      }
    }).toThrow(CorruptionError);
    for (const e of entries) {
      const result = (() => {
        try {
          return moved.get(e.userKey, 5);
        } catch (error) {
          expect(error).toBeInstanceOf(CorruptionError);
          return 'corrupt';
        }
      })();
      if (result !== 'corrupt') expect(result).toEqual(e.value);
    }
  });

  it('a block transplanted from another file at the same offset fails its checksum', async () => {
    const a = (await buildTableBytes(entries, options, 11)).bytes;
    const b = (await buildTableBytes(entries, options, 12)).bytes;
    expect(a.length).toBe(b.length);
    const reader = await openTableBytes(b, 12);
    const offset = reader.index.blockOffsets[2]!;
    const size = reader.index.blockSizes[2]! + 5;
    const mixed = b.slice();
    mixed.set(a.subarray(offset, offset + size), offset);
    const damaged = await openTableBytes(mixed, 12);
    const victim = entries.find((e) => damaged.index.findBlock(e.userKey, 5) === 2)!;
    expect(() => damaged.get(victim.userKey, 5)).toThrow(CorruptionError);
  });

  it('without verification a moved block is not caught (shows the check is what protects)', async () => {
    const { bytes } = await buildTableBytes(entries, options);
    const reader = await openTableBytes(bytes);
    const { blockOffsets, blockSizes } = reader.index;
    const damaged = bytes.slice();
    damaged.copyWithin(blockOffsets[1]!, blockOffsets[0]!, blockOffsets[0]! + blockSizes[0]! + 5);
    const unverified = await openTableBytes(damaged, 7, undefined, false);
    const scanned = scanForward(unverified.iterator());
    expect(scanned.length).toBe(entries.length);
    expect(scanned).not.toEqual(asScanned(entries));
  });
});
