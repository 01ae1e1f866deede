/**
 * A fault-injecting file system for crash and error testing. It keeps its own model of files and
 * directories, counts every mutating call, can crash after any of them, and can produce the image a
 * restarted process would find, under a process crash or a power loss.
 *
 * Concurrency: single-threaded; every method does its whole effect synchronously when called (async
 * methods never await inside), so an operation is atomic and the operation count is exact.
 *
 * The model (what crash images contain):
 * 1. A file is an inode: growable data plus `durableLength` (bytes made durable by `sync()`) and
 *    `lastAppendStart` (where the most recent append began). Appends only ever extend data, so the
 *    bytes below `length` never change and images can copy a prefix without further bookkeeping.
 * 2. Directory entries (name → inode) exist twice: the visible namespace, which every operation
 *    reads and changes, and the durable namespace, which only `syncDirectory(dir)` updates, by copying
 *    the visible entries of `dir` (and only of `dir`). Creating (or re-creating, which makes a fresh
 *    inode), renaming and removing are therefore volatile until the parent directory is synced; a
 *    rename between two directories needs both synced.
 * 3. Directories made by `mkdir` are durable at once (a simplification: the engine makes its
 *    directory once, before anything that must survive).
 * 4. 'process' image (kill -9; the OS page cache survives): the visible namespace, with every byte
 *    appended to every file.
 * 5. 'power' image (power loss): the durable namespace only. A file whose creation was never made
 *    durable by syncing its directory vanishes even when its data was synced; a rename or removal not
 *    followed by a sync of the directory is undone (the old name and file come back). Each surviving
 *    inode keeps its synced bytes plus possibly some unsynced ones, always a prefix of what was
 *    written (write-back leaves no holes in this model). With the given Random, one of: nothing
 *    unsynced (1 in 4), everything written (1 in 4), or a cut at a uniformly chosen point inside the
 *    last append, from empty to whole (2 in 4), with earlier unsynced appends written back. When the
 *    only unsynced data is one append, that is exactly "unsynced data dropped, the last append torn".
 *    Files are visited in sorted path order, so an image is a function of (history, seed).
 * 6. Locks are process state: no image holds any.
 *
 * Operations and crashes: each of createWritable ('create'), append and appendSync ('append'), sync,
 * close of a writable file, rename, remove, mkdir, syncDirectory and lock is one operation, numbered
 * from 1, counted even when it fails. `crashAfter(n)` lets operations 1..n take effect; from then on
 * every method (reads included, not `crashImage`) throws CrashedError. Reads never count.
 *
 * Error injection: a matching operation throws IOError with the chosen errno and has no effect (an
 * append writes nothing, a sync leaves data volatile, a close leaves the file open). Kind 'read'
 * matches data reads (ReadableFile.read and readFile); an injection without a kind matches every
 * mutating operation but no read.
 */
import { FAULT_OPERATION_LOG_ENTRIES_MAX } from '../limits.js';
import { assert, assertionFailed } from '../util/assert.js';
import { IOError, LockedError, NotFoundError } from '../util/errors.js';
import { SeededRandom, type Random } from '../util/random.js';
import { FileData, MemoryFileSystem, normalizePath } from './memory.js';
import {
  baseName,
  joinPath,
  parentDirectory,
  type FileLock,
  type FileSystem,
  type ReadableFile,
  type WritableFile,
} from './types.js';

/**
 * Thrown by every call after the simulated crash. Deliberately not a SiltError: the engine must not
 * handle it as an I/O failure; it unwinds the whole workload like a bug would.
 */
export class CrashedError extends Error {
  override readonly name = 'CrashedError';
}

export type FaultOperationKind =
  | 'create'
  | 'append'
  | 'sync'
  | 'close'
  | 'rename'
  | 'remove'
  | 'mkdir'
  | 'syncDirectory'
  | 'lock';

export interface FaultOperation {
  /** 1-based: `crashAfter(index)` crashes right after this operation. */
  readonly index: number;
  readonly kind: FaultOperationKind;
  /** Normalised path (for a rename, the source). */
  readonly path: string;
  /** For a rename, the target path. */
  readonly targetPath?: string;
}

export interface ErrorInjection {
  /** Which operations fail; 'read' for data reads. Without it: every mutating operation. */
  readonly kind?: FaultOperationKind | 'read';
  /** Only operations whose path (or a rename's target) contains this string. */
  readonly pathIncludes?: string;
  readonly errno: 'EIO' | 'ENOSPC';
  /** Matching operations to let through before failing (default 0). */
  readonly after?: number;
  /** Matching operations to fail, after those let through (default 1; Infinity for a dead disk). */
  readonly count?: number;
}

export type CrashModel = 'process' | 'power';

export interface FaultFileSystemOptions {
  /** Starting contents, all durable (e.g. a crash image, to crash again during recovery). */
  readonly initial?: MemoryFileSystem;
}

class Inode {
  readonly data: FileData;
  durableLength: number;
  lastAppendStart = 0;

  constructor(initial?: Uint8Array) {
    this.data = new FileData(initial);
    this.durableLength = this.data.length;
  }
}

/** name → inode, for one directory. */
type Entries = Map<string, Inode>;

interface ActiveInjection {
  readonly kind: FaultOperationKind | 'read' | undefined;
  readonly pathIncludes: string | undefined;
  readonly errno: 'EIO' | 'ENOSPC';
  skipCount: number;
  failCount: number;
}

/** Counting, the crash switch, the log and injected errors: shared by the file system and its files. */
class Tracker {
  operationCount = 0;
  crashAt = Infinity;
  crashed = false;
  readonly log: FaultOperation[] = [];
  injections: ActiveInjection[] = [];

  /** Starts a mutating operation: throws if crashed or injected; the caller then does the effect. */
  begin(kind: FaultOperationKind, path: string, targetPath?: string): void {
    if (this.crashed) throw new CrashedError(`${kind} ${path} after the simulated crash`);
    const index = ++this.operationCount;
    if (this.log.length < FAULT_OPERATION_LOG_ENTRIES_MAX) {
      this.log.push(targetPath === undefined ? { index, kind, path } : { index, kind, path, targetPath });
    }
    // The current operation still takes effect: nothing can interleave before it finishes.
    if (index >= this.crashAt) this.crashed = true;
    if (this.injections.length > 0) this.#injectedFailure(kind, path, targetPath);
  }

  beginRead(path: string): void {
    this.checkAlive();
    if (this.injections.length > 0) this.#injectedFailure('read', path, undefined);
  }

  checkAlive(): void {
    if (this.crashed) throw new CrashedError('file system used after the simulated crash');
  }

  #injectedFailure(kind: FaultOperationKind | 'read', path: string, targetPath: string | undefined): void {
    for (const injection of this.injections) {
      if (injection.kind === undefined ? kind === 'read' : injection.kind !== kind) continue;
      const pattern = injection.pathIncludes;
      if (pattern !== undefined && !path.includes(pattern) && !(targetPath?.includes(pattern) ?? false)) continue;
      if (injection.skipCount > 0) {
        injection.skipCount--;
        continue;
      }
      if (injection.failCount <= 0) continue;
      injection.failCount--;
      if (injection.failCount <= 0) this.injections = this.injections.filter((i) => i.failCount > 0);
      throw new IOError(`injected ${injection.errno}: ${kind} ${path}`, { errno: injection.errno });
    }
  }
}

export class FaultFileSystem implements FileSystem {
  readonly #tracker = new Tracker();
  readonly #directories = new Set<string>(['.', '/']);
  /** directory path → its visible entries. Every directory in #directories has a map here. */
  readonly #visible = new Map<string, Entries>([
    ['.', new Map()],
    ['/', new Map()],
  ]);
  /** directory path → its entries as of the last syncDirectory (or creation, for mkdir). */
  readonly #durable = new Map<string, Entries>([
    ['.', new Map()],
    ['/', new Map()],
  ]);
  readonly #locks = new Set<string>();

  constructor(options: FaultFileSystemOptions = {}) {
    const initial = options.initial;
    if (initial === undefined) return;
    for (const directory of initial.directories) this.#addDirectory(directory);
    for (const [path, data] of initial.files) {
      const p = normalizePath(path);
      const parent = parentDirectory(p);
      this.#addDirectory(parent);
      const inode = new Inode(data.bytes.subarray(0, data.length));
      this.#visible.get(parent)?.set(baseName(p), inode);
      this.#durable.get(parent)?.set(baseName(p), inode);
    }
  }

  // ---- Test controls ---------------------------------------------------------------------------

  /** Mutating operations attempted so far (the next one is operationCount + 1). */
  get operationCount(): number {
    return this.#tracker.operationCount;
  }

  /** The first FAULT_OPERATION_LOG_ENTRIES_MAX operations, in order. */
  get operationLog(): readonly FaultOperation[] {
    return this.#tracker.log;
  }

  get crashed(): boolean {
    return this.#tracker.crashed;
  }

  /** Requires n >= operationCount. Operations 1..n take effect; everything after throws. */
  crashAfter(n: number): void {
    if (!(Number.isInteger(n) && n >= this.#tracker.operationCount)) assertionFailed(`cannot crash after operation ${n}`);
    this.#tracker.crashAt = n;
    if (n === this.#tracker.operationCount) this.#tracker.crashed = true;
  }

  crashNow(): void {
    this.#tracker.crashed = true;
  }

  /** Logged operations after which a crash is most telling: syncs, directory syncs and renames. */
  interestingCrashPoints(): number[] {
    const points: number[] = [];
    for (const operation of this.#tracker.log) {
      const kind = operation.kind;
      if (kind === 'sync' || kind === 'syncDirectory' || kind === 'rename') points.push(operation.index);
    }
    return points;
  }

  injectError(injection: ErrorInjection): void {
    const skipCount = injection.after ?? 0;
    const failCount = injection.count ?? 1;
    assert(skipCount >= 0 && failCount >= 0, 'injection counts are non-negative');
    this.#tracker.injections.push({
      kind: injection.kind,
      pathIncludes: injection.pathIncludes,
      errno: injection.errno,
      skipCount,
      failCount,
    });
  }

  clearInjectedErrors(): void {
    this.#tracker.injections = [];
  }

  /**
   * What a restarted process would find (see the header for the two models), as a new, independent
   * MemoryFileSystem. Works before or after a crash; does not change this file system.
   */
  crashImage(model: CrashModel, random: Random = new SeededRandom(0)): MemoryFileSystem {
    const image = new MemoryFileSystem();
    for (const directory of this.#directories) image.directories.add(directory);
    const namespace = model === 'process' ? this.#visible : this.#durable;
    // An inode reachable under two durable names (a half-synced cross-directory rename) is one file.
    const survivingLengths = new Map<Inode, number>();
    for (const directory of [...namespace.keys()].sort()) {
      const entries = namespace.get(directory);
      assert(entries !== undefined, 'namespace directory listed');
      for (const name of [...entries.keys()].sort()) {
        const inode = entries.get(name);
        assert(inode !== undefined, 'entry listed');
        let length = survivingLengths.get(inode);
        if (length === undefined) {
          length = model === 'process' ? inode.data.length : survivingLength(inode, random);
          survivingLengths.set(inode, length);
        }
        image.files.set(joinPath(directory, name), new FileData(inode.data.bytes.subarray(0, length)));
      }
    }
    return image;
  }

  // ---- FileSystem ------------------------------------------------------------------------------

  async createWritable(path: string): Promise<WritableFile> {
    const p = normalizePath(path);
    this.#tracker.begin('create', p);
    const entries = this.#visibleEntries(parentDirectory(p));
    if (this.#directories.has(p)) throw new IOError(`is a directory: ${p}`, { errno: 'EISDIR' });
    const inode = new Inode();
    entries.set(baseName(p), inode);
    return new FaultWritableFile(p, inode, this.#tracker);
  }

  async openReadable(path: string): Promise<ReadableFile> {
    this.#tracker.checkAlive();
    const p = normalizePath(path);
    return new FaultReadableFile(p, this.#inode(p), this.#tracker);
  }

  async readFile(path: string): Promise<Uint8Array> {
    const p = normalizePath(path);
    this.#tracker.beginRead(p);
    return this.#inode(p).data.contents();
  }

  async rename(from: string, to: string): Promise<void> {
    const source = normalizePath(from);
    const target = normalizePath(to);
    this.#tracker.begin('rename', source, target);
    const sourceEntries = this.#visibleEntries(parentDirectory(source));
    const inode = sourceEntries.get(baseName(source));
    if (inode === undefined) throw new NotFoundError(`no such file: ${source}`);
    const targetEntries = this.#visibleEntries(parentDirectory(target));
    if (this.#directories.has(target)) throw new IOError(`is a directory: ${target}`, { errno: 'EISDIR' });
    sourceEntries.delete(baseName(source));
    targetEntries.set(baseName(target), inode);
  }

  async remove(path: string): Promise<void> {
    const p = normalizePath(path);
    this.#tracker.begin('remove', p);
    if (!(this.#visible.get(parentDirectory(p))?.delete(baseName(p)) ?? false)) {
      throw new NotFoundError(`no such file: ${p}`);
    }
  }

  async list(dir: string): Promise<string[]> {
    this.#tracker.checkAlive();
    const d = normalizePath(dir);
    const names = [...this.#visibleEntries(d).keys()];
    for (const directory of this.#directories) {
      if (directory !== d && parentDirectory(directory) === d) names.push(baseName(directory));
    }
    return names.sort();
  }

  async mkdir(dir: string): Promise<void> {
    let d = normalizePath(dir);
    this.#tracker.begin('mkdir', d);
    const missing: string[] = [];
    while (!this.#directories.has(d)) {
      if (this.#visible.get(parentDirectory(d))?.has(baseName(d)) ?? false) {
        throw new IOError(`not a directory: ${d}`, { errno: 'ENOTDIR' });
      }
      missing.push(d);
      d = parentDirectory(d);
    }
    for (const directory of missing) this.#addDirectory(directory);
  }

  async exists(path: string): Promise<boolean> {
    this.#tracker.checkAlive();
    const p = normalizePath(path);
    return this.#directories.has(p) || (this.#visible.get(parentDirectory(p))?.has(baseName(p)) ?? false);
  }

  async syncDirectory(dir: string): Promise<void> {
    const d = normalizePath(dir);
    this.#tracker.begin('syncDirectory', d);
    this.#durable.set(d, new Map(this.#visibleEntries(d)));
  }

  async lock(path: string): Promise<FileLock> {
    const p = normalizePath(path);
    this.#tracker.begin('lock', p);
    if (this.#locks.has(p)) throw new LockedError(`lock held: ${p}`);
    this.#locks.add(p);
    let released = false;
    return {
      release: async () => {
        this.#tracker.checkAlive();
        if (released) return;
        released = true;
        this.#locks.delete(p);
      },
    };
  }

  // ---- Internals -------------------------------------------------------------------------------

  #addDirectory(directory: string): void {
    if (this.#directories.has(directory)) return;
    this.#directories.add(directory);
    this.#visible.set(directory, new Map());
    this.#durable.set(directory, new Map());
  }

  #visibleEntries(directory: string): Entries {
    const entries = this.#visible.get(directory);
    if (entries === undefined) throw new NotFoundError(`no such directory: ${directory}`);
    return entries;
  }

  #inode(path: string): Inode {
    const inode = this.#visible.get(parentDirectory(path))?.get(baseName(path));
    if (inode === undefined) throw new NotFoundError(`no such file: ${path}`);
    return inode;
  }
}

/** The power-loss length of one inode: its synced bytes plus a prefix of the rest (header, rule 5). */
function survivingLength(inode: Inode, random: Random): number {
  const durableLength = inode.durableLength;
  const length = inode.data.length;
  if (length === durableLength) return length;
  const lastStart = inode.lastAppendStart;
  assert(durableLength <= lastStart && lastStart <= length, 'an unsynced tail ends with the last append');
  switch (random.int(4)) {
    case 0:
      return durableLength;
    case 1:
      return length;
    default:
      return lastStart + random.int(length - lastStart + 1);
  }
}

class FaultWritableFile implements WritableFile {
  #closed = false;

  constructor(
    readonly path: string,
    private readonly inode: Inode,
    private readonly tracker: Tracker,
  ) {}

  get size(): number {
    return this.inode.data.length;
  }

  appendSync(data: Uint8Array): void {
    this.tracker.begin('append', this.path);
    if (this.#closed) throw new IOError(`write to closed file: ${this.path}`, { errno: 'EBADF' });
    this.inode.lastAppendStart = this.inode.data.length;
    this.inode.data.append(data);
  }

  async append(data: Uint8Array): Promise<void> {
    this.appendSync(data);
  }

  async sync(): Promise<void> {
    this.tracker.begin('sync', this.path);
    if (this.#closed) throw new IOError(`sync of closed file: ${this.path}`, { errno: 'EBADF' });
    this.inode.durableLength = this.inode.data.length;
  }

  async close(): Promise<void> {
    this.tracker.begin('close', this.path);
    this.#closed = true;
  }
}

class FaultReadableFile implements ReadableFile {
  constructor(
    readonly path: string,
    private readonly inode: Inode,
    private readonly tracker: Tracker,
  ) {}

  get size(): number {
    return this.inode.data.length;
  }

  read(position: number, length: number): Uint8Array {
    this.tracker.beginRead(this.path);
    if (!(position >= 0 && length >= 0)) {
      throw new IOError(`bad read range ${position}+${length}: ${this.path}`, { errno: 'EINVAL' });
    }
    const data = this.inode.data;
    const end = Math.min(data.length, position + length);
    if (position >= end) return new Uint8Array(0);
    return data.bytes.slice(position, end);
  }

  async close(): Promise<void> {
    this.tracker.checkAlive();
  }
}
