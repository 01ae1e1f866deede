/**
 * A plain PutItem (no condition, no ALL_OLD, no reported capacity, no index) admits, charges and
 * notes its size in one pass (PartitionManager.admitAndCharge with a size change). This holds it to the general
 * path — admit, read the old item, charge, note the size — by running the same puts of new items
 * both ways: a condition that always holds (attribute_not_exists on a new key) sends a put down the
 * general path without changing what it writes or is charged. Throttles, balances, consumed units,
 * top keys and splits for size (a small split size) must all come out the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTable, openDatabase } from './helpers.js';

interface Step {
  pk: number;
  bytes: number;
  advanceMs: number;
}

async function run(steps: readonly Step[], general: boolean): Promise<{ outcomes: string[]; partitions: unknown }> {
  const { db, clock } = await openDatabase({ partitions: { splitSizeBytes: 40_000 } });
  await createTable(db, { name: 'Tbl', read: 100, write: 20 });
  const outcomes: string[] = [];
  for (const [i, step] of steps.entries()) {
    clock.advance(step.advanceMs);
    const item = { pk: { S: `p${step.pk}` }, sk: { S: `s${i}` }, payload: { S: 'x'.repeat(step.bytes) } };
    try {
      await db.putItem(general ? { TableName: 'Tbl', Item: item, ConditionExpression: 'attribute_not_exists(pk)' } : { TableName: 'Tbl', Item: item });
      outcomes.push('ok');
    } catch (error) {
      outcomes.push(error instanceof Error ? error.name : String(error));
    }
  }
  const partitions = (await db.describePartitions('Tbl')).Partitions;
  await db.close();
  return { outcomes, partitions };
}

describe('a plain PutItem', () => {
  it('admits, charges and notes its size as the general write path does', async () => {
    const step = fc.record({ pk: fc.nat(40), bytes: fc.integer({ min: 1, max: 9_000 }), advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_000 })) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 120 }), async (steps) => {
        const plain = await run(steps, false);
        const general = await run(steps, true);
        expect(plain.outcomes).toEqual(general.outcomes);
        expect(plain.partitions).toEqual(general.partitions);
      }),
      { numRuns: 40 },
    );
  });

  it('a run that throttles comes out the same both ways', async () => {
    // 9 KB items (9 units each) at no elapsed time run a 20-WCU table's buckets dry: both paths
    // throttle, at the same puts.
    const steps: Step[] = Array.from({ length: 1_000 }, (_, i) => ({ pk: i % 7, bytes: 9_000, advanceMs: 0 }));
    const plain = await run(steps, false);
    expect(plain.outcomes).toContain('ProvisionedThroughputExceededException');
    const general = await run(steps, true);
    expect(plain.outcomes).toEqual(general.outcomes);
  });
});
