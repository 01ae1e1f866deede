/**
 * An in-memory file system. Used for in-memory databases, tests, and as the substrate of the
 * fault-injecting file system. Everything is durable the moment it is written: there is no page cache
 * to lose (the fault file system models that on top).
 *
 * Concurrency: single-threaded; every method completes synchronously and returns a settled promise.
 */
import { IOError, LockedError, NotFoundError } from '../util/errors.js';
import { sharedBytes } from '../util/shared-memory.js';
import { baseName, parentDirectory, type FileLock, type FileSystem, type ReadableFile, type WritableFile } from './types.js';

/**
 * Growable byte buffer holding one file's contents, in shared memory (engine/util/shared-memory.ts:
 * an in-memory database's files are most of its memory, and as ArrayBuffers their growth set off
 * full GCs). Readers get copies (slice), never views of it, except through readShared: a worker
 * that reads a finished table in place (FileSystem.readShared), and never writes to it.
 */
export class FileData {
  bytes: Uint8Array<SharedArrayBuffer>;
  length: number;

  constructor(initial?: Uint8Array) {
    this.bytes = sharedBytes(initial ? initial.length : 256);
    if (initial) this.bytes.set(initial);
    this.length = initial ? initial.length : 0;
  }

  /** A file whose contents are `bytes` itself (FileSystem.adoptShared): no copy. */
  static adopt(bytes: Uint8Array<SharedArrayBuffer>): FileData {
    const data = new FileData(new Uint8Array(0));
    data.bytes = bytes;
    data.length = bytes.length;
    return data;
  }

  append(data: Uint8Array): void {
    if (this.length + data.length > this.bytes.length) {
      // Start from at least 256 bytes: doubling a zero-capacity buffer (a file created from an empty
      // initial array) would never grow it. A first append larger than that gets exactly its size:
      // a table is written whole in one append and never grows, and doubling would leave up to half
      // of each table's memory unused (an in-memory database's tables are most of its memory).
      let capacity = this.length === 0 && data.length > 256 ? data.length : Math.max(256, this.bytes.length * 2);
      while (capacity < this.length + data.length) capacity *= 2;
      const grown = sharedBytes(capacity);
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }

  contents(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  /** A view of the bytes themselves, for FileSystem.readShared: not to be written to. */
  shared(): Uint8Array<SharedArrayBuffer> {
    return this.bytes.subarray(0, this.length);
  }
}

/**
 * Canonical form of a path, so that 'db//x', './db/x' and 'db/x/' name the same entry: repeated
 * slashes and '.' segments are dropped, and the empty path is '.'. ('..' is kept as written.)
 */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0) return absolute ? '/' : '.';
  return (absolute ? '/' : '') + parts.join('/');
}

const normalize = normalizePath;

export class MemoryFileSystem implements FileSystem {
  /** path → contents; directories are implicit in `directories`. */
  readonly files = new Map<string, FileData>();
  readonly directories = new Set<string>(['.', '/']);
  readonly #locks = new Set<string>();

  fileNames(): string[] {
    return [...this.files.keys()].sort();
  }

  #requireDirectory(path: string): void {
    const parent = parentDirectory(path);
    if (!this.directories.has(parent)) throw new NotFoundError(`no such directory: ${parent}`);
  }

  #file(path: string): FileData {
    const file = this.files.get(normalize(path));
    if (!file) throw new NotFoundError(`no such file: ${path}`);
    return file;
  }

  async createWritable(path: string): Promise<WritableFile> {
    return this.createWritableSync(path);
  }

  createWritableSync(path: string): WritableFile {
    const data = new FileData();
    return new MemoryWritableFile(this.#putFile(path, data), data);
  }

  /** Makes `data` the file at `path` (replacing any), in an existing directory; the normal path. */
  #putFile(path: string, data: FileData): string {
    const p = normalize(path);
    this.#requireDirectory(p);
    if (this.directories.has(p)) throw new IOError(`is a directory: ${path}`, { errno: 'EISDIR' });
    this.files.set(p, data);
    return p;
  }

  async openReadable(path: string): Promise<ReadableFile> {
    const p = normalize(path);
    return new MemoryReadableFile(p, this.#file(p));
  }

  async readFile(path: string): Promise<Uint8Array> {
    return this.#file(path).contents();
  }

  /** The file's bytes themselves (FileData keeps them in shared memory): no copy. */
  async readShared(path: string): Promise<Uint8Array<SharedArrayBuffer>> {
    return this.#file(path).shared();
  }

  /** A file made of `bytes` itself (shared memory, as FileData keeps files): no copy. */
  async adoptShared(path: string, bytes: Uint8Array<SharedArrayBuffer>): Promise<void> {
    this.#putFile(path, FileData.adopt(bytes));
  }

  async rename(from: string, to: string): Promise<void> {
    const source = normalize(from);
    const target = normalize(to);
    const data = this.#file(source);
    this.#requireDirectory(target);
    this.files.delete(source);
    this.files.set(target, data);
  }

  async remove(path: string): Promise<void> {
    const p = normalize(path);
    if (!this.files.delete(p)) throw new NotFoundError(`no such file: ${path}`);
  }

  async list(dir: string): Promise<string[]> {
    const d = normalize(dir);
    if (!this.directories.has(d)) throw new NotFoundError(`no such directory: ${dir}`);
    const names: string[] = [];
    for (const path of this.files.keys()) if (parentDirectory(path) === d) names.push(baseName(path));
    for (const path of this.directories) if (path !== d && parentDirectory(path) === d) names.push(baseName(path));
    return names.sort();
  }

  async mkdir(dir: string): Promise<void> {
    let d = normalize(dir);
    const missing: string[] = [];
    while (!this.directories.has(d)) {
      if (this.files.has(d)) throw new IOError(`not a directory: ${d}`, { errno: 'ENOTDIR' });
      missing.push(d);
      d = parentDirectory(d);
    }
    for (const m of missing) this.directories.add(m);
  }

  async exists(path: string): Promise<boolean> {
    const p = normalize(path);
    return this.files.has(p) || this.directories.has(p);
  }

  async syncDirectory(dir: string): Promise<void> {
    if (!this.directories.has(normalize(dir))) throw new NotFoundError(`no such directory: ${dir}`);
  }

  async lock(path: string): Promise<FileLock> {
    const p = normalize(path);
    if (this.#locks.has(p)) throw new LockedError(`lock held: ${path}`);
    this.#locks.add(p);
    return {
      release: async () => {
        this.#locks.delete(p);
      },
    };
  }
}

class MemoryWritableFile implements WritableFile {
  #closed = false;
  constructor(
    readonly path: string,
    readonly data: FileData,
  ) {}

  get size(): number {
    return this.data.length;
  }

  appendSync(data: Uint8Array): void {
    if (this.#closed) throw new IOError(`write to closed file: ${this.path}`, { errno: 'EBADF' });
    this.data.append(data);
  }

  async append(data: Uint8Array): Promise<void> {
    this.appendSync(data);
  }

  async sync(): Promise<void> {
    if (this.#closed) throw new IOError(`sync of closed file: ${this.path}`, { errno: 'EBADF' });
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

class MemoryReadableFile implements ReadableFile {
  constructor(
    readonly path: string,
    readonly data: FileData,
  ) {}

  get size(): number {
    return this.data.length;
  }

  read(position: number, length: number): Uint8Array {
    if (!(position >= 0 && length >= 0)) {
      throw new IOError(`bad read range ${position}+${length}: ${this.path}`, { errno: 'EINVAL' });
    }
    const end = Math.min(this.data.length, position + length);
    if (position >= end) return new Uint8Array(0);
    return this.data.bytes.slice(position, end);
  }

  async close(): Promise<void> {}
}
