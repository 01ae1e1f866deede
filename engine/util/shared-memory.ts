/**
 * Typed arrays over SharedArrayBuffer, for memory that holds a store's data for long: the memtable's
 * tree and slabs (engine/lsm/memtable/) and the in-memory file system's files (engine/vfs/memory.ts).
 *
 * Why shared memory, though one thread writes it:
 * 1. The garbage collector. V8 counts ArrayBuffer memory allocated since its last full GC against
 *    the old generation's limit, and a small heap (a server's is ~12 MB) has a small limit: data
 *    arriving at a few MB a second set off a full GC every ~0.5 s, each a 2–9 ms pause on the 2-core
 *    bench machine. SharedArrayBuffer memory is not counted that way. Measured with a standalone
 *    script retaining 9 MB/s of 9 KiB buffers for 10 s beside short-lived JS garbage: 45 full GCs
 *    with ArrayBuffer, 7 with SharedArrayBuffer, 2 with nothing retained.
 * 2. A flush: a worker reads an immutable memtable's memory where it is (memtable-image.ts), so the
 *    main thread copies nothing.
 *
 * What goes in: memory its owner writes on one thread, and that other threads only read once it no
 * longer changes (an immutable memtable). Views of it are not handed to callers: reads copy out
 * (engine/lsm/copy-out.ts; the in-memory file system's read() slices, which copies into an
 * ordinary ArrayBuffer). TextDecoder, for one, refuses views of shared memory.
 */

export function sharedBytes(length: number): Uint8Array<SharedArrayBuffer> {
  return new Uint8Array(new SharedArrayBuffer(length));
}

export function sharedInt32s(length: number): Int32Array<SharedArrayBuffer> {
  return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
}

export function sharedFloat64s(length: number): Float64Array<SharedArrayBuffer> {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

/**
 * The ordinary ArrayBuffers behind `views`, for a transfer list: they move to the other thread,
 * while shared memory is shared as it is (and cannot be listed).
 */
export function movableBuffers(views: readonly ArrayBufferView[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const view of views) if (view.buffer instanceof ArrayBuffer) buffers.push(view.buffer);
  return buffers;
}

/** A shared copy of `from`, `length` elements long (length >= from.length): for arrays that grow by doubling. */
export function sharedGrown(from: Float64Array, length: number): Float64Array;
export function sharedGrown(from: Int32Array, length: number): Int32Array;
export function sharedGrown(from: Float64Array | Int32Array, length: number): Float64Array | Int32Array {
  const to = from instanceof Float64Array ? sharedFloat64s(length) : sharedInt32s(length);
  to.set(from);
  return to;
}
