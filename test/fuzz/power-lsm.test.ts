/**
 * Proof of power for the lsm campaign: a store that drops the last batch on recovery (a wrapper that,
 * at reopen, writes back what the last batch overwrote) must be caught within the CI budget, with a
 * short shrunk script.
 */
import { describe, expect, it } from 'vitest';
import { Store, type WriteOp } from '../../engine/lsm/index.js';
import type { FileSystem } from '../../engine/vfs/types.js';
import { lsmCampaign } from '../../fuzz/lsm/campaign.js';
import { forwardingStore, type StoreOpener } from '../../fuzz/lsm/model.js';

/** Opens stores that forget their last acknowledged batch whenever they are reopened. */
function dropsLastBatchOnReopen(): StoreOpener {
  const undoByFs = new WeakMap<FileSystem, WriteOp[]>();
  return async (options) => {
    const store = await Store.open(options);
    const fs = options.env!.fs;
    const undo = undoByFs.get(fs);
    if (undo !== undefined && undo.length > 0) await store.write(undo);
    undoByFs.delete(fs);
    return forwardingStore(store, {
      write: (ops) => {
        const keys = new Map<string, Uint8Array>();
        for (const op of ops) keys.set(op.key.join(','), op.key);
        undoByFs.set(
          fs,
          [...keys.values()].map((key): WriteOp => {
            const before = store.get(key);
            return before === undefined ? { type: 'delete', key } : { type: 'put', key, value: before };
          }),
        );
        return store.write(ops);
      },
    });
  };
}

describe('lsm campaign, proof of power', () => {
  it('catches a store that drops the last batch on recovery, and shrinks it', async () => {
    const campaign = lsmCampaign({ name: 'lsm-drops-last-batch', open: dropsLastBatchOnReopen() });
    const result = await campaign.run({ seed: 1, ...campaign.ciBudget });
    const failure = result.failure;
    expect(failure).not.toBeNull();
    console.log(`lsm power: caught after ${result.runs} runs in ${Math.round(result.elapsedMs)} ms:\n${failure!.message}\n${failure!.script}`);
    expect(failure!.script).toContain('reopen');
    expect(failure!.script.split('\n').length).toBeLessThanOrEqual(6); // shrunk: a write and a reopen, give or take
    const replayed = await campaign.replay(JSON.parse(JSON.stringify(failure!.replay)));
    expect(replayed.failure).not.toBeNull();
    expect((await lsmCampaign().replay(failure!.replay)).failure).toBeNull(); // the real store passes it
  });
});
