import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FILE_HEADER_PAYLOAD_BYTES,
  LOG_HEADER_BYTES,
  LOG_RECORD_PAYLOAD_BYTES_MAX,
  RecordType,
  encodeFileHeaderPayload,
} from '../../../engine/lsm/wal/format.js';
import { readLog, type LogReadResult } from '../../../engine/lsm/wal/reader.js';
import { CorruptionError } from '../../../engine/util/errors.js';
import { bytesOf, buildLog, concat, forgeRecord } from './log-fixtures.js';

const FILE_HEADER_RECORD_BYTES = LOG_HEADER_BYTES + FILE_HEADER_PAYLOAD_BYTES;

function payloadsOf(result: LogReadResult): number[][] {
  return result.records.map((record) => [...record.payload]);
}

function expectCorruption(data: Uint8Array, fileNumber: number, offset: number, options?: { expectKind?: 'wal' | 'manifest' }): void {
  let thrown: unknown;
  try {
    readLog(data, fileNumber, options);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CorruptionError);
  // The message names the file and the offset (operators need both); tests otherwise match on class.
  expect((thrown as CorruptionError).message).toContain(`log file ${fileNumber}`);
  expect((thrown as CorruptionError).message).toContain(`byte offset ${offset}`);
}

const sample = [[bytesOf(1, 2, 3)], [bytesOf(), bytesOf(9)], [new Uint8Array(40).fill(7)], [bytesOf(4, 5)]];

describe('readLog on intact files', () => {
  it('reads an empty file as clean and empty', () => {
    expect(readLog(new Uint8Array(0), 3)).toEqual({ records: [], validBytes: 0, tail: 'clean' });
  });

  it('returns the records with offsets, as views of the input', async () => {
    const { data, boundaries } = await buildLog(5, 'wal', sample);
    const result = readLog(data, 5, { expectKind: 'wal' });
    expect(result.tail).toBe('clean');
    expect(result.validBytes).toBe(data.length);
    expect(result.corruption).toBeUndefined();
    expect(payloadsOf(result)).toEqual([[1, 2, 3], [], [9], new Array(40).fill(7), [4, 5]]);
    expect(result.records.map((record) => record.offset)).toEqual(boundaries.slice(0, -1));
    expect(result.records.every((record) => record.type === RecordType.WriteBatch)).toBe(true);
    expect(result.records[0]!.payload.buffer).toBe(data.buffer);
  });

  it('round-trips random payload lists', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 2 ** 40 }),
        fc.constantFrom('wal' as const, 'manifest' as const),
        fc.array(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 5 }), { maxLength: 8 }),
        async (fileNumber, kind, groups) => {
          const { data } = await buildLog(fileNumber, kind, groups);
          const result = readLog(data, fileNumber, { expectKind: kind });
          expect(result.tail).toBe('clean');
          expect(result.validBytes).toBe(data.length);
          expect(payloadsOf(result)).toEqual(groups.flat().map((payload) => [...payload]));
        },
      ),
    );
  });
});

describe('readLog damage: checksums, types, headers', () => {
  it('reports a header checksum mismatch as corruption, or salvages the prefix', async () => {
    const { data, boundaries } = await buildLog(5, 'wal', sample);
    const damaged = data.slice();
    damaged[boundaries[2]! + 8]! ^= 0x01; // length field of the third record
    expectCorruption(damaged, 5, boundaries[2]!);
    const salvaged = readLog(damaged, 5, { salvage: true });
    expect(salvaged.tail).toBe('corrupt');
    expect(salvaged.corruption).toEqual({ offset: boundaries[2], reason: 'header checksum mismatch' });
    expect(salvaged.validBytes).toBe(boundaries[2]);
    expect(payloadsOf(salvaged)).toEqual([[1, 2, 3], []]);
  });

  it('reports a payload checksum mismatch as corruption, or salvages the prefix', async () => {
    const { data, boundaries } = await buildLog(5, 'wal', sample);
    const damaged = data.slice();
    damaged[boundaries[3]! + LOG_HEADER_BYTES + 17]! ^= 0x80;
    expectCorruption(damaged, 5, boundaries[3]!);
    const salvaged = readLog(damaged, 5, { salvage: true });
    expect(salvaged.corruption).toEqual({ offset: boundaries[3], reason: 'payload checksum mismatch' });
    expect(payloadsOf(salvaged)).toEqual([[1, 2, 3], [], [9]]);
    expect(salvaged.validBytes).toBe(boundaries[3]);
  });

  it('reports an unknown record type with valid checksums as corruption', async () => {
    const { data } = await buildLog(5, 'wal', [[bytesOf(1)]]);
    for (const type of [0, 4, 9, 255]) {
      const damaged = concat(data, forgeRecord(5, type, bytesOf(1, 2)));
      expectCorruption(damaged, 5, data.length);
      expect(readLog(damaged, 5, { salvage: true }).corruption?.reason).toBe(`unknown record type ${type}`);
    }
  });

  it('reports a record of the other kind, or a second file header, as corruption', async () => {
    const { data } = await buildLog(5, 'wal', [[bytesOf(1)]]);
    expectCorruption(concat(data, forgeRecord(5, RecordType.VersionEdit, bytesOf(1))), 5, data.length);
    const secondHeader = forgeRecord(5, RecordType.FileHeader, encodeFileHeaderPayload('wal', 5));
    expectCorruption(concat(data, secondHeader), 5, data.length);
  });

  it('reports a length beyond the maximum as corruption even when the payload would be past the end', async () => {
    const { data } = await buildLog(5, 'wal', []);
    const huge = forgeRecord(5, RecordType.WriteBatch, bytesOf(), LOG_RECORD_PAYLOAD_BYTES_MAX + 1);
    expectCorruption(concat(data, huge), 5, data.length);
    // At exactly the maximum the record is merely torn (its payload is not all there).
    const atMax = forgeRecord(5, RecordType.WriteBatch, bytesOf(), LOG_RECORD_PAYLOAD_BYTES_MAX);
    expect(readLog(concat(data, atMax), 5).tail).toBe('torn');
  });

  it('requires the first record to be a file header for this file, kind and version', async () => {
    expectCorruption(forgeRecord(5, RecordType.WriteBatch, bytesOf(1)), 5, 0);
    const { data: manifest } = await buildLog(5, 'manifest', [[bytesOf(1)]]);
    expectCorruption(manifest, 5, 0, { expectKind: 'wal' });
    expect(payloadsOf(readLog(manifest, 5, { expectKind: 'manifest' }))).toEqual([[1]]);

    const header = encodeFileHeaderPayload('wal', 5);
    const badVersion = header.slice();
    badVersion[4] = 2;
    const badMagic = header.slice();
    badMagic[0] = 0x54;
    const badKind = header.slice();
    badKind[6] = 3;
    const otherNumber = encodeFileHeaderPayload('wal', 6);
    for (const payload of [badVersion, badMagic, badKind, otherNumber, header.subarray(0, 14)]) {
      expectCorruption(forgeRecord(5, RecordType.FileHeader, payload), 5, 0);
    }
  });

  it('rejects a whole file renamed to another number, naming the number in its header', async () => {
    const { data } = await buildLog(7, 'wal', sample);
    expectCorruption(data, 8, 0);
    expect(readLog(data, 8, { salvage: true }).corruption?.reason).toContain('intact for file 7');
  });

  it('rejects a record copied from log file 7 into log file 8', async () => {
    const seven = await buildLog(7, 'wal', [[bytesOf(1, 1)], [bytesOf(2, 2)]]);
    const eight = await buildLog(8, 'wal', [[bytesOf(3, 3)]]);
    const copied = seven.data.subarray(seven.boundaries[1]!, seven.boundaries[2]!);
    const spliced = concat(eight.data, copied);
    expectCorruption(spliced, 8, eight.data.length);
    const salvaged = readLog(spliced, 8, { salvage: true });
    expect(payloadsOf(salvaged)).toEqual([[3, 3]]);
    expect(salvaged.corruption?.reason).toBe('header checksum mismatch');
  });

  it('treats a zero-filled tail as torn, but not zeros followed by anything else', async () => {
    const { data } = await buildLog(5, 'wal', sample);
    for (const zeros of [1, LOG_HEADER_BYTES - 1, LOG_HEADER_BYTES, 4096]) {
      const result = readLog(concat(data, new Uint8Array(zeros)), 5);
      expect(result.tail).toBe('torn');
      expect(result.validBytes).toBe(data.length);
      expect(result.records).toHaveLength(5);
    }
    const tail = new Uint8Array(100);
    tail[99] = 1;
    expectCorruption(concat(data, tail), 5, data.length);
  });
});

describe('readLog torn tails', () => {
  it('returns exactly the complete records before a cut at every byte of the log', async () => {
    const groups = [[bytesOf(1, 2, 3)], [bytesOf(), bytesOf(9, 9, 9, 9)], [new Uint8Array(20).fill(6)]];
    const all = groups.flat().map((payload) => [...payload]);
    const { data, boundaries } = await buildLog(11, 'wal', groups);
    // Cover everything from the file header through the last two records.
    for (let cut = 0; cut < data.length; cut++) {
      const result = readLog(data.subarray(0, cut), 11);
      const complete = boundaries.filter((boundary, index) => index > 0 && boundary <= cut).length;
      const atBoundary = cut === 0 || boundaries.includes(cut);
      expect(result.tail, `cut at ${cut}`).toBe(atBoundary ? 'clean' : 'torn');
      if (cut < FILE_HEADER_RECORD_BYTES) {
        expect(result.records, `cut at ${cut}`).toEqual([]);
        expect(result.validBytes).toBe(0);
        continue;
      }
      expect(payloadsOf(result), `cut at ${cut}`).toEqual(all.slice(0, complete));
      expect(result.validBytes, `cut at ${cut}`).toBe(complete === 0 ? FILE_HEADER_RECORD_BYTES : boundaries[complete]);
    }
  });

  it('returns the complete prefix for random logs cut at random points', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (groups, fraction) => {
          const { data, boundaries } = await buildLog(2, 'wal', groups);
          const cut = Math.floor(fraction * data.length);
          const result = readLog(data.subarray(0, cut), 2, { expectKind: 'wal' });
          const complete = boundaries.filter((boundary, index) => index > 0 && boundary <= cut).length;
          expect(payloadsOf(result)).toEqual(groups.flat().slice(0, complete).map((payload) => [...payload]));
          expect(result.tail).toBe(cut === data.length || cut === 0 ? 'clean' : boundaries.includes(cut) ? 'clean' : 'torn');
        },
      ),
    );
  });
});

describe('readLog single-bit flips', () => {
  it('detects every single-bit flip anywhere in a complete log as corruption', async () => {
    const { data } = await buildLog(13, 'wal', [[bytesOf(1, 2, 3)], [bytesOf(), bytesOf(0xff)], [bytesOf(10, 20, 30, 40, 50)]]);
    const originals = readLog(data, 13).records.map((record) => [...record.payload]);
    expect(data.length * 8).toBeGreaterThan(700);
    for (let bit = 0; bit < data.length * 8; bit++) {
      const damaged = data.slice();
      damaged[bit >>> 3]! ^= 1 << (bit & 7);
      expect(() => readLog(damaged, 13), `bit ${bit}`).toThrow(CorruptionError);
      // With salvage, what comes back is a prefix of the original records, byte for byte.
      const salvaged = readLog(damaged, 13, { salvage: true });
      expect(salvaged.tail, `bit ${bit}`).toBe('corrupt');
      expect(payloadsOf(salvaged)).toEqual(originals.slice(0, salvaged.records.length));
    }
  });
});
