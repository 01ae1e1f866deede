/**
 * LZ4 block compression through lz4-napi (lz4_flex underneath).
 *
 * Framing: lz4-napi's compressSync/uncompressSync use lz4_flex's "size-prepended" block format, not
 * the LZ4 frame format: `uncompressed length u32 LE ‖ raw LZ4 block`. That is exactly the payload of
 * a compressed block in our format (see FORMAT.md), so we store its output as is and the reader knows
 * the uncompressed size before it decompresses.
 *
 * Concurrency: synchronous calls into native code; no shared state.
 *
 * Invariants:
 * 1. The reader calls lz4Uncompress only on payloads whose checksum passed, but still checks the
 *    length prefix against a bound and the decoded length against the prefix, so damage that slipped
 *    past the checksum (or verification turned off) becomes a CorruptionError, not wrong data or a
 *    giant allocation.
 */
import { compressSync, uncompressSync } from 'lz4-napi';
import { readUint32LE } from '../../util/bytes.js';
import { corruption } from './format.js';

/** The u32 LE uncompressed-length prefix. */
export const LZ4_LENGTH_PREFIX_BYTES = 4;

/** LZ4 cannot expand data by more than 255× (one literal-length byte per 255 bytes of match). */
const LZ4_EXPANSION_MAX = 255;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Compresses `raw`; the result is `length u32 LE ‖ LZ4 block`. */
export function lz4Compress(raw: Uint8Array): Uint8Array {
  return compressSync(asBuffer(raw));
}

/** Decompresses a payload produced by lz4Compress. CorruptionError (naming the file) on damage. */
export function lz4Uncompress(payload: Uint8Array, fileNumber: number, offset: number): Uint8Array {
  if (payload.length < LZ4_LENGTH_PREFIX_BYTES) throw corruption(fileNumber, `compressed block at ${offset} too short`);
  const declared = readUint32LE(payload, 0);
  if (declared > (payload.length - LZ4_LENGTH_PREFIX_BYTES) * LZ4_EXPANSION_MAX + 64) {
    throw corruption(fileNumber, `compressed block at ${offset} declares an impossible length ${declared}`);
  }
  let decoded: Buffer;
  try {
    decoded = uncompressSync(payload);
  } catch (error) {
    throw corruption(fileNumber, `compressed block at ${offset} fails to decompress`, error);
  }
  if (decoded.length !== declared) {
    throw corruption(fileNumber, `compressed block at ${offset} decodes to ${decoded.length} bytes, not ${declared}`);
  }
  // A plain Uint8Array view, so values handed out compare equal to Uint8Arrays in tests and callers.
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}
