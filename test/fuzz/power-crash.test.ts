/**
 * Proof of power for the crash campaign: a file system that acknowledges fsync without persisting
 * (sync() returns at once and makes nothing durable) must be caught within the CI budget: some
 * power-loss image loses an acknowledged write.
 */
import { describe, expect, it } from 'vitest';
import type { FaultFileSystem } from '../../engine/vfs/fault.js';
import type { FileSystem, WritableFile } from '../../engine/vfs/types.js';
import { crashCampaign } from '../../fuzz/crash/campaign.js';

/** The FaultFileSystem itself, except that sync() of files whose path contains `pathIncludes` lies. */
function syncLies(fault: FaultFileSystem, pathIncludes = ''): FileSystem {
  return new Proxy(fault, {
    get(target, property) {
      if (property === 'createWritable') {
        return async (path: string): Promise<WritableFile> => {
          const file = await target.createWritable(path);
          if (!path.includes(pathIncludes)) return file;
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
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      // Methods run on the real object: FaultFileSystem keeps its state in private fields.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('crash campaign, proof of power', () => {
  it('catches a file system that acknowledges fsync without persisting', async () => {
    const campaign = crashCampaign({ name: 'crash-sync-lies', fileSystem: syncLies });
    const result = await campaign.run({ seed: 1, ...campaign.ciBudget });
    const failure = result.failure;
    expect(failure).not.toBeNull();
    console.log(`crash power: caught after ${result.runs} runs in ${Math.round(result.elapsedMs)} ms:\n${failure!.message}\n${failure!.script}`);
    expect(failure!.message).toMatch(/power image/);
    expect((await crashCampaign().replay(failure!.replay)).failure).toBeNull(); // the honest file system passes it
  });

  it('catches acknowledged writes lost when only the WAL fsync lies', async () => {
    const campaign = crashCampaign({ name: 'crash-wal-sync-lies', fileSystem: (fault) => syncLies(fault, '.wal') });
    const result = await campaign.run({ seed: 1, ...campaign.ciBudget });
    const failure = result.failure;
    expect(failure).not.toBeNull();
    console.log(`crash power (WAL only): caught after ${result.runs} runs in ${Math.round(result.elapsedMs)} ms:\n${failure!.message}\n${failure!.script}`);
    // Either the data shows it, or (when the lost batches changed nothing visible, e.g. a delete of a
    // missing key) the sequence numbers do.
    expect(failure!.message).toMatch(/power image: (state is prefix \d+, but at least \d+ batches were acknowledged|state is no prefix|lastSequence \d+ after recovery is below)/);
  });
});
