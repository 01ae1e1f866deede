/**
 * WAL replay at open. Reads every WAL file the manifest still needs (number >= logNumber), in order,
 * and hands each write batch to `apply`.
 *
 * Point-in-time rules (see engine/lsm/wal/FORMAT.md for what "torn" and "corrupt" mean):
 * 1. A torn tail of the LAST log is dropped: those writes were never acknowledged as durable.
 * 2. A torn tail of an earlier log is a hole in the history (logs are synced before rotation), so it
 *    is corruption; likewise any corrupt record. Both refuse to open unless `salvage`, which keeps
 *    the history up to the damage and replays nothing after it.
 * 3. Sequence numbers must increase from batch to batch; a batch that goes back is corruption.
 *    (They are not compared with the manifest's lastSequence: as in LevelDB, a flush records the
 *    latest sequence, which may include writes still only in the WAL.)
 */
import { CorruptionError } from '../util/errors.js';
import type { FileSystem } from '../vfs/types.js';
import { joinPath } from '../vfs/types.js';
import { walFileName } from './manifest/file-names.js';
import { RecordType } from './wal/format.js';
import { readLog } from './wal/reader.js';
import { decodeWriteBatch, type DecodedWriteBatch } from './write-batch.js';

export interface ReplayResult {
  lastSequence: number;
  batchCount: number;
  /** Set when salvage dropped part of the history. */
  salvaged?: { fileNumber: number; offset: number; reason: string };
}

export async function replayLogs(
  fs: FileSystem,
  dir: string,
  walNumbers: readonly number[],
  salvage: boolean,
  apply: (batch: DecodedWriteBatch) => Promise<void>,
): Promise<ReplayResult> {
  let lastSequence = 0;
  let batchCount = 0;
  for (let i = 0; i < walNumbers.length; i++) {
    const fileNumber = walNumbers[i]!;
    const isLast = i === walNumbers.length - 1;
    const data = await fs.readFile(joinPath(dir, walFileName(fileNumber)));
    const result = readLog(data, fileNumber, { salvage, expectKind: 'wal' });
    for (const record of result.records) {
      if (record.type !== RecordType.WriteBatch) continue; // the file-header record
      const batch = decodeWriteBatch(record.payload);
      if (batch.firstSeq <= lastSequence) {
        const reason = `write batch at sequence ${batch.firstSeq} does not follow sequence ${lastSequence}`;
        if (!salvage) throw new CorruptionError(`WAL ${fileNumber} offset ${record.offset}: ${reason}`);
        return { lastSequence, batchCount, salvaged: { fileNumber, offset: record.offset, reason } };
      }
      await apply(batch);
      batchCount++;
      lastSequence = batch.firstSeq + batch.ops.length - 1;
    }
    if (result.tail === 'corrupt') {
      const corruption = result.corruption ?? { offset: result.validBytes, reason: 'corrupt record' };
      return { lastSequence, batchCount, salvaged: { fileNumber, ...corruption } };
    }
    if (result.tail === 'torn' && !isLast) {
      const reason = 'torn tail in a log that is not the newest (a hole in the history)';
      if (!salvage) throw new CorruptionError(`WAL ${fileNumber} offset ${result.validBytes}: ${reason}`);
      return { lastSequence, batchCount, salvaged: { fileNumber, offset: result.validBytes, reason } };
    }
  }
  return { lastSequence, batchCount };
}
