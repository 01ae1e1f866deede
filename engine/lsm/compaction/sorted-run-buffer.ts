/**
 * A sorted run of entries flattened into one buffer, to hand a memtable's contents to a worker
 * thread (a flush off the main thread): the main thread only copies bytes; the worker builds the
 * table (block building, bloom hashing, LZ4, checksums: most of a flush's cost).
 *
 *   run   := entry*
 *   entry := keyLength varint ‖ key ‖ seq u64 LE ‖ type u8 ‖ valueLength varint ‖ value
 *
 * In memory only (never on disk), produced and consumed by this file.
 *
 * Concurrency: encodeSortedRun yields to the event loop between chunks; the source must not change
 * meanwhile (an immutable memtable does not). RunIterator has one owner.
 *
 * Invariants:
 * 1. Entries keep the source's order (internal order), so the run is a valid writeSortedRun input.
 * 2. RunIterator walks forward only (all writeSortedRun needs); other moves are bugs.
 */
import { assert } from '../../util/assert.js';
import { readUint64LE, writeUint64LE } from '../../util/bytes.js';
import { readVarint, varintLength, writeVarint, type VarintResult } from '../../util/varint.js';
import type { ValueType } from '../internal-key.js';
import type { InternalIterator } from '../iterator.js';

/**
 * Entries copied between yields to the event loop: ~1.4 µs an entry from a memtable, so ~1.5 ms of
 * foreground stall at most. It was 32 Ki entries, and every flush stalled requests for ~45 ms (the
 * open-loop PutItem p99 of bench:http was those stalls).
 */
const ENTRIES_PER_YIELD = 1024;

/**
 * Encodes every entry of `source` (positioned by seekToFirst here) into a buffer of at most
 * `bytesMax` bytes (the caller's upper bound: a memtable's approximateBytes is one).
 */
export async function encodeSortedRun(source: InternalIterator, bytesMax: number, yieldToForeground: () => Promise<void>): Promise<Uint8Array> {
  const out = new Uint8Array(bytesMax);
  let p = 0;
  let count = 0;
  for (source.seekToFirst(); source.valid(); source.next()) {
    const key = source.userKey();
    const value = source.value();
    const bytes = varintLength(key.length) + key.length + 9 + varintLength(value.length) + value.length;
    assert(p + bytes <= bytesMax, 'sorted run larger than its bound');
    p = writeVarint(out, p, key.length);
    out.set(key, p);
    p += key.length;
    writeUint64LE(out, p, source.sequence());
    out[p + 8] = source.valueType();
    p = writeVarint(out, p + 9, value.length);
    out.set(value, p);
    p += value.length;
    if (++count % ENTRIES_PER_YIELD === 0) await yieldToForeground();
  }
  return out.subarray(0, p);
}

export class RunIterator implements InternalIterator {
  readonly #run: Uint8Array;
  readonly #varint: VarintResult = { value: 0, offset: 0 };
  /** Offset of the current entry; run.length when not valid. */
  #at: number;
  #next = 0;
  #key: Uint8Array = new Uint8Array(0);
  #sequence = 0;
  #type: ValueType = 1;
  #value: Uint8Array = new Uint8Array(0);

  constructor(run: Uint8Array) {
    this.#run = run;
    this.#at = run.length;
  }

  valid(): boolean {
    return this.#at < this.#run.length;
  }

  seekToFirst(): void {
    this.#next = 0;
    this.#parse();
  }

  next(): void {
    assert(this.valid(), 'RunIterator.next while not valid');
    this.#parse();
  }

  seekToLast(): void {
    assert(false, 'RunIterator walks forward only');
  }

  seek(): void {
    assert(false, 'RunIterator walks forward only');
  }

  prev(): void {
    assert(false, 'RunIterator walks forward only');
  }

  userKey(): Uint8Array {
    return this.#key;
  }

  sequence(): number {
    return this.#sequence;
  }

  valueType(): ValueType {
    return this.#type;
  }

  value(): Uint8Array {
    return this.#value;
  }

  close(): void {
    this.#at = this.#run.length;
  }

  #parse(): void {
    const run = this.#run;
    const v = this.#varint;
    let p = this.#next;
    if (p >= run.length) {
      this.#at = run.length;
      return;
    }
    this.#at = p;
    assert(readVarint(run, p, run.length, v), 'sorted run: bad key length');
    p = v.offset;
    this.#key = run.subarray(p, p + v.value);
    p += v.value;
    this.#sequence = readUint64LE(run, p);
    const type = run[p + 8]!;
    assert(type === 0 || type === 1, 'sorted run: bad type');
    this.#type = type;
    assert(readVarint(run, p + 9, run.length, v), 'sorted run: bad value length');
    p = v.offset;
    this.#value = run.subarray(p, p + v.value);
    this.#next = p + v.value;
    assert(this.#next <= run.length, 'sorted run: entry past the end');
  }
}
