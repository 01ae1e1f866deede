/**
 * Proof of power for the `concurrency` campaign: a "database" whose conditional updates and
 * list appends are read-then-write with a gap (skipping per-item ordering), and one whose reads
 * return a stale value, must each be caught by the linearizability / cycle checkers in budget.
 */
import { describe, expect, it } from 'vitest';
import type fc from 'fast-check';
import { concurrencyCampaign, createConcurrencyCampaign } from '../../fuzz/concurrency/index.js';
import type { ConcurrencyTarget } from '../../fuzz/concurrency/workload.js';

/** Conditional updates and appends done as get; (scheduler gap); put — no per-item ordering. */
function racy(target: ConcurrencyTarget, scheduler: fc.Scheduler): ConcurrencyTarget {
  return {
    ...target,
    async updateItem(input) {
      const old = (await target.getItem({ TableName: input.TableName!, Key: input.Key!, ConsistentRead: true })).Item;
      await scheduler.schedule(Promise.resolve(), 'racy gap');
      const values = input.ExpressionAttributeValues ?? {};
      if (input.TableName === 'reg') {
        const expected = values[':e']?.S;
        const current = old?.['v']?.S;
        if (current !== expected) {
          const error = new Error('The conditional request failed');
          error.name = 'ConditionalCheckFailedException';
          throw error;
        }
        await target.putItem({ TableName: 'reg', Item: { ...input.Key!, v: values[':n']! } });
        return {};
      }
      const list = [...(old?.['l']?.L ?? []), ...(values[':v']?.L ?? [])];
      await target.putItem({ TableName: input.TableName!, Item: { ...input.Key!, l: { L: list } } });
      return { Attributes: { ...input.Key!, l: { L: list } } };
    },
  };
}

/** Every other consistent read returns what the previous read of that key returned. */
function stale(target: ConcurrencyTarget): ConcurrencyTarget {
  const last = new Map<string, unknown>();
  let reads = 0;
  return {
    ...target,
    async getItem(input) {
      const key = JSON.stringify(input.Key);
      const output = await target.getItem(input);
      const previous = last.get(key);
      last.set(key, output);
      return reads++ % 2 === 1 && previous !== undefined ? (previous as typeof output) : output;
    },
  };
}

describe('concurrency campaign: proof of power', () => {
  it('catches read-then-write conditional updates and appends', async () => {
    const result = await createConcurrencyCampaign({ name: 'concurrency-racy', wrapTarget: racy }).run({ seed: 3, ...concurrencyCampaign.ciBudget });
    console.log(`caught after ${result.counts['histories']} histories: ${result.failure?.message.slice(0, 600)}`);
    expect(result.failure?.message).toMatch(/not linearizable|not strictly serializable/);
  });

  it('catches stale reads', async () => {
    const result = await createConcurrencyCampaign({ name: 'concurrency-stale', wrapTarget: (target) => stale(target) }).run({ seed: 3, ...concurrencyCampaign.ciBudget });
    console.log(`caught after ${result.counts['histories']} histories: ${result.failure?.message.slice(0, 600)}`);
    expect(result.failure?.message).toMatch(/not linearizable|not strictly serializable/);
  });
});
