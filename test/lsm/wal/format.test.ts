import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FILE_HEADER_PAYLOAD_BYTES,
  LOG_FORMAT_VERSION,
  LOG_HEADER_BYTES,
  LogChecksums,
  LogKindCode,
  RecordType,
  encodeFileHeaderPayload,
  logFileSeed,
} from '../../../engine/lsm/wal/format.js';
import { LogWriter } from '../../../engine/lsm/wal/writer.js';
import { encodeWriteBatch } from '../../../engine/lsm/write-batch.js';
import { MemoryFileSystem } from '../../../engine/vfs/memory.js';
import { utf8 } from '../../../engine/util/bytes.js';

// An independent, table-driven CRC32C and LevelDB mask, so these tests check the documented formulas
// rather than the production code against itself.
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();
function referenceCrc32c(bytes: readonly number[] | Uint8Array, initial = 0): number {
  let crc = ~initial >>> 0;
  for (const byte of bytes) crc = (TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8)) >>> 0;
  return ~crc >>> 0;
}
function referenceMask(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
function u32le(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
}
function u64le(value: number): number[] {
  return [...u32le(value >>> 0), ...u32le(Math.floor(value / 2 ** 32))];
}
function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe('log format constants (frozen: part of the on-disk format)', () => {
  it('keeps its numbers', () => {
    expect(RecordType).toEqual({ WriteBatch: 1, VersionEdit: 2, FileHeader: 3 });
    expect(LogKindCode).toEqual({ wal: 1, manifest: 2 });
    expect(LOG_HEADER_BYTES).toBe(13);
    expect(LOG_FORMAT_VERSION).toBe(1);
    expect(FILE_HEADER_PAYLOAD_BYTES).toBe(15);
  });
});

describe('logFileSeed', () => {
  it('is crc32c of the file number as 8 bytes little-endian', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (fileNumber) => {
        expect(logFileSeed(fileNumber)).toBe(referenceCrc32c(u64le(fileNumber)));
      }),
    );
    expect(logFileSeed(7)).toBe(0x7671b78e);
  });

  it('differs between neighbouring file numbers', () => {
    const seeds = new Set<number>();
    for (let n = 0; n < 10_000; n++) seeds.add(logFileSeed(n));
    expect(seeds.size).toBe(10_000);
  });
});

describe('LogChecksums.writeRecord', () => {
  it('frames as documented: masked CRCs over (length, type) and (type, payload), seeded per file', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000_000 }),
        fc.constantFrom(RecordType.WriteBatch, RecordType.VersionEdit, RecordType.FileHeader),
        fc.uint8Array({ maxLength: 300 }),
        (fileNumber, type, payload) => {
          const out = new Uint8Array(LOG_HEADER_BYTES + payload.length);
          const end = new LogChecksums(fileNumber).writeRecord(out, 0, type, payload);
          expect(end).toBe(out.length);
          const seed = referenceCrc32c(u64le(fileNumber));
          const lengthAndType = [...u32le(payload.length), type];
          const expected = [
            ...u32le(referenceMask(referenceCrc32c([type, ...payload], seed))),
            ...u32le(referenceMask(referenceCrc32c(lengthAndType, seed))),
            ...lengthAndType,
            ...payload,
          ];
          expect([...out]).toEqual(expected);
        },
      ),
    );
  });
});

describe('FORMAT.md worked example', () => {
  it('produces exactly the bytes shown in the document', async () => {
    const fs = new MemoryFileSystem();
    const writer = new LogWriter(await fs.createWritable('/000007.log'), 7);
    await writer.start('wal');
    const batch = encodeWriteBatch(5, [
      { type: 'put', key: utf8('a'), value: utf8('hi') },
      { type: 'delete', key: utf8('b') },
    ]);
    writer.addRecordsSync(RecordType.WriteBatch, [batch]);
    const data = await fs.readFile('/000007.log');
    expect(hex(data)).toBe(
      '132cb5e9' + '218b7f98' + '0f000000' + '03' + '534c4f47' + '0100' + '01' + '0700000000000000' +
        '11ac8066' + 'c801aa20' + '15000000' + '01' +
        '0500000000000000' + '02000000' + '01' + '01' + '61' + '02' + '6869' + '00' + '01' + '62',
    );
    expect(writer.size).toBe(62);
  });

  it('encodes the file-header payload as magic, version, kind, file number', () => {
    expect(hex(encodeFileHeaderPayload('manifest', 0x0102030405))).toBe('534c4f47' + '0100' + '02' + '0504030201000000');
  });
});
