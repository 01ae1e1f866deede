import { describe, expect, it } from 'vitest';
import { utf8 } from '../../engine/util/bytes.js';
import { IOError } from '../../engine/util/errors.js';
import { FileData, MemoryFileSystem, normalizePath } from '../../engine/vfs/memory.js';
import { fileSystemContract, plain } from './contract.js';

fileSystemContract('MemoryFileSystem', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdir('db');
  return { fs, root: 'db', cleanup: async () => {} };
});

fileSystemContract('MemoryFileSystem (absolute paths)', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/var/db');
  return { fs, root: '/var/db', cleanup: async () => {} };
});

describe('MemoryFileSystem', () => {
  it('treats repeated slashes, "." segments and trailing slashes as the same path', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir('./db/');
    const file = await fs.createWritable('db//x');
    await file.append(utf8('x'));
    expect(await fs.exists('./db/x')).toBe(true);
    expect(await fs.list('db/')).toEqual(['x']);
    expect(fs.fileNames()).toEqual(['db/x']);
    expect(normalizePath('')).toBe('.');
    expect(normalizePath('./')).toBe('.');
    expect(normalizePath('//')).toBe('/');
    expect(normalizePath('/a/./b/')).toBe('/a/b');
  });

  it('refuses a negative read position', async () => {
    const fs = new MemoryFileSystem();
    const file = await fs.createWritable('f');
    await file.append(utf8('abc'));
    const reader = await fs.openReadable('f');
    expect(() => reader.read(-1, 2)).toThrow(IOError);
  });

  it('refuses to write to a closed file', async () => {
    const fs = new MemoryFileSystem();
    const file = await fs.createWritable('f');
    await file.close();
    expect(() => file.appendSync(utf8('x'))).toThrow(IOError);
    await expect(file.sync()).rejects.toBeInstanceOf(IOError);
  });

  it('refuses to create a file over a directory', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir('d');
    await expect(fs.createWritable('d')).rejects.toBeInstanceOf(IOError);
  });
});

describe('FileData', () => {
  it('grows from an empty initial array (regression: doubling zero capacity looped forever)', () => {
    const data = new FileData(new Uint8Array(0));
    data.append(utf8('grows'));
    expect(plain(data.contents())).toEqual(plain(utf8('grows')));
  });

  it('copies its initial contents and grows past any capacity', () => {
    const initial = utf8('abc');
    const data = new FileData(initial);
    initial[0] = 0x7a;
    data.append(new Uint8Array(1000).fill(1));
    data.append(new Uint8Array(5000).fill(2));
    expect(data.length).toBe(6003);
    expect(plain(data.contents().subarray(0, 4))).toEqual([0x61, 0x62, 0x63, 1]);
    expect(data.contents()[6002]).toBe(2);
    data.truncate(2);
    expect(plain(data.contents())).toEqual([0x61, 0x62]);
  });

  it('sizes a file written whole in one append exactly (a table), and doubles as a log grows', () => {
    const table = new FileData();
    table.append(new Uint8Array(100_000).fill(3));
    expect(table.bytes.length).toBe(100_000);
    table.append(utf8('more'));
    expect(table.bytes.length).toBe(200_000);
    expect(table.length).toBe(100_004);
    const log = new FileData();
    for (let i = 0; i < 100; i++) log.append(new Uint8Array(100).fill(i));
    expect(log.bytes.length).toBe(16_384);
    expect(log.contents()[9_999]).toBe(99);
  });

  it('holds its bytes in shared memory (engine/util/shared-memory.ts) and hands out ordinary copies', () => {
    const data = new FileData(utf8('abc'));
    data.append(new Uint8Array(5000));
    expect(data.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(data.contents().buffer).toBeInstanceOf(ArrayBuffer); // TextDecoder refuses views of shared memory
  });
});
