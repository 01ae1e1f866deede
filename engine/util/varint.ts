/**
 * LEB128 unsigned varints (as LevelDB/protobuf), for numbers up to 2^53 - 1. Part of several on-disk
 * formats. Decoding is bounds-checked: a truncated or overlong varint returns a failure value rather
 * than reading past the end, so callers can report corruption.
 */
import { assertionFailed } from './assert.js';

export const VARINT_MAX_BYTES = 8; // ceil(53 / 7)

export function varintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

/** Writes `value` at `offset`; returns the offset after it. The caller guarantees room. */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  if (!(Number.isSafeInteger(value) && value >= 0)) assertionFailed(`varint out of range: ${value}`);
  while (value >= 0x80) {
    out[offset++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[offset++] = value;
  return offset;
}

/**
 * Decoded value and the offset after it, written into `result` to avoid allocating.
 * Returns false when the bytes end mid-varint or the varint is longer than VARINT_MAX_BYTES.
 */
export interface VarintResult {
  value: number;
  offset: number;
}

export function readVarint(input: Uint8Array, offset: number, end: number, result: VarintResult): boolean {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < VARINT_MAX_BYTES; i++) {
    if (offset >= end) return false;
    const byte = input[offset++]!;
    value += (byte & 0x7f) * multiplier;
    if (byte < 0x80) {
      if (!Number.isSafeInteger(value)) return false;
      result.value = value;
      result.offset = offset;
      return true;
    }
    multiplier *= 128;
  }
  return false;
}
