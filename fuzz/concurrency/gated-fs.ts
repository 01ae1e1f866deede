/**
 * A file system whose writes wait at a gate: every append, sync, rename and remove of the wrapped
 * MemoryFileSystem first awaits `gate(label)`. The concurrency campaign's gate is a fast-check
 * scheduler task, so a commit, a flush or a compaction stops at each file operation while the
 * scheduler lets other calls start and run: interleavings inside the write path, not only between
 * calls. `open()` turns the gate off (for setup and for draining at the end).
 *
 * Reads stay synchronous (the engine's reads never await), as do appendSync and the metadata calls.
 */
import type { FileLock, FileSystem, ReadableFile, WritableFile } from '../../engine/vfs/types.js';

export type Gate = (label: string) => Promise<void>;

class GatedWritable implements WritableFile {
  constructor(
    private readonly inner: WritableFile,
    private readonly fs: GatedFileSystem,
  ) {}
  get path(): string {
    return this.inner.path;
  }
  get size(): number {
    return this.inner.size;
  }
  async append(data: Uint8Array): Promise<void> {
    await this.fs.pass(`append ${this.inner.path}`);
    return this.inner.append(data);
  }
  appendSync(data: Uint8Array): void {
    this.inner.appendSync(data);
  }
  async sync(): Promise<void> {
    await this.fs.pass(`sync ${this.inner.path}`);
    return this.inner.sync();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

export class GatedFileSystem implements FileSystem {
  #gate: Gate | undefined;
  /** File operations that waited at the gate. */
  gatedOperations = 0;

  constructor(private readonly inner: FileSystem) {}

  /** Gate every later write operation (undefined: let them through). */
  setGate(gate: Gate | undefined): void {
    this.#gate = gate;
  }

  pass(label: string): Promise<void> {
    if (this.#gate === undefined) return Promise.resolve();
    this.gatedOperations++;
    return this.#gate(label);
  }

  async createWritable(path: string): Promise<WritableFile> {
    return new GatedWritable(await this.inner.createWritable(path), this);
  }
  openReadable(path: string): Promise<ReadableFile> {
    return this.inner.openReadable(path);
  }
  readFile(path: string): Promise<Uint8Array> {
    return this.inner.readFile(path);
  }
  async rename(from: string, to: string): Promise<void> {
    await this.pass(`rename ${from}`);
    return this.inner.rename(from, to);
  }
  async remove(path: string): Promise<void> {
    await this.pass(`remove ${path}`);
    return this.inner.remove(path);
  }
  list(dir: string): Promise<string[]> {
    return this.inner.list(dir);
  }
  mkdir(dir: string): Promise<void> {
    return this.inner.mkdir(dir);
  }
  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }
  syncDirectory(dir: string): Promise<void> {
    return this.inner.syncDirectory(dir);
  }
  lock(path: string): Promise<FileLock> {
    return this.inner.lock(path);
  }
}
