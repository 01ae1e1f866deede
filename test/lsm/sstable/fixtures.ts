/**
 * Shared helpers for the SSTable tests: a reference model (sorted entry array) and a way to build a
 * table in a MemoryFileSystem and open it, or to open arbitrary (damaged) bytes as a table.
 */
import fc from 'fast-check';
import { compareBytes } from '../../../engine/util/bytes.js';
import { DELETED, ValueType, compareUserKeySeq, type LookupResult } from '../../../engine/lsm/internal-key.js';
import type { InternalIterator } from '../../../engine/lsm/iterator.js';
import { BlockCache, TableBuilder, TableReader, type TableBuilderOptions, type TableFileInfo } from '../../../engine/lsm/sstable/index.js';
import { MemoryFileSystem } from '../../../engine/vfs/memory.js';

export interface Entry {
  userKey: Uint8Array;
  seq: number;
  type: ValueType;
  value: Uint8Array;
}

/** Internal order: user key ascending, seq descending (seq is unique per key in our fixtures). */
export function compareEntries(a: Entry, b: Entry): number {
  return compareUserKeySeq(a.userKey, a.seq, b.userKey, b.seq);
}

export function sortEntries(entries: Entry[]): Entry[] {
  const seen = new Set<string>();
  const unique: Entry[] = [];
  for (const entry of entries) {
    const id = `${Buffer.from(entry.userKey).toString('hex')}/${entry.seq}`;
    if (seen.has(id)) continue;
    seen.add(id);
    unique.push(entry);
  }
  return unique.sort(compareEntries);
}

/** The model's answer to get(userKey, seq). */
export function referenceGet(entries: readonly Entry[], userKey: Uint8Array, seq: number): LookupResult {
  for (const entry of entries) {
    if (compareBytes(entry.userKey, userKey) === 0 && entry.seq <= seq) {
      return entry.type === ValueType.Delete ? DELETED : entry.value;
    }
  }
  return undefined;
}

/** Index of the first entry >= (userKey, seq) in internal order. */
export function referenceSeek(entries: readonly Entry[], userKey: Uint8Array, seq: number): number {
  const index = entries.findIndex((e) => compareUserKeySeq(e.userKey, e.seq, userKey, seq) >= 0);
  return index < 0 ? entries.length : index;
}

export function entryArbitrary(keyAlphabet = 4, keyLengthMax = 10, valueLengthMax = 40): fc.Arbitrary<Entry> {
  return fc.record({
    userKey: fc.array(fc.integer({ min: 0, max: keyAlphabet - 1 }), { maxLength: keyLengthMax }).map((bytes) => Uint8Array.from(bytes.map((b) => b * 60 + 1))),
    seq: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    type: fc.constantFrom<ValueType>(ValueType.Put, ValueType.Put, ValueType.Delete),
    value: fc.uint8Array({ maxLength: valueLengthMax }),
  });
}

export const DEFAULT_OPTIONS: TableBuilderOptions = { blockBytes: 4096, restartInterval: 16, bloomBitsPerKey: 10, compression: 'lz4' };

export async function buildTableBytes(
  entries: readonly Entry[],
  options: TableBuilderOptions = DEFAULT_OPTIONS,
  fileNumber = 7,
): Promise<{ bytes: Uint8Array; info: TableFileInfo }> {
  const fs = new MemoryFileSystem();
  const builder = new TableBuilder(fileNumber, options);
  for (const e of entries) builder.add(e.userKey, e.seq, e.type, e.value);
  const file = await fs.createWritable('/t.sst');
  const info = await builder.finish(file);
  return { bytes: await fs.readFile('/t.sst'), info };
}

/** Opens `bytes` as table `fileNumber` (throws what TableReader.open throws). */
export async function openTableBytes(
  bytes: Uint8Array,
  fileNumber = 7,
  cache: BlockCache | undefined = undefined,
  verifyChecksums = true,
): Promise<TableReader> {
  const fs = new MemoryFileSystem();
  const writer = fs.createWritableSync('/t.sst');
  writer.appendSync(bytes);
  const file = await fs.openReadable('/t.sst');
  return TableReader.open(file, fileNumber, { cache, verifyChecksums });
}

export interface Scanned {
  userKey: Uint8Array;
  seq: number;
  type: number;
  value: Uint8Array;
}

export function current(iterator: InternalIterator): Scanned {
  return { userKey: iterator.userKey().slice(), seq: iterator.sequence(), type: iterator.valueType(), value: iterator.value().slice() };
}

/** A scan longer than this is a stuck iterator: fail instead of running out of memory. */
const SCAN_ENTRIES_MAX = 1_000_000;

export function scanForward(iterator: InternalIterator): Scanned[] {
  const out: Scanned[] = [];
  for (iterator.seekToFirst(); iterator.valid(); iterator.next()) {
    out.push(current(iterator));
    if (out.length > SCAN_ENTRIES_MAX) throw new Error('forward scan does not end');
  }
  return out;
}

export function scanBackward(iterator: InternalIterator): Scanned[] {
  const out: Scanned[] = [];
  for (iterator.seekToLast(); iterator.valid(); iterator.prev()) {
    out.push(current(iterator));
    if (out.length > SCAN_ENTRIES_MAX) throw new Error('backward scan does not end');
  }
  return out;
}

export function asScanned(entries: readonly Entry[]): Scanned[] {
  return entries.map((e) => ({ userKey: e.userKey, seq: e.seq, type: e.type, value: e.value }));
}
