/**
 * The log file format, shared by the write-ahead log and the manifest: a sequence of checksummed
 * records, the first of which names the file. Byte-for-byte description, worked example and the
 * reasons: engine/lsm/wal/FORMAT.md.
 *
 *   record  := payloadCrc:u32le headerCrc:u32le length:u32le type:u8 payload:byte[length]
 *   headerCrc  = mask(crc32c(length ‖ type,  seed))
 *   payloadCrc = mask(crc32c(type ‖ payload, seed))
 *   seed       = crc32c(fileNumber as u64le)
 *
 * Concurrency: pure functions and an immutable checksum helper; safe to share.
 *
 * Invariants:
 * 1. Every number here is part of the on-disk format: never renumber, never reuse a retired value.
 * 2. A record's checksums depend on the number of the file it is in, so a record is valid in exactly
 *    one file (with overwhelming probability).
 * 3. No record's payload is larger than WRITE_BATCH_BYTES_MAX.
 */
import { WRITE_BATCH_BYTES_MAX } from '../../limits.js';
import { assertionFailed } from '../../util/assert.js';
import { writeUint32LE, writeUint64LE } from '../../util/bytes.js';
import { crc32c, maskCrc } from '../../util/crc32c.js';

/** Record types. Part of the on-disk format: never renumber. 0 is never valid (zero-filled tails). */
export const RecordType = { WriteBatch: 1, VersionEdit: 2, FileHeader: 3 } as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

export function isRecordType(byte: number): byte is RecordType {
  return byte === RecordType.WriteBatch || byte === RecordType.VersionEdit || byte === RecordType.FileHeader;
}

/** payloadCrc(4) + headerCrc(4) + length(4) + type(1). */
export const LOG_HEADER_BYTES = 13;
/** Byte offsets inside the record header. */
export const PAYLOAD_CRC_OFFSET = 0;
export const HEADER_CRC_OFFSET = 4;
export const LENGTH_OFFSET = 8;
export const TYPE_OFFSET = 12;

/** Largest payload a record may carry; the writer rejects larger, the reader reports larger as corrupt. */
export const LOG_RECORD_PAYLOAD_BYTES_MAX = WRITE_BATCH_BYTES_MAX;

/** What a log file holds. */
export type LogKind = 'wal' | 'manifest';
/** Kind codes in the file-header record. Part of the on-disk format: never renumber. */
export const LogKindCode = { wal: 1, manifest: 2 } as const;

/** The one data record type each kind of file may contain. */
export function recordTypeForKind(kind: LogKind): RecordType {
  return kind === 'wal' ? RecordType.WriteBatch : RecordType.VersionEdit;
}

/** The file-header payload: magic "SLOG", format version u16le, kind u8, file number u64le. */
export const FILE_HEADER_MAGIC: readonly number[] = [0x53, 0x4c, 0x4f, 0x47];
/** Version of this log format. Bump when the grammar changes; readers reject versions they do not know. */
export const LOG_FORMAT_VERSION = 1;
export const FILE_HEADER_PAYLOAD_BYTES = 15;

export function encodeFileHeaderPayload(kind: LogKind, fileNumber: number): Uint8Array {
  if (!(Number.isSafeInteger(fileNumber) && fileNumber >= 0)) assertionFailed(`file number out of range: ${fileNumber}`);
  const out = new Uint8Array(FILE_HEADER_PAYLOAD_BYTES);
  out.set(FILE_HEADER_MAGIC, 0);
  out[4] = LOG_FORMAT_VERSION & 0xff;
  out[5] = LOG_FORMAT_VERSION >>> 8;
  out[6] = LogKindCode[kind];
  writeUint64LE(out, 7, fileNumber);
  return out;
}

/** The per-file checksum seed: crc32c of the file number as 8 bytes little-endian. */
export function logFileSeed(fileNumber: number): number {
  if (!(Number.isSafeInteger(fileNumber) && fileNumber >= 0)) assertionFailed(`file number out of range: ${fileNumber}`);
  const bytes = new Uint8Array(8);
  writeUint64LE(bytes, 0, fileNumber);
  return crc32c(bytes, 0);
}

/**
 * Computes one file's record checksums. The CRC of the seed extended by each type byte is computed
 * once, so checksumming a payload costs one native call.
 */
export class LogChecksums {
  readonly seed: number;
  readonly #typeSeeds: number[] = [];

  constructor(readonly fileNumber: number) {
    this.seed = logFileSeed(fileNumber);
    const typeByte = new Uint8Array(1);
    for (const type of Object.values(RecordType)) {
      typeByte[0] = type;
      this.#typeSeeds[type] = crc32c(typeByte, this.seed);
    }
  }

  /** Masked CRC of the 5 bytes (length, type) of the header starting at `offset`. */
  headerCrc(buffer: Uint8Array, offset: number): number {
    return maskCrc(crc32c(buffer.subarray(offset + LENGTH_OFFSET, offset + LOG_HEADER_BYTES), this.seed));
  }

  /** Masked CRC of type ‖ buffer[start, end). */
  payloadCrc(type: RecordType, buffer: Uint8Array, start: number, end: number): number {
    const typeSeed = this.#typeSeeds[type];
    if (typeSeed === undefined) assertionFailed(`no seed for record type ${type}`);
    return maskCrc(crc32c(buffer.subarray(start, end), typeSeed));
  }

  /**
   * Writes one framed record at `out[offset]` and returns the offset after it. The caller guarantees
   * room (LOG_HEADER_BYTES + payload.length) and a payload within LOG_RECORD_PAYLOAD_BYTES_MAX.
   */
  writeRecord(out: Uint8Array, offset: number, type: RecordType, payload: Uint8Array): number {
    const payloadStart = offset + LOG_HEADER_BYTES;
    const end = payloadStart + payload.length;
    writeUint32LE(out, offset + LENGTH_OFFSET, payload.length);
    out[offset + TYPE_OFFSET] = type;
    out.set(payload, payloadStart);
    // Checksum the bytes as placed in the output, i.e. exactly what goes to disk.
    writeUint32LE(out, offset + HEADER_CRC_OFFSET, this.headerCrc(out, offset));
    writeUint32LE(out, offset + PAYLOAD_CRC_OFFSET, this.payloadCrc(type, out, payloadStart, end));
    return end;
  }
}
