/**
 * The `concurrency` campaign at a small budget (fixed seed), its replay path, and the gated file
 * system really suspending the write path (so the scheduler interleaves inside commits).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concurrencyCampaign, createConcurrencyCampaign } from '../../../fuzz/concurrency/index.js';
import { GatedFileSystem } from '../../../fuzz/concurrency/gated-fs.js';
import { MemoryFileSystem } from '../../../engine/vfs/memory.js';

const seed = Number(process.env['FUZZ_SEED'] ?? 20260101);

describe('concurrency campaign', () => {
  it('a small budget passes: linearizable keys, strictly serializable transactions', async () => {
    console.log(`concurrency seed ${seed}`);
    const result = await concurrencyCampaign.run({ seed, runs: 150 });
    console.log(`concurrency: ${JSON.stringify(result.counts)} in ${Math.round(result.elapsedMs)} ms`);
    expect(result.failure, result.failure?.message).toBeNull();
    expect(result.counts['histories']).toBe(150);
    expect(result.counts['gatedFileOperations']).toBeGreaterThan(150);
    expect(result.counts['conflicts']).toBeGreaterThan(0);
  });

  it('a failure replays from its recorded calls and scheduler order', async () => {
    // A target whose reads skip the first write to each key: caught, then replayed exactly.
    const skipping = createConcurrencyCampaign({
      name: 'concurrency-lossy',
      wrapTarget: (target) => {
        const seen = new Set<string>();
        return {
          ...target,
          async getItem(input) {
            const key = JSON.stringify(input.Key);
            const output = await target.getItem(input);
            if (output.Item !== undefined && !seen.has(key)) {
              seen.add(key);
              return {};
            }
            return output;
          },
        };
      },
    });
    const result = await skipping.run({ seed: 11, runs: 300 });
    expect(result.failure).not.toBeNull();
    const replayed = await skipping.replay(JSON.parse(JSON.stringify(result.failure!.replay)));
    expect(replayed.failure?.message).toMatch(/not linearizable|not strictly serializable/);
    expect((await concurrencyCampaign.replay(result.failure!.replay)).failure).toBeNull();
  });

  it('the gated file system holds an append until the gate opens', async () => {
    const fs = new GatedFileSystem(new MemoryFileSystem());
    const file = await fs.createWritable('/f');
    let open: () => void = () => undefined;
    fs.setGate(() => new Promise<void>((resolve) => (open = resolve)));
    let appended = false;
    const pending = file.append(new Uint8Array([1])).then(() => (appended = true));
    await Promise.resolve();
    expect(appended).toBe(false);
    open();
    await pending;
    expect(file.size).toBe(1);
    expect(fs.gatedOperations).toBe(1);
  });

  it('scheduler orders are deterministic per seed', () => {
    const a = fc.sample(fc.scheduler(), { seed: 5, numRuns: 1 });
    const b = fc.sample(fc.scheduler(), { seed: 5, numRuns: 1 });
    expect(String(a[0])).toBe(String(b[0]));
  });
});
