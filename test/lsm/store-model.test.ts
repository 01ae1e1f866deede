/**
 * Model-based test of the Store: random command sequences (puts, deletes, batches with duplicate
 * keys, concurrent group-committed batches, gets and bounded scans, snapshots read later, flushes,
 * compactions, reopen) against a sorted-map model; every read must agree exactly. Runs with
 * background compaction off (only explicit maintenance) and on (flushes and compactions interleave
 * with the awaited commands). A failure shrinks to a short command list (see store-harness.ts).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreCommands, storeCommandsArbitrary, type StoreCommand } from './store-harness.js';

const totals = { sequences: 0, commands: 0, flushes: 0, compactions: 0, reachedLevel2: 0 };

afterAll(() => {
  console.log(
    `store-model: ${totals.sequences} sequences, ${totals.commands} commands, ${totals.flushes} flushes, ` +
      `${totals.compactions} compactions; ${totals.reachedLevel2} sequences reached L2 or deeper`,
  );
});

async function run(commands: readonly StoreCommand[], autoCompaction: boolean): Promise<void> {
  const summary = await runStoreCommands(commands, { store: { autoCompaction } });
  totals.sequences++;
  totals.commands += summary.commands;
  totals.flushes += summary.flushes;
  totals.compactions += summary.compactions;
  if (summary.deepestLevel >= 2) totals.reachedLevel2++;
}

describe('Store against a sorted-map model', () => {
  it('agrees with only explicit flushes and compactions', async () => {
    await fc.assert(
      fc.asyncProperty(storeCommandsArbitrary(80), (commands) => run(commands, false)),
      { numRuns: 300 },
    );
  });

  it('agrees with background flushes and compactions interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(storeCommandsArbitrary(80), (commands) => run(commands, true)),
      { numRuns: 300 },
    );
  });

  it('agrees on long write-heavy sequences that reach deeper levels', async () => {
    const heavy = storeCommandsArbitrary(300, 150);
    await fc.assert(
      fc.asyncProperty(heavy, (commands) => run(commands, true)),
      { numRuns: 30 },
    );
  });

  // Fixed sequences worth keeping whatever the generator does.
  it('reads through a snapshot taken before overwrites, flushes and compaction', async () => {
    const commands: StoreCommand[] = [
      { kind: 'put', key: 'a', value: { tag: 1, size: 2000 } },
      { kind: 'put', key: '', value: { tag: 2, size: 0 } },
      { kind: 'snapshot' },
      { kind: 'delete', key: 'a' },
      { kind: 'batch', ops: [{ type: 'put', key: 'ab', value: { tag: 3, size: 700 } }, { type: 'delete', key: 'ab' }, { type: 'put', key: 'ab', value: { tag: 4, size: 5 } }] },
      { kind: 'flush' },
      { kind: 'compact' },
      { kind: 'get', key: 'a', snapshot: 0 },
      { kind: 'scan', options: { gte: '', lt: 'b' }, snapshot: 0 },
      { kind: 'scan', options: { gt: '', reverse: true, limit: 1 } },
    ];
    await run(commands, true);
    expect(totals.sequences).toBeGreaterThan(0);
  });
});
