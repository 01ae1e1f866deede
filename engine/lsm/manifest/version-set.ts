/**
 * The VersionSet owns the manifest: it recovers the file set at open, hands out file numbers, and
 * makes each flush's or compaction's VersionEdit durable before installing the Version it produces.
 * Format and recovery rules: ./FORMAT.md.
 *
 * Concurrency: single-threaded JS. `logAndApply` calls are serialised through a promise queue (each
 * waits for the one before it), so edits reach the manifest in call order and the manifest writer
 * never sees overlapping calls. `current`, `newFileNumber` and `lastSequence` are synchronous and
 * may be used at any time; an edit takes lastSequence and nextFileNumber as they are when its turn
 * comes.
 *
 * Invariants:
 * 1. `current` is always a state that is durable in the manifest CURRENT names: an edit is installed
 *    only after its record (or a snapshot containing it) is fsynced and, on rotation, CURRENT is
 *    switched.
 * 2. Every open writes a fresh manifest (snapshot first) and switches CURRENT to it, so nothing is
 *    ever appended after a torn tail, and the manifest read at open is never written again.
 * 3. nextFileNumber is above every number used in the directory (checked against a listing at open)
 *    and every number recorded in the manifest, so a new file never overwrites an existing one.
 * 4. After any I/O failure in logAndApply the set is failed: every later logAndApply throws
 *    ReadOnlyError. Whether the failed edit reached the disk is unknown, so the files it added stay
 *    in liveFileNumbers() (the store must not delete them), and the files it deleted stay in
 *    `current`.
 * 5. A live version is one with a reference; `current` always holds one (the set's own).
 */
import { LEVEL_COUNT, MANIFEST_BYTES_MAX, SEQUENCE_MAX } from '../../limits.js';
import { assert, assertionFailed } from '../../util/assert.js';
import { ClosedError, CorruptionError, IOError, InvalidArgumentError, NotFoundError, ReadOnlyError } from '../../util/errors.js';
import { joinPath, type FileSystem } from '../../vfs/types.js';
import { RecordType } from '../wal/format.js';
import { readLog } from '../wal/reader.js';
import { LogWriter } from '../wal/writer.js';
import { readCurrent, writeCurrent } from './current.js';
import { manifestFileName, parseFileName } from './file-names.js';
import { decodeVersionEdit, encodeVersionEdit, type FileMetadata, type VersionEdit } from './version-edit.js';
import { applyEdit, Version, VersionBuilder } from './version.js';

export interface VersionSetOptions {
  createIfMissing: boolean;
  /** Recover what can be recovered from a damaged manifest or CURRENT instead of failing. */
  salvage?: boolean;
  /** Manifest size that triggers rotation; MANIFEST_BYTES_MAX unless a test wants it small. */
  manifestBytesMax?: number;
}

/** The state a manifest describes. */
interface ManifestState {
  levels: readonly (readonly FileMetadata[])[];
  logNumber: number;
  nextFileNumber: number;
  lastSequence: number;
}

export class VersionSet {
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #manifestBytesMax: number;
  #current: Version;
  #lastSequence: number;
  #logNumber: number;
  #nextFileNumber: number;
  #manifestFileNumber = 0;
  #writer: LogWriter | undefined;
  /** The manifest size at which logAndApply rotates (see #startManifest for why it can exceed the max). */
  #rotateAtBytes = 0;
  readonly #liveVersions = new Set<Version>();
  /** Files added by an edit whose durability is unknown (invariant 4). */
  readonly #uncertainFileNumbers = new Set<number>();
  #queue: Promise<void> = Promise.resolve();
  #failure: unknown = undefined;
  #closed = false;

  private constructor(fs: FileSystem, dir: string, state: ManifestState, manifestBytesMax: number) {
    this.#fs = fs;
    this.#dir = dir;
    this.#manifestBytesMax = manifestBytesMax;
    this.#logNumber = state.logNumber;
    this.#nextFileNumber = state.nextFileNumber;
    this.#lastSequence = state.lastSequence;
    this.#current = this.#newVersion(state.levels);
    this.#current.ref();
    this.#liveVersions.add(this.#current);
  }

  /**
   * Opens the manifest in `dir`: recovers when CURRENT exists, creates a fresh manifest when the
   * directory has no CURRENT and `createIfMissing`. CorruptionError when CURRENT is missing but store
   * data files exist, when CURRENT names a missing manifest, or on manifest corruption (unless
   * salvage: then state as of the last good edit). A torn tail of the manifest is dropped.
   * NotFoundError when there is no store and not `createIfMissing`.
   */
  static async open(fs: FileSystem, dir: string, options: VersionSetOptions): Promise<VersionSet> {
    const manifestBytesMax = options.manifestBytesMax ?? MANIFEST_BYTES_MAX;
    if (!Number.isSafeInteger(manifestBytesMax) || manifestBytesMax < 1) {
      throw new InvalidArgumentError(`manifestBytesMax must be a positive integer, not ${manifestBytesMax}`);
    }
    const salvage = options.salvage === true;
    const names = (await fs.exists(dir)) ? await fs.list(dir) : [];
    const state = await recoverState(fs, dir, names, salvage, options.createIfMissing);
    if (state === undefined) await fs.mkdir(dir);
    const recovered = state ?? emptyState();
    // Invariant 3: files written after the last edit (a new WAL, a flush that failed) have numbers
    // the manifest never recorded.
    for (const name of names) {
      const parsed = parseFileName(name);
      if (parsed !== undefined && parsed.number >= recovered.nextFileNumber) recovered.nextFileNumber = parsed.number + 1;
    }
    const set = new VersionSet(fs, dir, recovered, manifestBytesMax);
    await set.#startManifest();
    return set;
  }

  get current(): Version {
    return this.#current;
  }

  get lastSequence(): number {
    return this.#lastSequence;
  }

  /** Sequence numbers never go backwards (asserted). */
  set lastSequence(value: number) {
    if (!(Number.isSafeInteger(value) && value <= SEQUENCE_MAX)) assertionFailed(`lastSequence ${value} out of range`);
    if (value < this.#lastSequence) assertionFailed(`lastSequence going backwards: ${this.#lastSequence} → ${value}`);
    this.#lastSequence = value;
  }

  /** WAL files numbered >= this hold writes not yet in SSTables. */
  get logNumber(): number {
    return this.#logNumber;
  }

  get manifestFileNumber(): number {
    return this.#manifestFileNumber;
  }

  /** The number the next newFileNumber() returns (for diagnostics and tests). */
  get nextFileNumber(): number {
    return this.#nextFileNumber;
  }

  /** Allocates a file number (for a WAL, an SSTable or a manifest). */
  newFileNumber(): number {
    const number = this.#nextFileNumber;
    assert(number < Number.MAX_SAFE_INTEGER, 'file numbers exhausted');
    this.#nextFileNumber = number + 1;
    return number;
  }

  /**
   * Applies `edit` to current, logs it (lastSequence and nextFileNumber filled in) and fsyncs, then
   * installs the new version. Calls queue in order. The edit must fit `current` as it will be when
   * the edit's turn comes (asserted: a misfit is a bug in the caller). On I/O failure the edit is not
   * installed, the error propagates and the set is failed (invariant 4).
   */
  logAndApply(edit: VersionEdit): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError('version set is closed'));
    // Copied now, so the caller may reuse its objects once the call returns.
    const copy: VersionEdit = { ...edit };
    if (edit.deletedFiles) copy.deletedFiles = edit.deletedFiles.slice();
    if (edit.addedFiles) copy.addedFiles = edit.addedFiles.slice();
    const run = this.#queue.then(() => this.#logAndApplyNow(copy));
    // The queue only orders calls; each call's outcome reaches its caller through `run`.
    this.#queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** File numbers referenced by any live (referenced) version, including current. */
  liveFileNumbers(): Set<number> {
    const numbers = new Set<number>(this.#uncertainFileNumbers);
    for (const version of this.#liveVersions) for (const number of version.fileNumbers()) numbers.add(number);
    return numbers;
  }

  /** Waits for queued edits, then closes the manifest. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    const writer = this.#writer;
    this.#writer = undefined;
    await writer?.close();
  }

  async #logAndApplyNow(edit: VersionEdit): Promise<void> {
    if (this.#failure !== undefined) throw new ReadOnlyError('an earlier manifest write failed', { cause: this.#failure });
    const writer = this.#writer;
    if (writer === undefined) throw new ClosedError('version set is closed');
    if (edit.lastSequence !== undefined) this.lastSequence = Math.max(this.#lastSequence, edit.lastSequence);
    assert(edit.nextFileNumber === undefined || edit.nextFileNumber <= this.#nextFileNumber, 'edits cannot allocate file numbers');
    const logNumber = edit.logNumber ?? this.#logNumber;
    if (logNumber < this.#logNumber) assertionFailed(`logNumber going backwards: ${this.#logNumber} → ${logNumber}`);
    if (logNumber >= this.#nextFileNumber) assertionFailed(`logNumber ${logNumber} was never allocated`);

    const rotate = writer.size >= this.#rotateAtBytes;
    // A rotation's manifest number is allocated before nextFileNumber is recorded, so it is covered.
    const newManifestNumber = rotate ? this.newFileNumber() : 0;
    const filled: VersionEdit = { ...edit, logNumber, nextFileNumber: this.#nextFileNumber, lastSequence: this.#lastSequence };
    const applied = applyEdit(this.#current, filled);
    if ('problem' in applied) assertionFailed(`logAndApply: edit does not fit the current version: ${applied.problem}`);
    const version = this.#newVersion(applied.levels);
    const payload = rotate ? undefined : encodeVersionEdit(filled);
    try {
      if (payload !== undefined) {
        await writer.addRecord(RecordType.VersionEdit, payload);
        await writer.sync();
      } else {
        const newWriter = await this.#writeManifest(newManifestNumber, version, logNumber);
        try {
          await writer.close();
        } catch (error) {
          await newWriter.close();
          throw error;
        }
        this.#writer = newWriter;
      }
    } catch (error) {
      this.#failure = error;
      for (const { file } of filled.addedFiles ?? []) this.#uncertainFileNumbers.add(file.fileNumber);
      throw error;
    }
    this.#logNumber = logNumber;
    this.#install(version);
  }

  #newVersion(levels: readonly (readonly FileMetadata[])[]): Version {
    return new Version(levels, (dead) => this.#liveVersions.delete(dead));
  }

  #install(version: Version): void {
    version.ref();
    this.#liveVersions.add(version);
    const previous = this.#current;
    this.#current = version;
    previous.unref();
  }

  /** At open: a fresh manifest holding a snapshot of the recovered state (invariant 2). */
  async #startManifest(): Promise<void> {
    const number = this.newFileNumber();
    this.#writer = await this.#writeManifest(number, this.#current, this.#logNumber);
  }

  /**
   * Writes manifest `number` holding one snapshot edit of `version`, makes it durable, and switches
   * CURRENT to it. Returns the open writer. On failure the manifest is closed and CURRENT names the
   * old manifest or, if only the final directory sync failed, possibly the new complete one.
   */
  async #writeManifest(number: number, version: Version, logNumber: number): Promise<LogWriter> {
    const addedFiles: { level: number; file: FileMetadata }[] = [];
    for (let level = 0; level < LEVEL_COUNT; level++) for (const file of version.levels[level]!) addedFiles.push({ level, file });
    const snapshot = encodeVersionEdit({ logNumber, nextFileNumber: this.#nextFileNumber, lastSequence: this.#lastSequence, addedFiles });
    const file = await this.#fs.createWritable(joinPath(this.#dir, manifestFileName(number)));
    const writer = new LogWriter(file, number);
    try {
      await writer.start('manifest');
      await writer.addRecord(RecordType.VersionEdit, snapshot);
      await writer.sync();
      // The new manifest's directory entry must be durable before CURRENT can name it.
      await this.#fs.syncDirectory(this.#dir);
      await writeCurrent(this.#fs, this.#dir, number);
    } catch (error) {
      await closeAfterFailure(writer, error);
      throw error;
    }
    this.#manifestFileNumber = number;
    // A snapshot bigger than the limit would otherwise rotate on every edit: let the log grow to
    // twice the snapshot first, so rewriting costs at most as much as the edits it replaces.
    this.#rotateAtBytes = Math.max(this.#manifestBytesMax, 2 * writer.size);
    return writer;
  }
}

/** Closes a writer after `failure`; a second failure is attached to the first rather than lost. */
async function closeAfterFailure(writer: LogWriter, failure: unknown): Promise<void> {
  try {
    await writer.close();
  } catch (closeError) {
    throw new IOError('closing the manifest after a failure also failed', { cause: new AggregateError([failure, closeError]) });
  }
}

function emptyState(): ManifestState {
  return { levels: Version.empty().levels, logNumber: 0, nextFileNumber: 1, lastSequence: 0 };
}

/**
 * The recovered state, or undefined when a fresh store is to be created. `names` lists `dir`.
 * With salvage, an unusable CURRENT falls back to the newest manifest that yields a state.
 */
async function recoverState(
  fs: FileSystem,
  dir: string,
  names: readonly string[],
  salvage: boolean,
  createIfMissing: boolean,
): Promise<ManifestState | undefined> {
  let currentProblem: unknown;
  try {
    const manifestNumber = await readCurrent(fs, dir);
    if (manifestNumber !== undefined) return await replayManifest(fs, dir, manifestNumber, salvage);
  } catch (error) {
    if (!salvage || !(error instanceof CorruptionError)) throw error;
    currentProblem = error;
  }
  const dataFiles = names.filter((name) => {
    const kind = parseFileName(name)?.kind;
    return kind === 'wal' || kind === 'table';
  });
  if (currentProblem === undefined && dataFiles.length === 0) {
    // No CURRENT and no data: a new store, or a creation that crashed before CURRENT was written
    // (which leaves at most a manifest and a temp file, both garbage).
    if (!createIfMissing) throw new NotFoundError(`no store in ${dir}`);
    return undefined;
  }
  if (!salvage) throw new CorruptionError(`${dir}: CURRENT is missing but store files exist (${dataFiles.slice(0, 3).join(', ')}…)`);
  const manifests = names
    .flatMap((name) => {
      const parsed = parseFileName(name);
      return parsed?.kind === 'manifest' ? [parsed.number] : [];
    })
    .sort((a, b) => b - a);
  for (const number of manifests) {
    try {
      return await replayManifest(fs, dir, number, true);
    } catch (error) {
      if (!(error instanceof CorruptionError)) throw error;
      currentProblem = error;
    }
  }
  throw new CorruptionError(`${dir}: no usable manifest to salvage`, { cause: currentProblem });
}

/** Replays manifest `number` (FORMAT.md, "Recovery"). */
async function replayManifest(fs: FileSystem, dir: string, number: number, salvage: boolean): Promise<ManifestState> {
  let data: Uint8Array;
  try {
    data = await fs.readFile(joinPath(dir, manifestFileName(number)));
  } catch (error) {
    if (error instanceof NotFoundError) throw new CorruptionError(`CURRENT names ${manifestFileName(number)}, which is missing`, { cause: error });
    throw error;
  }
  const log = readLog(data, number, { salvage, expectKind: 'manifest' });
  if (log.tail === 'corrupt' && !salvage) throw new CorruptionError(`manifest ${number}: ${log.corruption?.reason ?? 'corrupt'}`);
  const builder = new VersionBuilder();
  let logNumber: number | undefined;
  let nextFileNumber: number | undefined;
  let lastSequence: number | undefined;
  for (const record of log.records) {
    let edit: VersionEdit;
    try {
      if (record.type !== RecordType.VersionEdit) throw new CorruptionError(`record of type ${record.type}`);
      edit = decodeVersionEdit(record.payload);
      const problem = builder.apply(edit);
      if (problem !== undefined) throw new CorruptionError(problem);
    } catch (error) {
      if (!(error instanceof CorruptionError)) throw error;
      const wrapped = new CorruptionError(`manifest ${number}: edit at byte ${record.offset}: ${error.message}`, { cause: error });
      if (!salvage) throw wrapped;
      break; // salvage: the state as of the last good edit
    }
    logNumber = edit.logNumber ?? logNumber;
    nextFileNumber = edit.nextFileNumber ?? nextFileNumber;
    lastSequence = edit.lastSequence ?? lastSequence;
  }
  const built = builder.finish();
  if ('problem' in built) throw new CorruptionError(`manifest ${number}: ${built.problem}`);
  // Even salvage needs the counters: without them there is no state to return, and the caller
  // falls back to an older manifest.
  if (logNumber === undefined || nextFileNumber === undefined || lastSequence === undefined) {
    throw new CorruptionError(`manifest ${number}: no snapshot (logNumber, nextFileNumber or lastSequence missing)`);
  }
  const state: ManifestState = { levels: built.levels, logNumber, nextFileNumber, lastSequence };
  for (const files of built.levels) {
    for (const file of files) {
      if (!salvage && file.fileNumber >= state.nextFileNumber) throw new CorruptionError(`manifest ${number}: file ${file.fileNumber} >= nextFileNumber`);
      state.nextFileNumber = Math.max(state.nextFileNumber, file.fileNumber + 1);
      // Sequence numbers are never reused, whatever the manifest says.
      state.lastSequence = Math.max(state.lastSequence, file.largestSeq);
    }
  }
  if (!salvage && (number >= state.nextFileNumber || state.logNumber >= state.nextFileNumber)) {
    throw new CorruptionError(`manifest ${number}: nextFileNumber ${state.nextFileNumber} not above the numbers in use`);
  }
  state.nextFileNumber = Math.max(state.nextFileNumber, number + 1);
  return state;
}
