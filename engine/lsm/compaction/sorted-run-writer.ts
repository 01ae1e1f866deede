/**
 * Writes a merged, internally ordered stream of entries into new SSTables: the common core of a
 * memtable flush and a compaction. Decides which versions are obsolete and drops them:
 *
 * 1. Of the versions of one user key, every version older than the newest version visible to the
 *    oldest snapshot is invisible to all readers: dropped.
 * 2. A tombstone visible to every snapshot is dropped only when no older data for that key can exist
 *    below the output level (`isBottommost`): otherwise it must keep shadowing that data.
 *
 * Output files are cut near `targetFileBytes`, and only between two user keys, so the files of one
 * level (L1 and below) never share a user key: a level is a partition of the user-key space.
 *
 * Concurrency: runs on the main thread between awaits; it yields to the event loop every
 * ENTRIES_PER_YIELD entries so foreground requests keep flowing during a long merge.
 */
import { bytesEqual } from '../../util/bytes.js';
import { ValueType } from '../internal-key.js';
import type { InternalIterator } from '../iterator.js';
import type { TableBuilderOptions, TableFileInfo } from '../sstable/index.js';
import { TableBuilder } from '../sstable/index.js';
import type { WritableFile } from '../../vfs/types.js';

const ENTRIES_PER_YIELD = 2048;

export interface SortedRunSink {
  /** Allocates the number of the next output file. */
  newFileNumber(): number;
  createFile(fileNumber: number): Promise<WritableFile>;
  /** Called between chunks of work; resolves when foreground work may have run. */
  yieldToForeground(): Promise<void>;
  /** Entries per chunk of work (ENTRIES_PER_YIELD when absent; a paced worker job's is smaller). */
  readonly entriesPerYield?: number;
}

export interface SortedRunOptions {
  builder: TableBuilderOptions;
  targetFileBytes: number;
  /** Versions newer than this must all be kept; see rule 1. */
  smallestSnapshot: number;
  /** True when no level below the output holds data for this user key. Keys arrive in ascending order. */
  isBottommost(userKey: Uint8Array): boolean;
}

export interface SortedRunResult {
  files: TableFileInfo[];
  entriesRead: number;
  entriesDropped: number;
}

export async function writeSortedRun(input: InternalIterator, options: SortedRunOptions, sink: SortedRunSink): Promise<SortedRunResult> {
  const entriesPerYield = sink.entriesPerYield ?? ENTRIES_PER_YIELD;
  const files: TableFileInfo[] = [];
  let builder: TableBuilder | undefined;
  let builderFileNumber = 0;
  let currentUserKey: Uint8Array | undefined;
  let lastSeqForKey = Number.POSITIVE_INFINITY; // no newer version seen yet: never "<= smallestSnapshot"
  let lastAddedUserKey: Uint8Array | undefined;
  let entriesRead = 0;
  let entriesDropped = 0;

  const finishBuilder = async (): Promise<void> => {
    if (!builder) return;
    const finished = builder;
    builder = undefined;
    const file = await sink.createFile(builderFileNumber);
    files.push(await finished.finish(file));
  };

  for (input.seekToFirst(); input.valid(); input.next()) {
    entriesRead++;
    const userKey = input.userKey();
    const seq = input.sequence();
    const type = input.valueType();
    if (currentUserKey === undefined || !bytesEqual(userKey, currentUserKey)) {
      currentUserKey = userKey.slice();
      lastSeqForKey = Number.POSITIVE_INFINITY;
    }
    let drop = false;
    if (lastSeqForKey <= options.smallestSnapshot) {
      drop = true; // rule 1: shadowed by a newer version every reader sees
    } else if (type === ValueType.Delete && seq <= options.smallestSnapshot && options.isBottommost(userKey)) {
      drop = true; // rule 2: nothing below for the tombstone to hide
    }
    lastSeqForKey = seq;
    if (drop) {
      entriesDropped++;
    } else {
      const startsNewKey = lastAddedUserKey === undefined || !bytesEqual(userKey, lastAddedUserKey);
      if (builder && startsNewKey && builder.estimatedFileBytes >= options.targetFileBytes) await finishBuilder();
      if (!builder) {
        builderFileNumber = sink.newFileNumber();
        builder = new TableBuilder(builderFileNumber, options.builder);
      }
      builder.add(userKey, seq, type, input.value());
      if (startsNewKey) lastAddedUserKey = currentUserKey;
    }
    if (entriesRead % entriesPerYield === 0) await sink.yieldToForeground();
  }
  await finishBuilder();
  return { files, entriesRead, entriesDropped };
}
