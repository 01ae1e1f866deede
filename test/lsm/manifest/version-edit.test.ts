import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVEL_COUNT } from '../../../engine/limits.js';
import { encodeInternalKey, ValueType } from '../../../engine/lsm/internal-key.js';
import { decodeVersionEdit, EditTag, encodeVersionEdit, type FileMetadata, type VersionEdit } from '../../../engine/lsm/manifest/version-edit.js';
import { AssertionError } from '../../../engine/util/assert.js';
import { compareBytes } from '../../../engine/util/bytes.js';
import { CorruptionError } from '../../../engine/util/errors.js';

const counter = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

const fileArbitrary: fc.Arbitrary<FileMetadata> = fc
  .record({
    fileNumber: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    fileBytes: counter,
    entryCount: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    keyA: fc.uint8Array({ maxLength: 40 }),
    keyB: fc.uint8Array({ maxLength: 40 }),
    seqA: counter,
    seqB: counter,
  })
  .map(({ fileNumber, fileBytes, entryCount, keyA, keyB, seqA, seqB }) => {
    const [low, high] = compareBytes(keyA, keyB) <= 0 ? [keyA, keyB] : [keyB, keyA];
    const smallestSeq = Math.min(seqA, seqB);
    const largestSeq = Math.max(seqA, seqB);
    return {
      fileNumber,
      fileBytes,
      entryCount,
      smallestKey: encodeInternalKey(low, largestSeq, ValueType.Put),
      largestKey: encodeInternalKey(high, smallestSeq, ValueType.Delete),
      smallestSeq,
      largestSeq,
    };
  });

const level = fc.integer({ min: 0, max: LEVEL_COUNT - 1 });

export const editArbitrary: fc.Arbitrary<VersionEdit> = fc.record(
  {
    logNumber: counter,
    nextFileNumber: counter,
    lastSequence: counter,
    deletedFiles: fc.array(fc.record({ level, fileNumber: counter }), { minLength: 1, maxLength: 5 }),
    addedFiles: fc.array(fc.record({ level, file: fileArbitrary }), { minLength: 1, maxLength: 5 }),
  },
  { requiredKeys: [] },
);

describe('version edit codec', () => {
  it('round-trips every valid edit', () => {
    fc.assert(
      fc.property(editArbitrary, (edit) => {
        expect(decodeVersionEdit(encodeVersionEdit(edit))).toEqual(edit);
      }),
      { numRuns: 500 },
    );
  });

  it('encodes the worked example of FORMAT.md byte for byte', () => {
    const edit: VersionEdit = {
      logNumber: 7,
      nextFileNumber: 9,
      lastSequence: 300,
      deletedFiles: [{ level: 0, fileNumber: 5 }],
      addedFiles: [
        {
          level: 1,
          file: {
            fileNumber: 8,
            fileBytes: 4096,
            entryCount: 2,
            smallestKey: encodeInternalKey(new TextEncoder().encode('a'), 300, ValueType.Put),
            largestKey: encodeInternalKey(new TextEncoder().encode('b'), 299, ValueType.Delete),
            smallestSeq: 299,
            largestSeq: 300,
          },
        },
      ],
    };
    const hex = Buffer.from(encodeVersionEdit(edit)).toString('hex');
    expect(hex).toBe(
      '01' + '07' + '02' + '09' + '03' + 'ac02' + '04' + '00' + '05' +
        '05' + '01' + '08' + '8020' + '02' + '09' + '61' + '0000000000012c' + '01' + '09' + '62' + '0000000000012b' + '00' + 'ab02' + 'ac02',
    );
    expect(decodeVersionEdit(Buffer.from(hex, 'hex'))).toEqual(edit);
  });

  it('accepts fields in any order', () => {
    const payload = Uint8Array.of(EditTag.LastSequence, 5, EditTag.LogNumber, 3, EditTag.DeletedFile, 2, 9);
    expect(decodeVersionEdit(payload)).toEqual({ lastSequence: 5, logNumber: 3, deletedFiles: [{ level: 2, fileNumber: 9 }] });
  });

  it('rejects unknown tags, duplicates, bad levels and truncation as corruption', () => {
    const bad = [
      Uint8Array.of(6, 1),
      Uint8Array.of(0),
      Uint8Array.of(EditTag.LogNumber, 1, EditTag.LogNumber, 2),
      Uint8Array.of(EditTag.DeletedFile, LEVEL_COUNT, 1),
      Uint8Array.of(EditTag.DeletedFile, 1),
      Uint8Array.of(EditTag.LogNumber, 0x80),
      Uint8Array.of(EditTag.AddedFile, 0, 1, 1, 1, 3, 0, 0), // key shorter than its length and than a trailer
    ];
    for (const payload of bad) expect(() => decodeVersionEdit(payload), Buffer.from(payload).toString('hex')).toThrow(CorruptionError);
  });

  it('rejects files whose keys or sequences are inconsistent', () => {
    const file = (smallest: [string, number], largest: [string, number], smallestSeq: number, largestSeq: number): FileMetadata => ({
      fileNumber: 1,
      fileBytes: 1,
      entryCount: 1,
      smallestKey: encodeInternalKey(new TextEncoder().encode(smallest[0]), smallest[1], ValueType.Put),
      largestKey: encodeInternalKey(new TextEncoder().encode(largest[0]), largest[1], ValueType.Put),
      smallestSeq,
      largestSeq,
    });
    const cases = [
      file(['b', 1], ['a', 1], 1, 1), // smallest > largest
      file(['a', 1], ['b', 1], 2, 1), // smallestSeq > largestSeq
      file(['a', 5], ['b', 1], 1, 2), // key sequence outside the range
    ];
    for (const bad of cases) {
      expect(() => encodeVersionEdit({ addedFiles: [{ level: 1, file: bad }] })).toThrow(AssertionError);
    }
    // The same problems arriving from disk are corruption: build the bytes by hand for the first case.
    const good = encodeVersionEdit({ addedFiles: [{ level: 1, file: file(['a', 1], ['b', 1], 1, 1) }] });
    const swapped = Buffer.from(good);
    const a = swapped.indexOf(0x61);
    const b = swapped.indexOf(0x62);
    swapped[a] = 0x62;
    swapped[b] = 0x61;
    expect(() => decodeVersionEdit(swapped)).toThrow(CorruptionError);
  });

  it('throws only CorruptionError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          const edit = decodeVersionEdit(bytes);
          // Whatever decodes must re-encode and decode to the same edit.
          expect(decodeVersionEdit(encodeVersionEdit(edit))).toEqual(edit);
        } catch (error) {
          expect(error).toBeInstanceOf(CorruptionError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('every strict prefix of an encoding is corrupt or a shorter valid edit', () => {
    fc.assert(
      fc.property(editArbitrary, fc.nat(), (edit, cut) => {
        const bytes = encodeVersionEdit(edit);
        if (bytes.length === 0) return;
        const prefix = bytes.subarray(0, cut % bytes.length);
        try {
          expect(encodeVersionEdit(decodeVersionEdit(prefix))).toEqual(prefix);
        } catch (error) {
          expect(error).toBeInstanceOf(CorruptionError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
