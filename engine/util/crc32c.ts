/**
 * CRC32C (Castagnoli), the checksum of every on-disk format. The native implementation from
 * @node-rs/crc32 uses the CPU's CRC instructions. Stored checksums are *masked* (as LevelDB does) so
 * that a CRC computed over data that itself contains CRCs does not degenerate.
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC32C of `data`, continuing from `initial` (0 for a fresh checksum). Unsigned 32-bit. */
export function crc32c(data: Uint8Array, initial = 0): number {
  // The native function takes a Buffer; a Uint8Array view over the same memory costs no copy.
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return nativeCrc32c(buffer, initial) >>> 0;
}

const MASK_DELTA = 0xa282ead8;

/** LevelDB's mask: rotate right by 15 bits and add a constant. Part of the on-disk formats. */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

export function unmaskCrc(masked: number): number {
  const rotated = (masked - MASK_DELTA) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}
