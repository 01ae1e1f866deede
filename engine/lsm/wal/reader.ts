/**
 * Reads a whole log file (write-ahead log or manifest) held in memory. Format and reading rules:
 * engine/lsm/wal/FORMAT.md. Whole-file reads are fine: a WAL is bounded by the memtable size and a
 * manifest by MANIFEST_BYTES_MAX.
 *
 * Concurrency: a pure function over its input; no I/O.
 *
 * Rules, applied to each record in turn at `offset` (see FORMAT.md, "Reading rules"):
 * 1. No bytes left → clean end. Fewer than LOG_HEADER_BYTES left → torn tail.
 * 2. headerCrc mismatch → corruption, unless every byte from `offset` to the end is zero (a file
 *    extended by the file system but never written before a crash), which is a torn tail.
 * 3. Unknown type, a payload longer than LOG_RECORD_PAYLOAD_BYTES_MAX → corruption.
 * 4. Payload extends past the end → torn tail.
 * 5. payloadCrc mismatch → corruption.
 * 6. The first record must be a valid file header naming this file (and `expectKind`, if given);
 *    no other record may be a file header; every later record has the kind's data type.
 * A torn tail is not an error. Corruption throws CorruptionError (file number and byte offset in the
 * message) unless `salvage`, in which case reading stops there and the result reports it.
 *
 * Returned payloads are subarray views of `data` (no copies): they stay valid while `data` is not
 * modified, and modifying them modifies `data`.
 */
import { readUint32LE, readUint64LE } from '../../util/bytes.js';
import { CorruptionError } from '../../util/errors.js';
import {
  FILE_HEADER_MAGIC,
  FILE_HEADER_PAYLOAD_BYTES,
  HEADER_CRC_OFFSET,
  LENGTH_OFFSET,
  LOG_FORMAT_VERSION,
  LOG_HEADER_BYTES,
  LOG_RECORD_PAYLOAD_BYTES_MAX,
  LogChecksums,
  LogKindCode,
  PAYLOAD_CRC_OFFSET,
  RecordType,
  TYPE_OFFSET,
  isRecordType,
  recordTypeForKind,
  type LogKind,
} from './format.js';

export interface LogRecord {
  type: RecordType;
  /** A view into the data passed to readLog. */
  payload: Uint8Array;
  /** Byte offset of the record's header in the file. */
  offset: number;
}

export interface LogReadResult {
  /** Data records in file order; the file-header record is checked, not returned. */
  records: LogRecord[];
  /** Offset just past the last good record (file header included). */
  validBytes: number;
  /** 'corrupt' only with salvage. */
  tail: 'clean' | 'torn' | 'corrupt';
  corruption?: { offset: number; reason: string };
}

export interface ReadLogOptions {
  /** Stop at corruption and report it instead of throwing. */
  salvage?: boolean;
  /** Reject a file whose header names the other kind. */
  expectKind?: LogKind;
}

/** Where and why reading stopped at corruption. */
interface Corruption {
  offset: number;
  reason: string;
}

export function readLog(data: Uint8Array, fileNumber: number, options?: ReadLogOptions): LogReadResult {
  const checksums = new LogChecksums(fileNumber);
  const records: LogRecord[] = [];
  const end = data.length;
  let dataType: RecordType | undefined;
  let offset = 0;
  let tail: 'clean' | 'torn' = 'clean';
  let corruption: Corruption | undefined;
  while (offset < end) {
    if (end - offset < LOG_HEADER_BYTES) {
      tail = 'torn';
      break;
    }
    if (readUint32LE(data, offset + HEADER_CRC_OFFSET) !== checksums.headerCrc(data, offset)) {
      if (isZeroFrom(data, offset)) {
        tail = 'torn';
        break;
      }
      corruption = { offset, reason: headerMismatchReason(data, offset, fileNumber) };
      break;
    }
    const length = readUint32LE(data, offset + LENGTH_OFFSET);
    const type = data[offset + TYPE_OFFSET]!;
    if (!isRecordType(type)) {
      corruption = { offset, reason: `unknown record type ${type}` };
      break;
    }
    if (length > LOG_RECORD_PAYLOAD_BYTES_MAX) {
      corruption = { offset, reason: `record length ${length} exceeds ${LOG_RECORD_PAYLOAD_BYTES_MAX}` };
      break;
    }
    const payloadStart = offset + LOG_HEADER_BYTES;
    const payloadEnd = payloadStart + length;
    if (payloadEnd > end) {
      tail = 'torn';
      break;
    }
    if (readUint32LE(data, offset + PAYLOAD_CRC_OFFSET) !== checksums.payloadCrc(type, data, payloadStart, payloadEnd)) {
      corruption = { offset, reason: 'payload checksum mismatch' };
      break;
    }
    const payload = data.subarray(payloadStart, payloadEnd);
    if (dataType === undefined) {
      const checked = checkFileHeader(type, payload, fileNumber, options?.expectKind);
      if (typeof checked === 'string') {
        corruption = { offset, reason: checked };
        break;
      }
      dataType = checked;
    } else if (type !== dataType) {
      corruption = { offset, reason: `record type ${type} in a file of record type ${dataType}` };
      break;
    } else {
      records.push({ type, payload, offset });
    }
    offset = payloadEnd;
  }
  // On every exit path `offset` is the start of the first record not accepted (or the end).
  const validBytes = offset;
  if (corruption === undefined) return { records, validBytes, tail };
  if (options?.salvage !== true) {
    throw new CorruptionError(`log file ${fileNumber}: ${corruption.reason} at byte offset ${corruption.offset}`);
  }
  return { records, validBytes, tail: 'corrupt', corruption };
}

/** Validates the first record: the data record type of the file's kind, or why it is corrupt. */
function checkFileHeader(
  type: RecordType,
  payload: Uint8Array,
  fileNumber: number,
  expectKind: LogKind | undefined,
): RecordType | string {
  if (type !== RecordType.FileHeader) return `first record has type ${type}, not a file header`;
  if (payload.length !== FILE_HEADER_PAYLOAD_BYTES) {
    return `file header of ${payload.length} bytes, expected ${FILE_HEADER_PAYLOAD_BYTES}`;
  }
  if (!hasMagic(payload, 0)) return 'bad file header magic';
  const version = payload[4]! | (payload[5]! << 8);
  if (version !== LOG_FORMAT_VERSION) return `unsupported log format version ${version}`;
  const kindCode = payload[6]!;
  const kind: LogKind | undefined =
    kindCode === LogKindCode.wal ? 'wal' : kindCode === LogKindCode.manifest ? 'manifest' : undefined;
  if (kind === undefined) return `unknown log kind ${kindCode}`;
  if (expectKind !== undefined && kind !== expectKind) {
    return `file is a ${kind} log, expected a ${expectKind} log`;
  }
  const headerFileNumber = readUint64LE(payload, 7);
  if (headerFileNumber !== fileNumber) {
    return `file header names file ${headerFileNumber}, expected ${fileNumber}`;
  }
  return recordTypeForKind(kind);
}

function hasMagic(data: Uint8Array, offset: number): boolean {
  for (let i = 0; i < FILE_HEADER_MAGIC.length; i++) if (data[offset + i] !== FILE_HEADER_MAGIC[i]) return false;
  return true;
}

function isZeroFrom(data: Uint8Array, offset: number): boolean {
  for (let i = offset; i < data.length; i++) if (data[i] !== 0) return false;
  return true;
}

/**
 * The reason for a header checksum mismatch. When the first record is a file header that is intact
 * under the number it names, the file was most likely renamed or copied: say so, it helps an operator.
 */
function headerMismatchReason(data: Uint8Array, offset: number, fileNumber: number): string {
  const reason = 'header checksum mismatch';
  const payloadStart = offset + LOG_HEADER_BYTES;
  if (
    offset !== 0 ||
    data.length < payloadStart + FILE_HEADER_PAYLOAD_BYTES ||
    readUint32LE(data, LENGTH_OFFSET) !== FILE_HEADER_PAYLOAD_BYTES ||
    data[TYPE_OFFSET] !== RecordType.FileHeader ||
    !hasMagic(data, payloadStart)
  ) {
    return reason;
  }
  const namedFileNumber = readUint64LE(data, payloadStart + 7);
  if (namedFileNumber < 0 || namedFileNumber === fileNumber) return reason;
  const named = new LogChecksums(namedFileNumber);
  const intact =
    readUint32LE(data, HEADER_CRC_OFFSET) === named.headerCrc(data, 0) &&
    readUint32LE(data, PAYLOAD_CRC_OFFSET) ===
      named.payloadCrc(RecordType.FileHeader, data, payloadStart, payloadStart + FILE_HEADER_PAYLOAD_BYTES);
  return intact ? `${reason}: the file header is intact for file ${namedFileNumber} (renamed or copied file?)` : reason;
}
