/**
 * Appends framed records to a log file (the write-ahead log or the manifest). Format:
 * engine/lsm/wal/FORMAT.md; framing: LogChecksums.writeRecord in format.ts.
 *
 * Concurrency: one writer. A call must finish (an async one must resolve) before the next starts;
 * this is asserted, because interleaved appends would corrupt the file.
 *
 * Invariants:
 * 1. The first record of every file is the file-header record, written by `start()`; data records
 *    are refused until it has been written.
 * 2. A file holds data records of one type only: write batches in a WAL, version edits in a manifest.
 * 3. After a failed append the file may end in a partial record, so nothing more is appended: every
 *    later call throws the failure again (a record after a torn one would be reported as corruption,
 *    or worse, lost behind it).
 * 4. Durability is `sync()`'s business alone; appends only hand bytes to the file system.
 */
import { assert, assertionFailed } from '../../util/assert.js';
import { ClosedError, InvalidArgumentError, IOError } from '../../util/errors.js';
import type { WritableFile } from '../../vfs/types.js';
import {
  LOG_HEADER_BYTES,
  LOG_RECORD_PAYLOAD_BYTES_MAX,
  LogChecksums,
  RecordType,
  encodeFileHeaderPayload,
  recordTypeForKind,
  type LogKind,
} from './format.js';

export class LogWriter {
  readonly #file: WritableFile;
  readonly #checksums: LogChecksums;
  /** The data record type this file accepts; undefined until `start()`. */
  #dataType: RecordType | undefined;
  #busy = false;
  #closed = false;
  /** The first append or sync failure; once set, the writer refuses all further work. */
  #failure: unknown = undefined;

  /** Does not write. Call `start()` before adding records. */
  constructor(file: WritableFile, fileNumber: number) {
    this.#file = file;
    this.#checksums = new LogChecksums(fileNumber);
  }

  get fileNumber(): number {
    return this.#checksums.fileNumber;
  }

  /** Bytes written to the file so far (including a partial record left by a failed append). */
  get size(): number {
    return this.#file.size;
  }

  /** Writes the file-header record. Requires an empty file; must be the first call. */
  async start(kind: LogKind): Promise<void> {
    this.#checkWritable();
    assert(this.#dataType === undefined, 'log writer started twice');
    if (this.#file.size !== 0) assertionFailed(`log file header must be the first bytes of ${this.#file.path}`);
    const payload = encodeFileHeaderPayload(kind, this.fileNumber);
    const framed = this.#frame(RecordType.FileHeader, [payload], LOG_HEADER_BYTES + payload.length);
    await this.#appendAsync(framed);
    this.#dataType = recordTypeForKind(kind);
  }

  /**
   * Frames all payloads into ONE buffer and appends it with ONE `file.appendSync` call (group
   * commit). InvalidArgumentError, before anything is written, when a payload exceeds
   * LOG_RECORD_PAYLOAD_BYTES_MAX.
   */
  addRecordsSync(type: RecordType, payloads: readonly Uint8Array[]): void {
    this.#checkWritable();
    this.#checkDataType(type);
    if (payloads.length === 0) return;
    const framed = this.#frame(type, payloads, this.#framedBytes(payloads));
    this.#busy = true;
    try {
      this.#file.appendSync(framed);
    } catch (error) {
      this.#failure = error;
      throw error;
    } finally {
      this.#busy = false;
    }
  }

  /** Appends one record asynchronously (the manifest's path). Same validation as addRecordsSync. */
  async addRecord(type: RecordType, payload: Uint8Array): Promise<void> {
    this.#checkWritable();
    this.#checkDataType(type);
    const payloads = [payload];
    await this.#appendAsync(this.#frame(type, payloads, this.#framedBytes(payloads)));
  }

  /** Makes every record appended so far durable. */
  async sync(): Promise<void> {
    this.#checkWritable();
    this.#busy = true;
    try {
      await this.#file.sync();
    } catch (error) {
      // After a failed fsync the kernel may have dropped the dirty pages: what is on disk is unknown.
      this.#failure = error;
      throw error;
    } finally {
      this.#busy = false;
    }
  }

  /** Closes the file without syncing it. Idempotent. */
  async close(): Promise<void> {
    assert(!this.#busy, 'log writer closed during an append or sync');
    if (this.#closed) return;
    this.#closed = true;
    await this.#file.close();
  }

  #checkWritable(): void {
    if (this.#closed) throw new ClosedError(`log file ${this.fileNumber} is closed`);
    if (this.#failure !== undefined) {
      throw new IOError(`log file ${this.fileNumber} failed earlier; no further appends`, { cause: this.#failure });
    }
    assert(!this.#busy, 'log writer: overlapping calls (one writer, one call at a time)');
  }

  #checkDataType(type: RecordType): void {
    if (this.#dataType === undefined) assertionFailed(`log file ${this.fileNumber}: start() must write the header first`);
    if (type !== this.#dataType) assertionFailed(`log file ${this.fileNumber} holds records of type ${this.#dataType}, not ${type}`);
  }

  /** Total framed size; validates every payload first so that a rejected call writes nothing. */
  #framedBytes(payloads: readonly Uint8Array[]): number {
    let total = 0;
    for (const payload of payloads) {
      if (payload.length > LOG_RECORD_PAYLOAD_BYTES_MAX) {
        throw new InvalidArgumentError(
          `log record of ${payload.length} bytes exceeds the maximum of ${LOG_RECORD_PAYLOAD_BYTES_MAX}`,
        );
      }
      total += LOG_HEADER_BYTES + payload.length;
    }
    return total;
  }

  #frame(type: RecordType, payloads: readonly Uint8Array[], totalBytes: number): Uint8Array {
    // Every byte is overwritten below, so the uninitialised (pooled for small sizes) buffer is safe.
    // A Buffer also lets crc32c hand its subarrays to the native code without wrapping them.
    const out = Buffer.allocUnsafe(totalBytes);
    let offset = 0;
    for (const payload of payloads) offset = this.#checksums.writeRecord(out, offset, type, payload);
    assert(offset === totalBytes, 'log framing size mismatch');
    return out;
  }

  async #appendAsync(framed: Uint8Array): Promise<void> {
    this.#busy = true;
    try {
      await this.#file.append(framed);
    } catch (error) {
      this.#failure = error;
      throw error;
    } finally {
      this.#busy = false;
    }
  }
}
