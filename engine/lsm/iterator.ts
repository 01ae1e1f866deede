/**
 * The internal iterator every sorted source implements: memtables, SST blocks, tables, levels and
 * the merge of all of them. Entries come in internal order (see internal-key.ts), every version of
 * every key, tombstones included; the user-facing scan layer hides versions and tombstones.
 *
 * Contract:
 * 1. All methods are synchronous. Corruption met while moving throws CorruptionError.
 * 2. The accessors may be called only while `valid()`; byte arrays they return stay unchanged while
 *    the iterator stays on the entry, and may be views into shared buffers: copy to keep them.
 * 3. `seek(k, s)` positions at the first entry >= (k, s) in internal order, i.e. the first entry with
 *    user key > k, or user key == k and seq <= s.
 * 4. `close()` releases what the iterator pins (e.g. a version's files); it is idempotent.
 */
import type { ValueType } from './internal-key.js';

export interface InternalIterator {
  valid(): boolean;
  seekToFirst(): void;
  seekToLast(): void;
  seek(userKey: Uint8Array, seq: number): void;
  next(): void;
  prev(): void;
  userKey(): Uint8Array;
  sequence(): number;
  valueType(): ValueType;
  value(): Uint8Array;
  close(): void;
}
