/**
 * Point lookup inside one decoded data block, without rebuilding keys: the fast path of
 * TableReader.get. (BlockIterator.seek copies every key it passes into a scratch buffer and compares
 * it from its first byte; that was a third of a cached point read.)
 *
 * How: binary search over the restart keys (stored whole, compared in place), then a forward walk
 * that keeps L = the length of the common prefix of the target's user key and the previous entry's
 * user key, which sorts before the target. An entry sharing s > L bytes with its predecessor agrees
 * with it at byte L, where the predecessor is below the target, so it is below the target too:
 * skipped without reading its key. Otherwise its key from byte s on is exactly its unshared bytes,
 * compared in place. Every conclusion follows from the bytes themselves (not from the builder
 * choosing the longest shared prefix).
 *
 * The few shapes this walk does not settle — a newer version of the key invisible at `seq` (the
 * answer is a later entry of the same user key), or a user key that is a proper prefix of the
 * target — return LOOKUP_FALLBACK, and the caller seeks with a BlockIterator instead.
 *
 * Concurrency: synchronous; `out` and the module's varint scratch are used within one call.
 *
 * Invariants: entry bounds are checked as in BlockIterator#parseNext (CorruptionError on damage);
 * the block's restart array was checked by decodeBlock.
 */
import { readVarint, type VarintResult } from '../../util/varint.js';
import { TRAILER_BYTES, readTrailerSeq } from '../internal-key.js';
import type { DecodedBlock } from './block-reader.js';
import { compareTargetToKey, corruption } from './format.js';

export const LOOKUP_ABSENT = 0;
export const LOOKUP_FOUND = 1;
export const LOOKUP_FALLBACK = 2;
export type LookupOutcome = typeof LOOKUP_ABSENT | typeof LOOKUP_FOUND | typeof LOOKUP_FALLBACK;

/** Where lookupInBlock found the entry (valid after LOOKUP_FOUND). */
export class BlockLookupResult {
  valueOffset = 0;
  valueLength = 0;
  /** The entry's type byte: 0 Delete, 1 Put. */
  type = 0;
}

const varint: VarintResult = { value: 0, offset: 0 };

/**
 * Looks for the newest entry of `userKey` with sequence <= seq in `block`. LOOKUP_FOUND fills `out`;
 * LOOKUP_ABSENT means the block holds no such entry; LOOKUP_FALLBACK means: use BlockIterator.seek.
 */
export function lookupInBlock(
  block: DecodedBlock,
  userKey: Uint8Array,
  seq: number,
  out: BlockLookupResult,
  fileNumber: number,
  blockOffset: number,
): LookupOutcome {
  const data = block.data;
  const restarts = block.restarts;
  const end = block.entriesEnd;
  const targetLength = userKey.length;

  // The last restart whose key sorts before the target (or restart 0).
  let left = 0;
  let right = restarts.length - 1;
  while (left < right) {
    const mid = (left + right + 1) >>> 1;
    const keyStart = restartKeyStart(data, restarts[mid]!, end, fileNumber, blockOffset);
    if (compareTargetToKey(userKey, seq, data, keyStart, keyStart + varint.value) > 0) left = mid;
    else right = mid - 1;
  }

  let p = restarts[left]!;
  let nextRestart = left + 1 < restarts.length ? restarts[left + 1]! : end;
  let previousKeyLength = 0;
  let matched = 0; // common prefix of the target and the previous user key (which sorts before it)
  while (p < end) {
    const entryStart = p;
    let shared = data[p]!;
    let unshared = data[p + 1]!;
    let valueLength = data[p + 2]!;
    if ((shared | unshared | valueLength) < 0x80 && p + 3 <= end) {
      p += 3;
    } else {
      if (!readVarint(data, p, end, varint)) throw corrupt(fileNumber, blockOffset, 'bad shared length');
      shared = varint.value;
      if (!readVarint(data, varint.offset, end, varint)) throw corrupt(fileNumber, blockOffset, 'bad unshared length');
      unshared = varint.value;
      if (!readVarint(data, varint.offset, end, varint)) throw corrupt(fileNumber, blockOffset, 'bad value length');
      valueLength = varint.value;
      p = varint.offset;
    }
    const keyLength = shared + unshared;
    if (shared > previousKeyLength || keyLength < TRAILER_BYTES || p + unshared + valueLength > end) {
      throw corrupt(fileNumber, blockOffset, `entry at ${entryStart} out of bounds`);
    }
    if (entryStart === nextRestart) {
      if (shared !== 0) throw corrupt(fileNumber, blockOffset, 'restart entry has shared bytes');
      left++;
      nextRestart = left + 1 < restarts.length ? restarts[left + 1]! : end;
    }
    const userLength = keyLength - TRAILER_BYTES;
    const valueStart = p + unshared;
    if (shared > matched) {
      // Agrees with the previous key at byte `matched`, below the target's byte there: skip. That
      // byte must lie inside this entry's user key for the common prefix to carry over.
      if (matched >= userLength) return LOOKUP_FALLBACK;
    } else {
      // The key from byte `shared` on is this entry's unshared bytes: compare them in place.
      if (shared > userLength) return LOOKUP_FALLBACK;
      const limit = targetLength < userLength ? targetLength : userLength;
      const base = p - shared;
      let i = shared;
      let difference = 0;
      while (i < limit) {
        difference = userKey[i]! - data[base + i]!;
        if (difference !== 0) break;
        i++;
      }
      if (difference < 0) return LOOKUP_ABSENT; // this user key sorts after the target
      if (difference > 0) {
        matched = i;
      } else if (i === targetLength && i === userLength) {
        // Same user key. Entries of one key run newest first.
        if (readTrailerSeq(data, base + userLength) > seq) return LOOKUP_FALLBACK;
        const type = data[valueStart - 1]!;
        if (type > 1) throw corrupt(fileNumber, blockOffset, `bad value type ${type}`);
        out.valueOffset = valueStart;
        out.valueLength = valueLength;
        out.type = type;
        return LOOKUP_FOUND;
      } else if (i === targetLength) {
        return LOOKUP_ABSENT; // the target is a proper prefix of this user key: it sorts after
      } else {
        return LOOKUP_FALLBACK; // this user key is a proper prefix of the target
      }
    }
    previousKeyLength = keyLength;
    p = valueStart + valueLength;
  }
  return LOOKUP_ABSENT;
}

/** Offset of the key of the restart entry at `p`; leaves its length in `varint.value`. */
function restartKeyStart(data: Uint8Array, p: number, end: number, fileNumber: number, blockOffset: number): number {
  if (data[p] !== 0) throw corrupt(fileNumber, blockOffset, 'restart entry has shared bytes');
  p++;
  let keyLength = data[p]!;
  if (keyLength < 0x80 && p < end) {
    p++;
  } else {
    if (!readVarint(data, p, end, varint)) throw corrupt(fileNumber, blockOffset, 'bad key length');
    keyLength = varint.value;
    p = varint.offset;
  }
  while (p < end && data[p]! >= 0x80) p++; // the value length varint
  p++;
  if (keyLength < TRAILER_BYTES || p + keyLength > end) throw corrupt(fileNumber, blockOffset, 'key out of bounds');
  varint.value = keyLength;
  return p;
}

function corrupt(fileNumber: number, blockOffset: number, message: string): Error {
  return corruption(fileNumber, `block at ${blockOffset}: ${message}`);
}
