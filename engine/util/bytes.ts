/**
 * Byte-string helpers. Keys compare as unsigned bytes, lexicographically, shorter first on a tie.
 */

/** Unsigned lexicographic comparison: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < length; i++) {
    const difference = a[i]! - b[i]!;
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/** Compares a[aStart, aEnd) with b[bStart, bEnd) without copying. */
export function compareByteRanges(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const aLength = aEnd - aStart;
  const bLength = bEnd - bStart;
  const length = aLength < bLength ? aLength : bLength;
  for (let i = 0; i < length; i++) {
    const difference = a[aStart + i]! - b[bStart + i]!;
    if (difference !== 0) return difference;
  }
  return aLength - bLength;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Number of leading bytes a and b share. */
export function sharedPrefixLength(a: Uint8Array, b: Uint8Array): number {
  const length = a.length < b.length ? a.length : b.length;
  let i = 0;
  while (i < length && a[i] === b[i]) i++;
  return i;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function readUint32BE(input: Uint8Array, offset: number): number {
  return ((input[offset]! << 24) | (input[offset + 1]! << 16) | (input[offset + 2]! << 8) | input[offset + 3]!) >>> 0;
}

export function writeUint32BE(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 24;
  out[offset + 1] = value >>> 16;
  out[offset + 2] = value >>> 8;
  out[offset + 3] = value;
}

export function readUint32LE(input: Uint8Array, offset: number): number {
  return (input[offset]! | (input[offset + 1]! << 8) | (input[offset + 2]! << 16) | (input[offset + 3]! << 24)) >>> 0;
}

export function writeUint32LE(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value;
  out[offset + 1] = value >>> 8;
  out[offset + 2] = value >>> 16;
  out[offset + 3] = value >>> 24;
}

/** Writes a non-negative safe integer as 8 bytes little-endian. */
export function writeUint64LE(out: Uint8Array, offset: number, value: number): void {
  writeUint32LE(out, offset, value >>> 0);
  writeUint32LE(out, offset + 4, Math.floor(value / 0x1_0000_0000));
}

/** Reads 8 bytes little-endian; returns -1 when the value exceeds 2^53 - 1. */
export function readUint64LE(input: Uint8Array, offset: number): number {
  const low = readUint32LE(input, offset);
  const high = readUint32LE(input, offset + 4);
  if (high > 0x1f_ffff) return -1;
  return high * 0x1_0000_0000 + low;
}
