/**
 * The real file system, on node:fs. The only module in the engine that imports node:fs.
 *
 * Reads are synchronous positional reads (`readSync`): point lookups and scans never await, and a
 * pread of a block already in the OS page cache costs a few microseconds. Appends on the WAL hot path
 * use `writeSync`; bulk appends (SSTables) and fsyncs go through the thread pool.
 */
import * as fs from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { IOError, LockedError, NotFoundError, type SiltError } from '../util/errors.js';
import type { FileLock, FileSystem, ReadableFile, WritableFile } from './types.js';

function translate(error: unknown, what: string): SiltError {
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'ENOENT') return new NotFoundError(`${what}: not found`, { cause: error });
  return new IOError(`${what}: ${errno ?? String(error)}`, { cause: error, ...(errno ? { errno } : {}) });
}

async function wrap<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw translate(error, what);
  }
}

/** Paths locked by this process: a second open of the same directory fails fast. */
const heldLocks = new Set<string>();

export class NodeFileSystem implements FileSystem {
  async createWritable(path: string): Promise<WritableFile> {
    const fd = await wrap(`create ${path}`, () => fs.promises.open(path, 'w'));
    return new NodeWritableFile(path, fd.fd, fd);
  }

  async openReadable(path: string): Promise<ReadableFile> {
    const handle = await wrap(`open ${path}`, () => fs.promises.open(path, 'r'));
    const stat = await wrap(`stat ${path}`, () => handle.stat());
    return new NodeReadableFile(path, handle, stat.size);
  }

  readFile(path: string): Promise<Uint8Array> {
    return wrap(`read ${path}`, () => fs.promises.readFile(path));
  }

  rename(from: string, to: string): Promise<void> {
    return wrap(`rename ${from} -> ${to}`, () => fs.promises.rename(from, to));
  }

  remove(path: string): Promise<void> {
    return wrap(`remove ${path}`, () => fs.promises.unlink(path));
  }

  async list(dir: string): Promise<string[]> {
    const names = await wrap(`list ${dir}`, () => fs.promises.readdir(dir));
    return names.sort();
  }

  async mkdir(dir: string): Promise<void> {
    await wrap(`mkdir ${dir}`, () => fs.promises.mkdir(dir, { recursive: true }));
  }

  async exists(path: string): Promise<boolean> {
    try {
      await fs.promises.access(path);
      return true;
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code;
      if (errno === 'ENOENT') return false;
      throw translate(error, `access ${path}`);
    }
  }

  async syncDirectory(dir: string): Promise<void> {
    await wrap(`fsync directory ${dir}`, async () => {
      const handle = await fs.promises.open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }

  /**
   * Node has no flock, so the lock is a LOCK file holding the owner's pid, plus an in-process set
   * keyed by absolute path (so 'db/LOCK' and './db/LOCK' are the same lock). The file is created
   * exclusively ('wx'), so two processes starting together cannot both take a fresh lock. A LOCK
   * file left by a dead process (its pid no longer running) is taken over.
   */
  async lock(path: string): Promise<FileLock> {
    const key = resolvePath(path);
    if (heldLocks.has(key)) throw new LockedError(`database is already open in this process: ${path}`);
    // Reserve the key before the first await, so two concurrent lock() calls in this process cannot
    // both pass the check above (the second would otherwise find its own pid and take over).
    heldLocks.add(key);
    try {
      await writeLockFile(path);
    } catch (error) {
      heldLocks.delete(key);
      throw error;
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        heldLocks.delete(key);
        await wrap(`remove lock ${path}`, () => fs.promises.unlink(path));
      },
    };
  }
}

/** Writes our pid into the LOCK file, unless a live process other than this one holds it. */
async function writeLockFile(path: string): Promise<void> {
  const contents = `${process.pid}\n`;
  try {
    await fs.promises.writeFile(path, contents, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw translate(error, `create lock ${path}`);
    const owner = Number((await wrap(`read lock ${path}`, () => fs.promises.readFile(path, 'utf8'))).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processIsAlive(owner)) {
      throw new LockedError(`database is locked by process ${owner}: ${path}`);
    }
    await wrap(`write lock ${path}`, () => fs.promises.writeFile(path, contents));
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

class NodeWritableFile implements WritableFile {
  size = 0;
  constructor(
    readonly path: string,
    private readonly fd: number,
    private readonly handle: fs.promises.FileHandle,
  ) {}

  appendSync(data: Uint8Array): void {
    try {
      let written = 0;
      while (written < data.length) written += fs.writeSync(this.fd, data, written, data.length - written);
    } catch (error) {
      throw translate(error, `append ${this.path}`);
    }
    this.size += data.length;
  }

  async append(data: Uint8Array): Promise<void> {
    await wrap(`append ${this.path}`, async () => {
      let written = 0;
      while (written < data.length) {
        const result = await this.handle.write(data, written, data.length - written);
        written += result.bytesWritten;
      }
    });
    this.size += data.length;
  }

  sync(): Promise<void> {
    return wrap(`fdatasync ${this.path}`, () => this.handle.datasync());
  }

  close(): Promise<void> {
    return wrap(`close ${this.path}`, () => this.handle.close());
  }
}

class NodeReadableFile implements ReadableFile {
  constructor(
    readonly path: string,
    private readonly handle: fs.promises.FileHandle,
    readonly size: number,
  ) {}

  read(position: number, length: number): Uint8Array {
    // A negative position would make readSync read at the file's current offset instead.
    if (!(position >= 0 && length >= 0)) {
      throw new IOError(`bad read range ${position}+${length}: ${this.path}`, { errno: 'EINVAL' });
    }
    const available = Math.max(0, Math.min(length, this.size - position));
    const buffer = Buffer.allocUnsafe(available);
    let done = 0;
    try {
      while (done < available) {
        const count = fs.readSync(this.handle.fd, buffer, done, available - done, position + done);
        if (count === 0) break;
        done += count;
      }
    } catch (error) {
      throw translate(error, `read ${this.path}`);
    }
    return done === available ? buffer : buffer.subarray(0, done);
  }

  close(): Promise<void> {
    return wrap(`close ${this.path}`, () => this.handle.close());
  }
}
