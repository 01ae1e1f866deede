/**
 * The fixed parts of the SSTable format: block handles, the block trailer and its checksum, the
 * footer, and the comparisons the builder and reader share. The byte layout is specified in
 * ./FORMAT.md; this file repeats it in comments so the encoder can be read beside the doc.
 *
 * Concurrency: pure functions over caller-owned buffers, plus one module-level scratch buffer that is
 * filled and consumed synchronously inside a single call (no await in between).
 *
 * Invariants:
 * 1. Every block on disk is `payload ‖ type u8 ‖ masked crc u32 LE` (the 5-byte trailer). The CRC is
 *    CRC32C(salt ‖ payload ‖ type) with salt = fileNumber u64 LE ‖ blockOffset u64 LE, so a block that
 *    is moved to another offset or another file fails its check even though its bytes are intact.
 * 2. The footer is the last FOOTER_BYTES of the file and is checksummed the same way (its own offset
 *    as the salt's offset).
 */
import { compareByteRanges, readUint32LE, readUint64LE, writeUint32LE, writeUint64LE } from '../../util/bytes.js';
import { crc32c, maskCrc } from '../../util/crc32c.js';
import { CorruptionError } from '../../util/errors.js';
import { TRAILER_BYTES, VALUE_TYPE_FOR_SEEK, readTrailerSeq } from '../internal-key.js';

/** Part of the on-disk format: never renumber. A retired tag stays here as a comment. */
export const CompressionType = { None: 0, Lz4: 1 } as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

/** type u8 ‖ masked crc32c u32 LE, after every block payload. */
export const BLOCK_TRAILER_BYTES = 5;

/** Version 1 is the only version; a reader refuses any other. */
export const TABLE_FORMAT_VERSION = 1;

/** The last 8 bytes of every table, as u64 LE 0x88e241b7_83f21a5d, stored as two u32 LE halves. */
export const TABLE_MAGIC_LOW = 0x83f21a5d;
export const TABLE_MAGIC_HIGH = 0x88e241b7;

/**
 * Footer: 6 × u64 LE (index offset, index size, filter offset, filter size, properties offset,
 * properties size) ‖ version u32 LE ‖ masked crc u32 LE over the preceding 52 bytes ‖ magic u64 LE.
 */
export const FOOTER_BYTES = 64;
const FOOTER_CHECKSUMMED_BYTES = 52;

/** Where a block's payload lies in the file; `size` excludes the 5-byte trailer. */
export interface BlockHandle {
  offset: number;
  size: number;
}

export interface Footer {
  index: BlockHandle;
  /** size 0 means the table has no filter (bloomBitsPerKey was 0). */
  filter: BlockHandle;
  properties: BlockHandle;
}

export function corruption(fileNumber: number, message: string, cause?: unknown): CorruptionError {
  return new CorruptionError(`sstable ${fileNumber}: ${message}`, cause === undefined ? undefined : { cause });
}

const saltScratch = new Uint8Array(16);

/**
 * Masked CRC32C of salt(fileNumber, offset) ‖ bytes[0, length). For a block, `bytes` holds the
 * payload followed by the type byte, and `length` = payload size + 1.
 */
export function blockChecksum(fileNumber: number, offset: number, bytes: Uint8Array, length: number): number {
  writeUint64LE(saltScratch, 0, fileNumber);
  writeUint64LE(saltScratch, 8, offset);
  const seed = crc32c(saltScratch, 0);
  const covered = length === bytes.length ? bytes : bytes.subarray(0, length);
  return maskCrc(crc32c(covered, seed));
}

/** Writes type ‖ checksum after a payload already placed at out[payloadStart, payloadStart + size). */
export function writeBlockTrailer(
  out: Uint8Array,
  payloadStart: number,
  size: number,
  type: CompressionType,
  fileNumber: number,
  offset: number,
): void {
  out[payloadStart + size] = type;
  const covered = out.subarray(payloadStart, payloadStart + size + 1);
  writeUint32LE(out, payloadStart + size + 1, blockChecksum(fileNumber, offset, covered, covered.length));
}

export function encodeFooter(footer: Footer, fileNumber: number, footerOffset: number): Uint8Array {
  const out = new Uint8Array(FOOTER_BYTES);
  writeUint64LE(out, 0, footer.index.offset);
  writeUint64LE(out, 8, footer.index.size);
  writeUint64LE(out, 16, footer.filter.offset);
  writeUint64LE(out, 24, footer.filter.size);
  writeUint64LE(out, 32, footer.properties.offset);
  writeUint64LE(out, 40, footer.properties.size);
  writeUint32LE(out, 48, TABLE_FORMAT_VERSION);
  writeUint32LE(out, 52, blockChecksum(fileNumber, footerOffset, out, FOOTER_CHECKSUMMED_BYTES));
  writeUint32LE(out, 56, TABLE_MAGIC_LOW);
  writeUint32LE(out, 60, TABLE_MAGIC_HIGH);
  return out;
}

/**
 * Decodes and checks the footer read from the last FOOTER_BYTES of a file of `fileBytes` bytes.
 * Checks magic, checksum, version, and that every handle lies before the footer.
 */
export function decodeFooter(bytes: Uint8Array, fileNumber: number, fileBytes: number): Footer {
  if (bytes.length !== FOOTER_BYTES) throw corruption(fileNumber, `file too short for a footer (${fileBytes} bytes)`);
  if (readUint32LE(bytes, 56) !== TABLE_MAGIC_LOW || readUint32LE(bytes, 60) !== TABLE_MAGIC_HIGH) {
    throw corruption(fileNumber, 'bad magic number (not an sstable, or truncated)');
  }
  const footerOffset = fileBytes - FOOTER_BYTES;
  if (readUint32LE(bytes, 52) !== blockChecksum(fileNumber, footerOffset, bytes, FOOTER_CHECKSUMMED_BYTES)) {
    throw corruption(fileNumber, 'footer checksum mismatch');
  }
  const version = readUint32LE(bytes, 48);
  if (version !== TABLE_FORMAT_VERSION) throw corruption(fileNumber, `unsupported format version ${version}`);
  const handle = (at: number, name: string, mayBeEmpty: boolean): BlockHandle => {
    const offset = readUint64LE(bytes, at);
    const size = readUint64LE(bytes, at + 8);
    const empty = mayBeEmpty && offset === 0 && size === 0;
    if (offset < 0 || size < 0 || (!empty && offset + size + BLOCK_TRAILER_BYTES > footerOffset)) {
      throw corruption(fileNumber, `${name} handle out of range`);
    }
    return { offset, size };
  };
  return {
    index: handle(0, 'index', false),
    filter: handle(16, 'filter', true),
    properties: handle(32, 'properties', false),
  };
}

/**
 * Compares the seek target (userKey, seq, VALUE_TYPE_FOR_SEEK) with the encoded internal key
 * key[start, end), in internal order, without copying. Negative when the target sorts first.
 */
export function compareTargetToKey(userKey: Uint8Array, seq: number, key: Uint8Array, start: number, end: number): number {
  const userEnd = end - TRAILER_BYTES;
  const byUser = compareByteRanges(userKey, 0, userKey.length, key, start, userEnd);
  if (byUser !== 0) return byUser;
  const keySeq = readTrailerSeq(key, userEnd);
  if (seq !== keySeq) return seq > keySeq ? -1 : 1;
  // Larger type sorts first; the target carries the largest type.
  return key[end - 1]! - VALUE_TYPE_FOR_SEEK;
}

/** Internal-order comparison of a[aStart, aEnd) with b[bStart, bEnd), both encoded internal keys. */
export function compareInternalKeyRanges(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const byUser = compareByteRanges(a, aStart, aEnd - TRAILER_BYTES, b, bStart, bEnd - TRAILER_BYTES);
  if (byUser !== 0) return byUser;
  for (let i = TRAILER_BYTES; i > 0; i--) {
    const difference = b[bEnd - i]! - a[aEnd - i]!;
    if (difference !== 0) return difference;
  }
  return 0;
}
