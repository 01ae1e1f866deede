import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FILE_HEADER_PAYLOAD_BYTES, LOG_HEADER_BYTES, LOG_RECORD_PAYLOAD_BYTES_MAX, LogChecksums, RecordType } from '../../../engine/lsm/wal/format.js';
import { readLog } from '../../../engine/lsm/wal/reader.js';
import { LogWriter } from '../../../engine/lsm/wal/writer.js';
import { AssertionError } from '../../../engine/util/assert.js';
import { ClosedError, InvalidArgumentError, IOError } from '../../../engine/util/errors.js';
import { MemoryFileSystem } from '../../../engine/vfs/memory.js';
import type { WritableFile } from '../../../engine/vfs/types.js';
import { bytesOf, concat } from './log-fixtures.js';

/** Wraps a file to count appends and optionally fail the next one after writing part of it. */
class SpyFile implements WritableFile {
  syncAppends = 0;
  asyncAppends = 0;
  failNextAppendAfterBytes: number | undefined;
  constructor(readonly inner: WritableFile) {}
  get path(): string {
    return this.inner.path;
  }
  get size(): number {
    return this.inner.size;
  }
  appendSync(data: Uint8Array): void {
    this.syncAppends++;
    if (this.failNextAppendAfterBytes !== undefined) {
      this.inner.appendSync(data.subarray(0, this.failNextAppendAfterBytes));
      this.failNextAppendAfterBytes = undefined;
      throw new IOError('disk full', { errno: 'ENOSPC' });
    }
    this.inner.appendSync(data);
  }
  async append(data: Uint8Array): Promise<void> {
    this.asyncAppends++;
    this.inner.appendSync(data);
  }
  sync(): Promise<void> {
    return this.inner.sync();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

async function open(fileNumber = 4): Promise<{ fs: MemoryFileSystem; file: SpyFile; writer: LogWriter }> {
  const fs = new MemoryFileSystem();
  const file = new SpyFile(await fs.createWritable('/log'));
  return { fs, file, writer: new LogWriter(file, fileNumber) };
}

describe('LogWriter', () => {
  it('writes nothing until start(), then the file-header record', async () => {
    const { file, writer } = await open(4);
    expect(writer.size).toBe(0);
    expect(writer.fileNumber).toBe(4);
    await writer.start('wal');
    expect(writer.size).toBe(LOG_HEADER_BYTES + FILE_HEADER_PAYLOAD_BYTES);
    expect(file.asyncAppends).toBe(1);
  });

  it('frames a group into one buffer with one appendSync call', async () => {
    const { fs, file, writer } = await open(4);
    await writer.start('wal');
    const payloads = [bytesOf(1), bytesOf(), new Uint8Array(1000).fill(3)];
    const before = writer.size;
    writer.addRecordsSync(RecordType.WriteBatch, payloads);
    expect(file.syncAppends).toBe(1);
    expect(writer.size - before).toBe(3 * LOG_HEADER_BYTES + 1001);
    // The group is byte-identical to the records framed one by one.
    const checksums = new LogChecksums(4);
    const expected = payloads.map((payload) => {
      const out = new Uint8Array(LOG_HEADER_BYTES + payload.length);
      checksums.writeRecord(out, 0, RecordType.WriteBatch, payload);
      return out;
    });
    const data = await fs.readFile('/log');
    expect([...data.subarray(before)]).toEqual([...concat(...expected)]);
    writer.addRecordsSync(RecordType.WriteBatch, []);
    expect(file.syncAppends).toBe(1);
  });

  it('round-trips random groups through the reader', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), { maxLength: 10 }), async (groups) => {
        const { fs, writer } = await open(99);
        await writer.start('wal');
        for (const group of groups) writer.addRecordsSync(RecordType.WriteBatch, group);
        await writer.sync();
        await writer.close();
        const data = await fs.readFile('/log');
        expect(writer.size).toBe(data.length);
        const result = readLog(data, 99, { expectKind: 'wal' });
        expect(result.tail).toBe('clean');
        expect(result.records.map((record) => [...record.payload])).toEqual(groups.flat().map((payload) => [...payload]));
      }),
    );
  });

  it('appends manifest records asynchronously', async () => {
    const { fs, file, writer } = await open(1);
    await writer.start('manifest');
    await writer.addRecord(RecordType.VersionEdit, bytesOf(7, 7));
    await writer.addRecord(RecordType.VersionEdit, bytesOf(8));
    expect(file.asyncAppends).toBe(3);
    const result = readLog(await fs.readFile('/log'), 1, { expectKind: 'manifest' });
    expect(result.records.map((record) => [...record.payload])).toEqual([[7, 7], [8]]);
    expect(result.records.every((record) => record.type === RecordType.VersionEdit)).toBe(true);
  });

  it('rejects an oversized payload with InvalidArgumentError before writing anything', async () => {
    const { file, writer } = await open();
    await writer.start('wal');
    const size = writer.size;
    const oversized = new Uint8Array(LOG_RECORD_PAYLOAD_BYTES_MAX + 1);
    expect(() => writer.addRecordsSync(RecordType.WriteBatch, [bytesOf(1), oversized])).toThrow(InvalidArgumentError);
    await expect(writer.addRecord(RecordType.WriteBatch, oversized)).rejects.toThrow(InvalidArgumentError);
    expect(writer.size).toBe(size);
    expect(file.syncAppends).toBe(0);
    // The writer is still usable: a rejected argument is not a failed write.
    writer.addRecordsSync(RecordType.WriteBatch, [bytesOf(1)]);
    expect(file.syncAppends).toBe(1);
  });

  it('asserts the header comes first and the record type matches the kind', async () => {
    const { writer } = await open();
    expect(() => writer.addRecordsSync(RecordType.WriteBatch, [bytesOf(1)])).toThrow(AssertionError);
    await writer.start('wal');
    expect(() => writer.addRecordsSync(RecordType.VersionEdit, [bytesOf(1)])).toThrow(AssertionError);
    expect(() => writer.addRecordsSync(RecordType.FileHeader, [bytesOf(1)])).toThrow(AssertionError);
    await expect(writer.start('wal')).rejects.toThrow(AssertionError);
  });

  it('asserts against overlapping calls', async () => {
    const { writer } = await open();
    await writer.start('manifest');
    const pending = writer.addRecord(RecordType.VersionEdit, bytesOf(1));
    await expect(writer.addRecord(RecordType.VersionEdit, bytesOf(2))).rejects.toThrow(AssertionError);
    await pending;
  });

  it('refuses all work after a failed append, leaving a torn tail the reader stops at', async () => {
    const { fs, file, writer } = await open(6);
    await writer.start('wal');
    writer.addRecordsSync(RecordType.WriteBatch, [bytesOf(1, 2)]);
    file.failNextAppendAfterBytes = LOG_HEADER_BYTES + 2 + 5; // the first record of the group and part of the next
    expect(() => writer.addRecordsSync(RecordType.WriteBatch, [bytesOf(3, 4), bytesOf(5)])).toThrow(IOError);
    expect(() => writer.addRecordsSync(RecordType.WriteBatch, [bytesOf(6)])).toThrow(IOError);
    await expect(writer.sync()).rejects.toThrow(IOError);
    const result = readLog(await fs.readFile('/log'), 6);
    expect(result.tail).toBe('torn');
    // A failed append may leave some of its group readable: the caller was told it failed, yet on
    // recovery those records may return (as with any write whose outcome is unknown).
    expect(result.records.map((record) => [...record.payload])).toEqual([[1, 2], [3, 4]]);
  });

  it('throws ClosedError after close', async () => {
    const { writer } = await open();
    await writer.start('wal');
    await writer.close();
    await writer.close();
    expect(() => writer.addRecordsSync(RecordType.WriteBatch, [bytesOf(1)])).toThrow(ClosedError);
    await expect(writer.sync()).rejects.toThrow(ClosedError);
  });
});
