/**
 * Proof of power for the crash campaign: a file system that acknowledges fsync without persisting
 * (sync() returns at once and makes nothing durable) must be caught within the CI budget: some
 * power-loss image loses an acknowledged write.
 */
import { describe, expect, it } from 'vitest';
import type { FaultFileSystem } from '../../engine/vfs/fault.js';
import type { FileLock, FileSystem, ReadableFile, WritableFile } from '../../engine/vfs/types.js';
import { crashCampaign } from '../../fuzz/crash/campaign.js';

class SyncLiesFileSystem implements FileSystem {
  constructor(private readonly inner: FaultFileSystem) {}

  async createWritable(path: string): Promise<WritableFile> {
    const file = await this.inner.createWritable(path);
    return {
      path: file.path,
      get size() {
        return file.size;
      },
      append: (data) => file.append(data),
      appendSync: (data) => file.appendSync(data),
      sync: async () => {}, // the lie: acknowledged, never made durable
      close: () => file.close(),
    };
  }

  openReadable(path: string): Promise<ReadableFile> {
    return this.inner.openReadable(path);
  }
  readFile(path: string): Promise<Uint8Array> {
    return this.inner.readFile(path);
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }
  remove(path: string): Promise<void> {
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

describe('crash campaign, proof of power', () => {
  it('catches a file system that acknowledges fsync without persisting', async () => {
    const campaign = crashCampaign({ name: 'crash-sync-lies', fileSystem: (fault) => new SyncLiesFileSystem(fault) });
    const result = await campaign.run({ seed: 1, ...campaign.ciBudget });
    const failure = result.failure;
    expect(failure).not.toBeNull();
    console.log(`crash power: caught after ${result.runs} runs in ${Math.round(result.elapsedMs)} ms:\n${failure!.message}\n${failure!.script}`);
    expect(failure!.message).toMatch(/power image/);
    expect((await crashCampaign().replay(failure!.replay)).failure).toBeNull(); // the honest file system passes it
  });
});
