/**
 * The torn-tail sweep: a store of awaited batches (sync 'always') is closed, then its newest WAL is
 * cut at every byte of its last two records, one copy per cut. Each reopen must hold exactly the
 * batches whose records are complete below the cut (a torn tail is a crash, never corruption), and
 * verify().
 */
import { walFileName } from '../../engine/lsm/manifest/file-names.js';
import { Store } from '../../engine/lsm/index.js';
import { readLog } from '../../engine/lsm/wal/reader.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import { cloneFileSystem, STORE_PATH, testEnv } from '../lsm/model.js';
import { DEFAULT_WORKLOAD, prefixFingerprints, seededWorkload, storeFingerprint } from './workload.js';

/** Bytes of a WAL record's header (checksum, length, type): a record ends at offset + this + payload. */
const RECORD_HEADER_BYTES = 13;
const BATCH_COUNT = 30;

export interface TornTailBase {
  fs: MemoryFileSystem;
  walPath: string;
  walBytes: number;
  /** The cuts to try, ascending: every byte from the start of the second-to-last record on. */
  cuts: number[];
  /** For each cut, the fingerprint the reopened store must have. */
  expected(cut: number): string;
}

/** Builds the store for `seed` and the list of cuts. */
export async function buildTornTailBase(seed: number): Promise<TornTailBase> {
  const fs = new MemoryFileSystem();
  const store = await Store.open({ path: STORE_PATH, env: testEnv(fs), sync: 'always' });
  const batches = seededWorkload(seed, { ...DEFAULT_WORKLOAD, batchCount: BATCH_COUNT, maintenanceChance: 0 }).flatMap((step) =>
    step.kind === 'write' ? [step.ops] : [],
  );
  for (const ops of batches) await store.write(ops);
  await store.close();
  const prefixes = prefixFingerprints(batches);
  const walNumbers = fs
    .fileNames()
    .flatMap((name) => (name.endsWith('.wal') ? [Number(name.slice(STORE_PATH.length + 1, -4))] : []))
    .sort((a, b) => a - b);
  const walNumber = walNumbers[walNumbers.length - 1];
  if (walNumber === undefined) throw new Error('torn-tail: the store wrote no WAL');
  const walPath = `${STORE_PATH}/${walFileName(walNumber)}`;
  const wal = fs.files.get(walPath)!.contents();
  const { records } = readLog(wal, walNumber, { expectKind: 'wal' });
  // One record per awaited batch, all in this WAL: the default memtable never fills here.
  if (records.length !== batches.length) throw new Error(`torn-tail: ${records.length} WAL records for ${batches.length} batches`);
  const firstCut = records[records.length - 2]?.offset ?? 0;
  const cuts = Array.from({ length: wal.length - firstCut }, (_, i) => firstCut + i);
  return {
    fs,
    walPath,
    walBytes: wal.length,
    cuts,
    expected: (cut) => prefixes[records.filter((record) => record.offset + RECORD_HEADER_BYTES + record.payload.length <= cut).length]!,
  };
}

/** Reopens a copy of the base with the WAL cut at `cut`; throws when the state is wrong. */
export async function checkTornTail(base: TornTailBase, cut: number): Promise<void> {
  const copy = cloneFileSystem(base.fs);
  copy.files.get(base.walPath)!.truncate(cut);
  const reopened = await Store.open({ path: STORE_PATH, env: testEnv(copy), sync: 'always' });
  try {
    const actual = storeFingerprint(reopened);
    const expected = base.expected(cut);
    if (actual !== expected) throw new Error(`WAL cut at byte ${cut} of ${base.walBytes}: state ${actual.slice(0, 200)}, expected ${expected.slice(0, 200)}`);
    await reopened.verify();
  } finally {
    await reopened.close();
  }
}
