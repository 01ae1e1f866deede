/**
 * The FileSystem contract (engine/vfs/types.ts), as a suite every implementation runs: memory,
 * node and fault. Implementation-specific behaviour (durability, locks across processes) is tested
 * beside each implementation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../../engine/util/bytes.js';
import { IOError, LockedError, NotFoundError } from '../../engine/util/errors.js';
import { joinPath, type FileSystem } from '../../engine/vfs/types.js';

export interface FileSystemUnderTest {
  readonly fs: FileSystem;
  /** An existing, empty directory to work in. */
  readonly root: string;
  cleanup(): Promise<void>;
}

/** A plain Uint8Array copy, so that Buffers and Uint8Arrays compare equal. */
export function plain(bytes: Uint8Array): number[] {
  return [...bytes];
}

async function writeFile(fs: FileSystem, path: string, data: Uint8Array): Promise<void> {
  const file = await fs.createWritable(path);
  await file.append(data);
  await file.sync();
  await file.close();
}

export function fileSystemContract(name: string, create: () => Promise<FileSystemUnderTest>): void {
  describe(`${name}: FileSystem contract`, () => {
    async function withFs(body: (fs: FileSystem, root: string) => Promise<void>): Promise<void> {
      const { fs, root, cleanup } = await create();
      try {
        await body(fs, root);
      } finally {
        await cleanup();
      }
    }

    it("hands readFile's and read()'s results to the caller: writing to them or transferring them changes no file", async () => {
      await withFs(async (fs, root) => {
        const path = joinPath(root, 'owned');
        const file = await fs.createWritable(path);
        await file.append(utf8('0123456789'));
        await file.sync();
        await file.close();
        const whole = await fs.readFile(path);
        whole.fill(0x21);
        const moved = await fs.readFile(path);
        // What a compaction does with an input table: the buffer moves to a worker thread.
        if (moved.buffer instanceof ArrayBuffer && moved.byteOffset === 0 && moved.byteLength === moved.buffer.byteLength) structuredClone(moved, { transfer: [moved.buffer] });
        const reader = await fs.openReadable(path);
        reader.read(2, 3).fill(0x21);
        expect(plain(await fs.readFile(path))).toEqual(plain(utf8('0123456789')));
        expect(plain(reader.read(0, 10))).toEqual(plain(utf8('0123456789')));
        await reader.close();
      });
    });

    it('readShared, where offered, lends the whole file in shared memory, which a removal or rewrite leaves intact', async () => {
      await withFs(async (fs, root) => {
        if (fs.readShared === undefined) return;
        const path = joinPath(root, 'table');
        await writeFile(fs, path, utf8('0123456789'));
        const lent = await fs.readShared(path);
        expect(lent.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(plain(lent)).toEqual(plain(utf8('0123456789')));
        // What a compaction does with it: a worker thread gets the same memory (a structured clone shares it).
        expect(plain(structuredClone(lent))).toEqual(plain(utf8('0123456789')));
        await fs.remove(path);
        await writeFile(fs, path, utf8('rewritten!'));
        expect(plain(lent)).toEqual(plain(utf8('0123456789')));
      });
    });

    it('adoptShared, where offered, makes a file of the bytes themselves, durable, and refuses a directory', async () => {
      await withFs(async (fs, root) => {
        if (fs.adoptShared === undefined) return;
        const path = joinPath(root, 'adopted');
        const bytes = new Uint8Array(new SharedArrayBuffer(10));
        bytes.set(utf8('0123456789'));
        await fs.adoptShared(path, bytes);
        expect(plain(await fs.readFile(path))).toEqual(plain(utf8('0123456789')));
        expect((await fs.openReadable(path)).size).toBe(10);
        // No copy: readShared lends that very memory.
        if (fs.readShared !== undefined) expect((await fs.readShared(path)).buffer).toBe(bytes.buffer);
        // It replaces an existing file, as createWritable does.
        const again = new Uint8Array(new SharedArrayBuffer(3));
        again.set(utf8('abc'));
        await fs.adoptShared(path, again);
        expect(plain(await fs.readFile(path))).toEqual(plain(utf8('abc')));
        await expect(fs.adoptShared(root, again)).rejects.toThrow();
        await expect(fs.adoptShared(joinPath(root, 'missing/dir/file'), again)).rejects.toThrow();
      });
    });

    it('appends (async and sync), tracks size, and reads back at any position', async () => {
      await withFs(async (fs, root) => {
        const path = joinPath(root, 'a.log');
        const file = await fs.createWritable(path);
        expect(file.size).toBe(0);
        await file.append(utf8('hello '));
        file.appendSync(utf8('world'));
        await file.append(new Uint8Array(0));
        expect(file.size).toBe(11);
        await file.sync();
        await file.close();
        expect(plain(await fs.readFile(path))).toEqual(plain(utf8('hello world')));
        const reader = await fs.openReadable(path);
        expect(reader.size).toBe(11);
        expect(plain(reader.read(6, 5))).toEqual(plain(utf8('world')));
        expect(plain(reader.read(0, 5))).toEqual(plain(utf8('hello')));
        expect(plain(reader.read(8, 100))).toEqual(plain(utf8('rld'))); // short read at the end
        expect(reader.read(11, 4).length).toBe(0);
        expect(reader.read(50, 4).length).toBe(0);
        expect(reader.read(3, 0).length).toBe(0);
        await reader.close();
      });
    });

    it('reads back any sequence of appends', async () => {
      await withFs(async (fs, root) => {
        let round = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.tuple(fc.uint8Array({ maxLength: 600 }), fc.boolean()), { maxLength: 12 }),
            fc.array(fc.tuple(fc.nat(), fc.nat({ max: 700 })), { maxLength: 10 }),
            async (appends, reads) => {
              const path = joinPath(root, `p${round++}`);
              const file = await fs.createWritable(path);
              for (const [data, sync] of appends) {
                if (sync) file.appendSync(data);
                else await file.append(data);
              }
              await file.close();
              const whole = concatBytes(appends.map(([data]) => data));
              expect(plain(await fs.readFile(path))).toEqual(plain(whole));
              const reader = await fs.openReadable(path);
              for (const [at, length] of reads) {
                const position = whole.length === 0 ? at % 5 : at % (whole.length + 2);
                expect(plain(reader.read(position, length))).toEqual(plain(whole.slice(position, position + length)));
              }
              await reader.close();
              await fs.remove(path);
            },
          ),
          { numRuns: 40 },
        );
      });
    });

    it('createWritable truncates an existing file', async () => {
      await withFs(async (fs, root) => {
        const path = joinPath(root, 'f');
        await writeFile(fs, path, utf8('old contents'));
        const file = await fs.createWritable(path);
        await file.append(utf8('new'));
        await file.close();
        expect(plain(await fs.readFile(path))).toEqual(plain(utf8('new')));
      });
    });

    it('renames, replacing an existing target', async () => {
      await withFs(async (fs, root) => {
        const from = joinPath(root, 'CURRENT.tmp');
        const to = joinPath(root, 'CURRENT');
        await writeFile(fs, to, utf8('MANIFEST-1'));
        await writeFile(fs, from, utf8('MANIFEST-2'));
        await fs.rename(from, to);
        expect(await fs.exists(from)).toBe(false);
        expect(plain(await fs.readFile(to))).toEqual(plain(utf8('MANIFEST-2')));
        expect(await fs.list(root)).toEqual(['CURRENT']);
        await expect(fs.rename(from, to)).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    it('removes files; missing files are NotFoundError', async () => {
      await withFs(async (fs, root) => {
        const path = joinPath(root, 'gone');
        await writeFile(fs, path, utf8('x'));
        expect(await fs.exists(path)).toBe(true);
        await fs.remove(path);
        expect(await fs.exists(path)).toBe(false);
        await expect(fs.remove(path)).rejects.toBeInstanceOf(NotFoundError);
        await expect(fs.readFile(path)).rejects.toBeInstanceOf(NotFoundError);
        await expect(fs.openReadable(path)).rejects.toBeInstanceOf(NotFoundError);
        await expect(fs.createWritable(joinPath(root, 'no/such/dir/file'))).rejects.toBeInstanceOf(NotFoundError);
        await expect(fs.list(joinPath(root, 'nodir'))).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    it('lists names (not paths) sorted, directories included', async () => {
      await withFs(async (fs, root) => {
        expect(await fs.list(root)).toEqual([]);
        for (const name of ['000010.sst', 'LOCK', '000002.log', 'CURRENT', 'MANIFEST-000003']) {
          await writeFile(fs, joinPath(root, name), utf8(name));
        }
        await fs.mkdir(joinPath(root, 'sub'));
        await writeFile(fs, joinPath(root, 'sub/inner'), utf8('x'));
        expect(await fs.list(root)).toEqual(['000002.log', '000010.sst', 'CURRENT', 'LOCK', 'MANIFEST-000003', 'sub']);
        expect(await fs.list(joinPath(root, 'sub'))).toEqual(['inner']);
      });
    });

    it('mkdir makes parents and tolerates an existing directory; exists sees files and directories', async () => {
      await withFs(async (fs, root) => {
        const deep = joinPath(root, 'a/b/c');
        await fs.mkdir(deep);
        await fs.mkdir(deep);
        expect(await fs.exists(joinPath(root, 'a'))).toBe(true);
        expect(await fs.exists(deep)).toBe(true);
        expect(await fs.exists(joinPath(root, 'a/x'))).toBe(false);
        await writeFile(fs, joinPath(deep, 'f'), utf8('deep'));
        expect(plain(await fs.readFile(joinPath(deep, 'f')))).toEqual(plain(utf8('deep')));
        await fs.syncDirectory(deep);
        await fs.syncDirectory(root);
      });
    });

    it('mkdir over a file fails with IOError', async () => {
      await withFs(async (fs, root) => {
        await writeFile(fs, joinPath(root, 'file'), utf8('x'));
        await expect(fs.mkdir(joinPath(root, 'file/sub'))).rejects.toBeInstanceOf(IOError);
      });
    });

    it('a lock is exclusive until released', async () => {
      await withFs(async (fs, root) => {
        const path = joinPath(root, 'LOCK');
        const lock = await fs.lock(path);
        await expect(fs.lock(path)).rejects.toBeInstanceOf(LockedError);
        await lock.release();
        const again = await fs.lock(path);
        await again.release();
      });
    });

    it('a reader opened before a file is removed keeps reading it', async () => {
      await withFs(async (fs, root) => {
        const path = joinPath(root, 'unlinked');
        await writeFile(fs, path, utf8('still here'));
        const reader = await fs.openReadable(path);
        await fs.remove(path);
        expect(plain(reader.read(0, 10))).toEqual(plain(utf8('still here')));
        await reader.close();
      });
    });
  });
}
