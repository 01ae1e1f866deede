/**
 * Private copies of the keys and values a memtable keeps, allocated cheaply and freed together with
 * the memtable.
 *
 * Why: the write path must copy what the caller hands in (the caller may reuse its buffers once its
 * write resolves), and V8 gives a typed array larger than 64 bytes its own off-heap backing store —
 * ~500 ns for a 100-byte `slice()`, the largest single cost of a put. Here a copy of up to
 * BYTE_ARENA_SMALL_BYTES_MAX is a fresh on-heap array (cheap for V8), and a larger one up to a
 * quarter chunk is carved out of a chunk of BYTE_ARENA_CHUNK_BYTES; bigger ones get their own buffer.
 * Chunks are only referenced by the copies in them, which live exactly as long as the memtable (and
 * whoever was handed a view meanwhile), so nothing is pinned beyond that.
 *
 * Concurrency: single-threaded; one arena per memtable.
 *
 * Invariants:
 * 1. Copies never overlap and never change after copy() returned them (the cursor only moves forward
 *    within a chunk; a chunk is never reused once replaced).
 */
import { COPY_OUT_SMALL_BYTES_MAX, MEMTABLE_ARENA_CHUNK_BYTES } from '../../limits.js';

const POOLED_BYTES_MAX = MEMTABLE_ARENA_CHUNK_BYTES / 4;

export class ByteArena {
  #chunk = new ArrayBuffer(0);
  #chunkBytes = new Uint8Array(this.#chunk);
  #offset = 0;
  /** Bytes of chunks allocated so far (for memory accounting and tests). */
  allocatedBytes = 0;

  /** A private copy of `source`. */
  copy(source: Uint8Array): Uint8Array {
    const length = source.length;
    if (length <= COPY_OUT_SMALL_BYTES_MAX) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = source[i]!;
      return out;
    }
    // Not slice(): on a Node Buffer slice() returns a view, not a copy.
    if (length > POOLED_BYTES_MAX) return new Uint8Array(source);
    if (this.#offset + length > this.#chunkBytes.length) {
      this.#chunk = new ArrayBuffer(MEMTABLE_ARENA_CHUNK_BYTES);
      this.#chunkBytes = new Uint8Array(this.#chunk);
      this.#offset = 0;
      this.allocatedBytes += MEMTABLE_ARENA_CHUNK_BYTES;
    }
    const at = this.#offset;
    this.#chunkBytes.set(source, at);
    this.#offset = at + length;
    return new Uint8Array(this.#chunk, at, length);
  }
}
