import { spawnSync } from 'node:child_process';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../engine/util/bytes.js';
import { IOError, LockedError, NotFoundError } from '../../engine/util/errors.js';
import { NodeFileSystem } from '../../engine/vfs/node.js';
import { fileSystemContract, plain } from './contract.js';

function temporaryDirectory(): string {
  return nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'silt-vfs-'));
}

async function withDirectory(body: (fs: NodeFileSystem, root: string) => Promise<void>): Promise<void> {
  const root = temporaryDirectory();
  try {
    await body(new NodeFileSystem(), root);
  } finally {
    nodeFs.rmSync(root, { recursive: true, force: true });
  }
}

fileSystemContract('NodeFileSystem', async () => {
  const root = temporaryDirectory();
  return { fs: new NodeFileSystem(), root, cleanup: async () => nodeFs.rmSync(root, { recursive: true, force: true }) };
});

describe('NodeFileSystem', () => {
  it('writes real files that node:fs sees', async () => {
    await withDirectory(async (fs, root) => {
      const path = nodePath.join(root, '000001.log');
      const file = await fs.createWritable(path);
      file.appendSync(utf8('sync '));
      await file.append(utf8('async'));
      await file.sync();
      await file.close();
      expect(nodeFs.readFileSync(path, 'utf8')).toBe('sync async');
      await fs.syncDirectory(root);
    });
  });

  it('reports missing files as NotFoundError and other failures as IOError with errno', async () => {
    await withDirectory(async (fs, root) => {
      const missing = nodePath.join(root, 'missing');
      await expect(fs.readFile(missing)).rejects.toBeInstanceOf(NotFoundError);
      await expect(fs.openReadable(missing)).rejects.toBeInstanceOf(NotFoundError);
      await expect(fs.remove(missing)).rejects.toBeInstanceOf(NotFoundError);
      await expect(fs.syncDirectory(missing)).rejects.toBeInstanceOf(NotFoundError);
      nodeFs.mkdirSync(nodePath.join(root, 'dir'));
      const error: unknown = await fs.createWritable(nodePath.join(root, 'dir')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IOError);
      expect((error as IOError).errno).toBe('EISDIR');
    });
  });

  it('refuses a negative read position', async () => {
    await withDirectory(async (fs, root) => {
      const path = nodePath.join(root, 'f');
      nodeFs.writeFileSync(path, 'abc');
      const reader = await fs.openReadable(path);
      expect(() => reader.read(-1, 2)).toThrow(IOError);
      await reader.close();
    });
  });

  describe('lock', () => {
    it('writes our pid, refuses a second holder in this process (also by another spelling), and cleans up', async () => {
      await withDirectory(async (fs, root) => {
        const path = nodePath.join(root, 'LOCK');
        const lock = await fs.lock(path);
        expect(nodeFs.readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
        await expect(fs.lock(path)).rejects.toBeInstanceOf(LockedError);
        await expect(new NodeFileSystem().lock(nodePath.join(root, '.', 'LOCK'))).rejects.toBeInstanceOf(LockedError);
        await lock.release();
        expect(nodeFs.existsSync(path)).toBe(false);
        await lock.release(); // idempotent
        const again = await fs.lock(path);
        await again.release();
      });
    });

    it('lets only one of two concurrent lock calls win', async () => {
      await withDirectory(async (fs, root) => {
        const path = nodePath.join(root, 'LOCK');
        const results = await Promise.allSettled([fs.lock(path), fs.lock(path)]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r) => r.status === 'rejected');
        expect(rejected?.status === 'rejected' && rejected.reason instanceof LockedError).toBe(true);
        for (const r of results) if (r.status === 'fulfilled') await r.value.release();
      });
    });

    it('refuses a LOCK held by another live process', async () => {
      await withDirectory(async (fs, root) => {
        const path = nodePath.join(root, 'LOCK');
        nodeFs.writeFileSync(path, `${process.ppid}\n`); // our parent is alive
        await expect(fs.lock(path)).rejects.toBeInstanceOf(LockedError);
        expect(nodeFs.readFileSync(path, 'utf8').trim()).toBe(String(process.ppid));
      });
    });

    it('takes over a stale LOCK left by a dead process', async () => {
      await withDirectory(async (fs, root) => {
        const child = spawnSync(process.execPath, ['-e', '0']);
        expect(child.status).toBe(0);
        const deadPid = child.pid;
        expect(deadPid).toBeGreaterThan(0);
        const path = nodePath.join(root, 'LOCK');
        nodeFs.writeFileSync(path, `${deadPid}\n`);
        const lock = await fs.lock(path);
        expect(nodeFs.readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
        await lock.release();
      });
    });

    it('takes over an empty or garbled LOCK', async () => {
      await withDirectory(async (fs, root) => {
        const path = nodePath.join(root, 'LOCK');
        nodeFs.writeFileSync(path, 'not a pid');
        const lock = await fs.lock(path);
        await lock.release();
      });
    });
  });

  it('keeps a file readable after rename over it while open (POSIX semantics)', async () => {
    await withDirectory(async (fs, root) => {
      const a = nodePath.join(root, 'a');
      const b = nodePath.join(root, 'b');
      nodeFs.writeFileSync(a, 'new');
      nodeFs.writeFileSync(b, 'old');
      const reader = await fs.openReadable(b);
      await fs.rename(a, b);
      expect(plain(reader.read(0, 3))).toEqual(plain(utf8('old')));
      await reader.close();
      expect(plain(await fs.readFile(b))).toEqual(plain(utf8('new')));
    });
  });
});
