/**
 * Copies of bytes handed to callers (values from get(), keys and values from scans), made cheaply.
 *
 * Why: V8 keeps a typed array of at most 64 bytes on the JS heap, but a larger one gets its own
 * off-heap ArrayBuffer backing store (malloc plus GC bookkeeping): measured ~500 ns for a 100-byte
 * `slice()` or `new Uint8Array(view)` on the project's VM, against ~35 ns for 16 bytes — most of a
 * cached point read. So a copy of up to COPY_OUT_SMALL_BYTES_MAX is a fresh on-heap array, and a
 * copy of up to COPY_OUT_POOLED_BYTES_MAX is carved out of a shared chunk of COPY_OUT_CHUNK_BYTES
 * (as Node's Buffer.allocUnsafe pools small buffers), ~130 ns. Larger copies get their own buffer.
 *
 * What a caller gets: a Uint8Array nobody else writes to, whose contents never change unless the
 * caller changes them. Pooled copies share their `.buffer` with neighbouring copies (byteOffset is
 * not 0, and a copy pins its chunk in memory while it lives): the same contract as Node's small
 * Buffers. Detaching that ArrayBuffer (transferring it) would break the neighbours.
 *
 * Concurrency: single-threaded; the chunk cursor is module state, used synchronously.
 *
 * Invariants:
 * 1. Pooled copies never overlap: the cursor only moves forward within a chunk, and a chunk is
 *    never reused once replaced.
 * 2. Pooled copies start at 8-byte aligned offsets (so a caller may build wider views over them).
 */
import { COPY_OUT_CHUNK_BYTES, COPY_OUT_POOLED_BYTES_MAX, COPY_OUT_SMALL_BYTES_MAX } from '../limits.js';

let chunk = new ArrayBuffer(0);
let chunkBytes = new Uint8Array(chunk);
let chunkOffset = 0;

/** A private copy of source[start, end). */
export function copyOut(source: Uint8Array, start: number, end: number): Uint8Array {
  const length = end - start;
  if (length <= COPY_OUT_SMALL_BYTES_MAX) {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = source[start + i]!;
    return out;
  }
  // Not slice(): on a Node Buffer slice() returns a view, not a copy.
  if (length > COPY_OUT_POOLED_BYTES_MAX) return new Uint8Array(source.subarray(start, end));
  if (chunkOffset + length > chunkBytes.length) {
    chunk = new ArrayBuffer(COPY_OUT_CHUNK_BYTES);
    chunkBytes = new Uint8Array(chunk);
    chunkOffset = 0;
  }
  const at = chunkOffset;
  chunkBytes.set(source.subarray(start, end), at);
  chunkOffset = (at + length + 7) & ~7;
  return new Uint8Array(chunk, at, length);
}

/** A private copy of all of `source`. */
export function copyOutAll(source: Uint8Array): Uint8Array {
  return copyOut(source, 0, source.length);
}
