/**
 * The DynamoDB API conformance suite (test/api-suite) against the embedded Database.
 * The HTTP server and the in-process SDK transport run the same suite in test/api/.
 */
import { Database } from '../engine/database.js';
import { ManualClock } from '../engine/util/clock.js';
import { API_METHOD_NAMES, defineApiSuite, type DynamoApi } from './api-suite/index.js';

const START_MS = 1_790_000_000_000; // a fixed instant: tests never read the wall clock

/** Adapts the Database to the suite's interface: every operation the Database implements. */
function apiOf(db: Database): DynamoApi {
  const api: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {};
  const methods = db as unknown as Record<string, ((input: unknown) => Promise<unknown>) | undefined>;
  for (const name of API_METHOD_NAMES) {
    const method = methods[name];
    api[name] =
      method === undefined
        ? () => Promise.reject(Object.assign(new Error(`${name} is not implemented`), { name: 'UnknownOperationException' }))
        : (input) => method.call(db, input);
  }
  // The suite's loose input/output types describe the same DynamoDB shapes the Database takes.
  return api as unknown as DynamoApi;
}

defineApiSuite('embedded Database', async () => {
  const clock = new ManualClock(START_MS);
  // Bulk conformance tests write and read many MB in one instant of a frozen clock: capacity is not under test here.
  const db = await Database.open({ clock, capacity: 'unlimited' });
  const sweep = (db as unknown as { runTimeToLiveSweep?: () => Promise<unknown> }).runTimeToLiveSweep;
  return {
    api: apiOf(db),
    capabilities: {
      manualClock: true,
      ttlSweep: sweep !== undefined,
      consumedCapacity: true,
      localSecondaryIndexes: true,
      gsiBackfill: true,
      transactions: true,
    },
    advanceTimeMs: async (ms: number) => clock.advance(ms),
    ...(sweep === undefined ? {} : { runTtlSweep: async () => void (await sweep.call(db)) }),
    nowMs: () => clock.now(),
    close: () => db.close(),
  };
});
