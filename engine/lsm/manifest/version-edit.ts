/**
 * A version edit: one change to the set of SSTables that make up the store (files added and removed
 * at levels) plus the counters recovery needs. The manifest is a log of encoded edits; replaying them
 * in order rebuilds the file set. Byte grammar, worked example and reasons: ./FORMAT.md.
 *
 *   edit   := field*                        (any order; each scalar field at most once)
 *   field  := tag:varint body
 *   tag 1  logNumber       body := varint
 *   tag 2  nextFileNumber  body := varint
 *   tag 3  lastSequence    body := varint
 *   tag 4  deletedFile     body := level:varint fileNumber:varint
 *   tag 5  addedFile       body := level:varint fileNumber:varint fileBytes:varint entryCount:varint
 *                                  smallestKey:bytes largestKey:bytes smallestSeq:varint largestSeq:varint
 *   bytes  := length:varint byte[length]
 *
 * Concurrency: pure functions.
 *
 * Invariants:
 * 1. Tag numbers are part of the on-disk format: never renumber, never reuse a retired tag.
 * 2. An unknown tag is corruption, not something to skip: an edit this code cannot fully understand
 *    must not be half-applied (a skipped "file deleted" would resurrect a file).
 * 3. encode(decode(bytes)) need not equal bytes (field order is free), but decode(encode(edit))
 *    equals edit for every valid edit.
 */
import { LEVEL_COUNT, SEQUENCE_MAX, STORE_KEY_BYTES_MAX } from '../../limits.js';
import { assert, assertionFailed } from '../../util/assert.js';
import { CorruptionError } from '../../util/errors.js';
import { readVarint, varintLength, writeVarint, type VarintResult } from '../../util/varint.js';
import { compareInternalKeys, seqOf, TRAILER_BYTES } from '../internal-key.js';

export interface FileMetadata {
  fileNumber: number;
  fileBytes: number;
  entryCount: number;
  /** Encoded internal keys (engine/lsm/internal-key.ts): the first and last entry of the table. */
  smallestKey: Uint8Array;
  largestKey: Uint8Array;
  /** The smallest and largest sequence number of any entry in the table. */
  smallestSeq: number;
  largestSeq: number;
}

export interface VersionEdit {
  logNumber?: number;
  nextFileNumber?: number;
  lastSequence?: number;
  deletedFiles?: { level: number; fileNumber: number }[];
  addedFiles?: { level: number; file: FileMetadata }[];
}

/** Field tags. Part of the on-disk format: never renumber. */
export const EditTag = {
  LogNumber: 1,
  NextFileNumber: 2,
  LastSequence: 3,
  DeletedFile: 4,
  AddedFile: 5,
} as const;

/** An internal key is a user key (at most STORE_KEY_BYTES_MAX) plus its 8-byte trailer. */
const INTERNAL_KEY_BYTES_MAX = STORE_KEY_BYTES_MAX + TRAILER_BYTES;

/** What is wrong with `file`, or undefined when it is well formed. Shared by encoder and decoder. */
export function fileMetadataProblem(file: FileMetadata): string | undefined {
  const { fileNumber, fileBytes, entryCount, smallestKey, largestKey, smallestSeq, largestSeq } = file;
  if (!isCount(fileNumber) || !isCount(fileBytes) || !isCount(entryCount) || !isCount(smallestSeq) || !isCount(largestSeq)) {
    return `file ${fileNumber}: a number field is not a non-negative integer`;
  }
  if (fileNumber === 0) return 'file number 0 is never allocated';
  if (entryCount === 0) return `file ${fileNumber}: an SSTable holds at least one entry`;
  if (largestSeq > SEQUENCE_MAX) return `file ${fileNumber}: largestSeq ${largestSeq} beyond SEQUENCE_MAX`;
  if (smallestSeq > largestSeq) return `file ${fileNumber}: smallestSeq ${smallestSeq} > largestSeq ${largestSeq}`;
  const keyProblem = internalKeyProblem(smallestKey, smallestSeq, largestSeq) ?? internalKeyProblem(largestKey, smallestSeq, largestSeq);
  if (keyProblem !== undefined) return `file ${fileNumber}: ${keyProblem}`;
  if (compareInternalKeys(smallestKey, largestKey) > 0) return `file ${fileNumber}: smallestKey > largestKey`;
  return undefined;
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function internalKeyProblem(key: Uint8Array, smallestSeq: number, largestSeq: number): string | undefined {
  if (key.length < TRAILER_BYTES || key.length > INTERNAL_KEY_BYTES_MAX) return `internal key of ${key.length} bytes`;
  const seq = seqOf(key);
  if (seq < smallestSeq || seq > largestSeq) return `key sequence ${seq} outside [smallestSeq, largestSeq]`;
  return undefined;
}

function levelProblem(level: number): string | undefined {
  return Number.isSafeInteger(level) && level >= 0 && level < LEVEL_COUNT ? undefined : `level ${level} out of range`;
}

function counterProblem(name: string, value: number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return isCount(value) ? undefined : `${name} ${value} is not a non-negative integer`;
}

function editProblem(edit: VersionEdit): string | undefined {
  const problem =
    counterProblem('logNumber', edit.logNumber) ??
    counterProblem('nextFileNumber', edit.nextFileNumber) ??
    counterProblem('lastSequence', edit.lastSequence);
  if (problem !== undefined) return problem;
  if (edit.lastSequence !== undefined && edit.lastSequence > SEQUENCE_MAX) return `lastSequence beyond SEQUENCE_MAX`;
  for (const { level, fileNumber } of edit.deletedFiles ?? []) {
    const p = levelProblem(level) ?? counterProblem('deleted fileNumber', fileNumber);
    if (p !== undefined) return p;
  }
  for (const { level, file } of edit.addedFiles ?? []) {
    const p = levelProblem(level) ?? fileMetadataProblem(file);
    if (p !== undefined) return p;
  }
  return undefined;
}

/** Encodes `edit`; requires a well-formed edit (asserted: a malformed one is a bug in the caller). */
export function encodeVersionEdit(edit: VersionEdit): Uint8Array {
  const problem = editProblem(edit);
  if (problem !== undefined) assertionFailed(`encodeVersionEdit: ${problem}`);
  const deleted = edit.deletedFiles ?? [];
  const added = edit.addedFiles ?? [];

  // Size exactly first, so the edit is written into one buffer with no copying.
  let size = 0;
  if (edit.logNumber !== undefined) size += 1 + varintLength(edit.logNumber);
  if (edit.nextFileNumber !== undefined) size += 1 + varintLength(edit.nextFileNumber);
  if (edit.lastSequence !== undefined) size += 1 + varintLength(edit.lastSequence);
  for (const { level, fileNumber } of deleted) size += 1 + varintLength(level) + varintLength(fileNumber);
  for (const { level, file } of added) {
    size +=
      1 +
      varintLength(level) +
      varintLength(file.fileNumber) +
      varintLength(file.fileBytes) +
      varintLength(file.entryCount) +
      varintLength(file.smallestKey.length) +
      file.smallestKey.length +
      varintLength(file.largestKey.length) +
      file.largestKey.length +
      varintLength(file.smallestSeq) +
      varintLength(file.largestSeq);
  }

  const out = new Uint8Array(size);
  let offset = 0;
  if (edit.logNumber !== undefined) {
    out[offset++] = EditTag.LogNumber;
    offset = writeVarint(out, offset, edit.logNumber);
  }
  if (edit.nextFileNumber !== undefined) {
    out[offset++] = EditTag.NextFileNumber;
    offset = writeVarint(out, offset, edit.nextFileNumber);
  }
  if (edit.lastSequence !== undefined) {
    out[offset++] = EditTag.LastSequence;
    offset = writeVarint(out, offset, edit.lastSequence);
  }
  for (const { level, fileNumber } of deleted) {
    out[offset++] = EditTag.DeletedFile;
    offset = writeVarint(out, offset, level);
    offset = writeVarint(out, offset, fileNumber);
  }
  for (const { level, file } of added) {
    out[offset++] = EditTag.AddedFile;
    offset = writeVarint(out, offset, level);
    offset = writeVarint(out, offset, file.fileNumber);
    offset = writeVarint(out, offset, file.fileBytes);
    offset = writeVarint(out, offset, file.entryCount);
    offset = writeVarint(out, offset, file.smallestKey.length);
    out.set(file.smallestKey, offset);
    offset += file.smallestKey.length;
    offset = writeVarint(out, offset, file.largestKey.length);
    out.set(file.largestKey, offset);
    offset += file.largestKey.length;
    offset = writeVarint(out, offset, file.smallestSeq);
    offset = writeVarint(out, offset, file.largestSeq);
  }
  assert(offset === size, 'encodeVersionEdit: size mismatch');
  return out;
}

/** Reads fields of one payload, throwing CorruptionError at the first malformed byte. */
class EditDecoder {
  readonly #varint: VarintResult = { value: 0, offset: 0 };
  offset = 0;

  constructor(readonly payload: Uint8Array) {}

  fail(reason: string): never {
    throw new CorruptionError(`version edit: ${reason} (at byte ${this.offset} of ${this.payload.length})`);
  }

  varint(what: string): number {
    if (!readVarint(this.payload, this.offset, this.payload.length, this.#varint)) this.fail(`bad or truncated varint (${what})`);
    this.offset = this.#varint.offset;
    return this.#varint.value;
  }

  bytes(what: string): Uint8Array {
    const length = this.varint(what);
    if (length > this.payload.length - this.offset) this.fail(`${what} of ${length} bytes runs past the end`);
    // A copy, so a decoded edit never pins the (possibly large) manifest buffer it came from. Not
    // `slice`: on a Buffer that returns a view.
    const out = new Uint8Array(this.payload.subarray(this.offset, this.offset + length));
    this.offset += length;
    return out;
  }
}

/** Decodes one edit. CorruptionError on malformed input: truncation, unknown tags, invalid values. */
export function decodeVersionEdit(payload: Uint8Array): VersionEdit {
  const d = new EditDecoder(payload);
  const edit: VersionEdit = {};
  const deleted: { level: number; fileNumber: number }[] = [];
  const added: { level: number; file: FileMetadata }[] = [];
  while (d.offset < payload.length) {
    const tag = d.varint('tag');
    switch (tag) {
      case EditTag.LogNumber:
        if (edit.logNumber !== undefined) d.fail('logNumber twice');
        edit.logNumber = d.varint('logNumber');
        break;
      case EditTag.NextFileNumber:
        if (edit.nextFileNumber !== undefined) d.fail('nextFileNumber twice');
        edit.nextFileNumber = d.varint('nextFileNumber');
        break;
      case EditTag.LastSequence:
        if (edit.lastSequence !== undefined) d.fail('lastSequence twice');
        edit.lastSequence = d.varint('lastSequence');
        break;
      case EditTag.DeletedFile: {
        const level = d.varint('level');
        const fileNumber = d.varint('fileNumber');
        deleted.push({ level, fileNumber });
        break;
      }
      case EditTag.AddedFile: {
        const level = d.varint('level');
        const fileNumber = d.varint('fileNumber');
        const fileBytes = d.varint('fileBytes');
        const entryCount = d.varint('entryCount');
        const smallestKey = d.bytes('smallestKey');
        const largestKey = d.bytes('largestKey');
        const smallestSeq = d.varint('smallestSeq');
        const largestSeq = d.varint('largestSeq');
        added.push({ level, file: { fileNumber, fileBytes, entryCount, smallestKey, largestKey, smallestSeq, largestSeq } });
        break;
      }
      default:
        d.fail(`unknown tag ${tag}`);
    }
  }
  if (deleted.length > 0) edit.deletedFiles = deleted;
  if (added.length > 0) edit.addedFiles = added;
  const problem = editProblem(edit);
  if (problem !== undefined) throw new CorruptionError(`version edit: ${problem}`);
  return edit;
}
