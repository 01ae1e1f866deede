/**
 * The file-system interface: the only way the engine touches files. Three implementations: node
 * (real disk), memory (tests, in-memory databases) and fault (crash and error injection over memory).
 *
 * Paths are '/'-separated strings. Concurrency: any number of readers; a WritableFile has one writer.
 *
 * Contract (what the durability argument relies on):
 * 1. `append`/`appendSync` data is visible to readers of the same process at once, but survives a
 *    power loss only after `sync()` resolves.
 * 2. A created, renamed or removed directory entry survives a power loss only after
 *    `syncDirectory(parent)` resolves.
 * 3. `rename` atomically replaces the target.
 * 4. Any failure throws IOError (with errno) — never a bare system error.
 */
export interface WritableFile {
  readonly path: string;
  /** Bytes appended so far. */
  readonly size: number;
  append(data: Uint8Array): Promise<void>;
  /** Synchronous append, for small writes on the hot path (a WAL record). */
  appendSync(data: Uint8Array): void;
  /** fdatasync: everything appended so far is durable when this resolves. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface ReadableFile {
  readonly path: string;
  readonly size: number;
  /**
   * Reads `length` bytes at `position`, synchronously (point reads and scans never await).
   * Returns fewer bytes only when the file ends first.
   */
  read(position: number, length: number): Uint8Array;
  close(): Promise<void>;
}

export interface FileLock {
  release(): Promise<void>;
}

export interface FileSystem {
  /** Creates a file, truncating any existing one, open for appending. */
  createWritable(path: string): Promise<WritableFile>;
  /** Opens an existing file for reading; NotFoundError when missing. */
  openReadable(path: string): Promise<ReadableFile>;
  /**
   * Reads a whole file; NotFoundError when missing. The result is the caller's: nothing else holds
   * its buffer, so the caller may write to it or transfer it to another thread.
   */
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Optional: a whole file's bytes where they already are, in shared memory, so another thread can
   * read them without a copy (a compaction's input tables, engine/lsm/compaction/worker-compaction.ts).
   * For a file that no longer changes: the caller must not write to it. A file system that keeps
   * files in ordinary memory or on disk leaves it out, and callers use readFile.
   */
  readShared?(path: string): Promise<Uint8Array<SharedArrayBuffer>>;
  /**
   * Optional, readShared's converse: creates (or replaces) the file `path` holding `bytes` itself,
   * durable on return as after append, sync and close, with no copy: the caller hands the memory over
   * and never writes to it again (a compaction's output tables, built in shared memory by a worker).
   * A file system that keeps files in ordinary memory or on disk leaves it out, and callers write.
   */
  adoptShared?(path: string, bytes: Uint8Array<SharedArrayBuffer>): Promise<void>;
  /** Atomically renames `from` over `to`. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; NotFoundError when missing. */
  remove(path: string): Promise<void>;
  /** File names (not paths) directly inside `dir`, sorted. */
  list(dir: string): Promise<string[]>;
  /** Creates `dir` and its parents; no error when it exists. */
  mkdir(dir: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** Makes the directory's entries (creates, renames, removes) durable. */
  syncDirectory(dir: string): Promise<void>;
  /** Takes an exclusive lock on `path` for this process; LockedError when another holder has it. */
  lock(path: string): Promise<FileLock>;
}

export function joinPath(dir: string, name: string): string {
  if (dir === '' || dir === '.') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export function parentDirectory(path: string): string {
  const index = path.lastIndexOf('/');
  if (index < 0) return '.';
  if (index === 0) return '/';
  return path.slice(0, index);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
