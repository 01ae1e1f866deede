/**
 * No answer rests on a write that is not durable yet (engine/table/write-coordinator.ts, the
 * Database's #answer). Found by the concurrency fuzzer (fuzz/concurrency): a conditional update
 * failed because of a put still waiting for its WAL sync, and a consistent GetItem right after the
 * failure did not see that put; a delete of an item an in-flight delete had removed answered before
 * that delete was durable. Here the WAL sync is held at a gate, deterministically.
 */
import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import { GatedFileSystem } from '../../fuzz/concurrency/gated-fs.js';

const TABLE = 'acks';
const KEY = { pk: { S: 'r1' } };

/** A database whose file writes wait at a gate that the test opens one step at a time. */
async function gatedDatabase(): Promise<{ db: Database; hold(): void; release(): void; settled(promise: Promise<unknown>): boolean }> {
  const fs = new GatedFileSystem(new MemoryFileSystem());
  const clock = new ManualClock(1_790_000_000_000);
  const db = await Database.open({ env: { fs, clock, random: new SeededRandom(7) }, clock, sync: 'always', capacity: 'unlimited' });
  await db.createTable({ TableName: TABLE, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
  let waiting: (() => void)[] = [];
  let held = false;
  fs.setGate(() => (held ? new Promise<void>((resolve) => waiting.push(resolve)) : Promise.resolve()));
  const states = new WeakMap<Promise<unknown>, boolean>();
  return {
    db,
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      const run = waiting;
      waiting = [];
      for (const resolve of run) resolve();
    },
    settled(promise) {
      if (!states.has(promise)) {
        states.set(promise, false);
        promise.then(
          () => states.set(promise, true),
          () => states.set(promise, true),
        );
      }
      return states.get(promise)!;
    },
  };
}

/** Lets every ready microtask and I/O callback run (no timers involved). */
const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('answers wait for the in-flight writes they observed', () => {
  it('a condition failing on an in-flight put answers only once the put is durable', async () => {
    const { db, hold, release, settled } = await gatedDatabase();
    hold();
    const put = db.putItem({ TableName: TABLE, Item: { ...KEY, v: { S: 'v1' } } });
    const update = db.updateItem({ TableName: TABLE, Key: KEY, UpdateExpression: 'SET v = :b', ConditionExpression: 'attribute_not_exists(v)', ExpressionAttributeValues: { ':b': { S: 'v2' } } });
    const failed = update.then(
      () => 'succeeded',
      (error: Error) => error.name,
    );
    for (let i = 0; i < 5; i++) await drain();
    // The put is not durable, so the failure (which rests on it) is not answered yet.
    expect(settled(put)).toBe(false);
    expect(settled(failed)).toBe(false);
    expect((await db.getItem({ TableName: TABLE, Key: KEY, ConsistentRead: true })).Item).toBeUndefined();
    release();
    expect(await failed).toBe('ConditionalCheckFailedException');
    expect(settled(put)).toBe(true);
    // Once the failure is answered, every read sees what it rested on.
    expect((await db.getItem({ TableName: TABLE, Key: KEY, ConsistentRead: true })).Item).toEqual({ ...KEY, v: { S: 'v1' } });
    await db.close();
  });

  it('a delete of an item an in-flight delete removed answers only after that delete is durable', async () => {
    const { db, hold, release, settled } = await gatedDatabase();
    await db.putItem({ TableName: TABLE, Item: { ...KEY, v: { S: 'v4' } } });
    hold();
    const first = db.deleteItem({ TableName: TABLE, Key: KEY, ReturnValues: 'ALL_OLD' });
    const second = db.deleteItem({ TableName: TABLE, Key: KEY, ReturnValues: 'ALL_OLD' });
    for (let i = 0; i < 5; i++) await drain();
    expect(settled(first)).toBe(false);
    expect(settled(second)).toBe(false);
    release();
    expect((await second).Attributes).toBeUndefined();
    expect(settled(first)).toBe(true);
    expect((await first).Attributes).toEqual({ ...KEY, v: { S: 'v4' } });
    expect((await db.getItem({ TableName: TABLE, Key: KEY, ConsistentRead: true })).Item).toBeUndefined();
    await db.close();
  });
});
