/**
 * Open SSTable readers, by file number. Every live table is opened when it is installed (after a
 * flush or compaction, and at recovery), so point reads and scans never wait for a file to open:
 * the read path stays synchronous. A reader is closed when its file becomes obsolete.
 *
 * Concurrency: `open` is async and called by the single background/recovery path; `get` is sync.
 */
import { AssertionError } from '../util/assert.js';
import type { FileSystem } from '../vfs/types.js';
import { joinPath } from '../vfs/types.js';
import { tableFileName } from './manifest/file-names.js';
import { TableReader, type BlockCache } from './sstable/index.js';

export class TableCache {
  readonly #readers = new Map<number, TableReader>();

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
    private readonly cache: BlockCache | undefined,
  ) {}

  async open(fileNumber: number): Promise<TableReader> {
    const existing = this.#readers.get(fileNumber);
    if (existing) return existing;
    const file = await this.fs.openReadable(joinPath(this.dir, tableFileName(fileNumber)));
    try {
      const reader = TableReader.open(file, fileNumber, { cache: this.cache, verifyChecksums: true });
      this.#readers.set(fileNumber, reader);
      return reader;
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  get(fileNumber: number): TableReader {
    const reader = this.#readers.get(fileNumber);
    if (!reader) throw new AssertionError(`table ${fileNumber} is live but not open`);
    return reader;
  }

  has(fileNumber: number): boolean {
    return this.#readers.has(fileNumber);
  }

  get openCount(): number {
    return this.#readers.size;
  }

  async evict(fileNumber: number): Promise<void> {
    const reader = this.#readers.get(fileNumber);
    if (!reader) return;
    this.#readers.delete(fileNumber);
    this.cache?.evictFile(fileNumber);
    await reader.close();
  }

  async closeAll(): Promise<void> {
    const readers = [...this.#readers.values()];
    this.#readers.clear();
    for (const reader of readers) await reader.close();
  }
}
