/**
 * Shared set-up for the partition-manager integration tests: an in-memory Database on a ManualClock
 * and tables whose capacity a handful of large items can exhaust.
 */
import type * as sdk from '@aws-sdk/client-dynamodb';
import { Database, type DatabaseOptions } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';

export const START_MS = 1_700_000_000_000;
/** A 100 KB payload: one such item costs 100 write units and 25 strongly consistent read units. */
export const BIG = 'x'.repeat(100 * 1024);

export async function openDatabase(options: DatabaseOptions = {}): Promise<{ db: Database; clock: ManualClock }> {
  const clock = new ManualClock(START_MS);
  const db = await Database.open({ clock, ...options });
  return { db, clock };
}

export interface TableSpec {
  name: string;
  read?: number;
  write?: number;
  onDemand?: boolean;
  /** A GSI on attribute `g` with its own throughput. */
  gsi?: { read: number; write: number };
  lsi?: boolean;
}

export async function createTable(db: Database, spec: TableSpec): Promise<void> {
  const input: sdk.CreateTableCommandInput = {
    TableName: spec.name,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      ...(spec.gsi === undefined ? [] : [{ AttributeName: 'g', AttributeType: 'S' as const }]),
      ...(spec.lsi === true ? [{ AttributeName: 'l', AttributeType: 'S' as const }] : []),
    ],
  };
  if (spec.onDemand === true) input.BillingMode = 'PAY_PER_REQUEST';
  else input.ProvisionedThroughput = { ReadCapacityUnits: spec.read ?? 1000, WriteCapacityUnits: spec.write ?? 1000 };
  if (spec.gsi !== undefined) {
    input.GlobalSecondaryIndexes = [
      {
        IndexName: 'ByG',
        KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
        ...(spec.onDemand === true ? {} : { ProvisionedThroughput: { ReadCapacityUnits: spec.gsi.read, WriteCapacityUnits: spec.gsi.write } }),
      },
    ];
  }
  if (spec.lsi === true) {
    input.LocalSecondaryIndexes = [
      {
        IndexName: 'ByL',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'l', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ];
  }
  await db.createTable(input);
}

export function key(pk: string, sk: string): Record<string, { S: string }> {
  return { pk: { S: pk }, sk: { S: sk } };
}

export function bigItem(pk: string, sk: string, extra: Record<string, { S: string }> = {}): Record<string, { S: string }> {
  return { ...key(pk, sk), payload: { S: BIG }, ...extra };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to be rejected');
}

/**
 * Repeats `attempt(i)` until it rejects with a throttle (at most `limit` times); returns that error
 * and how many attempts succeeded before it.
 */
export async function untilThrottled(attempt: (i: number) => Promise<unknown>, limit = 200): Promise<{ error: Error & Record<string, unknown>; succeeded: number }> {
  for (let i = 0; i < limit; i++) {
    try {
      await attempt(i);
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'ProvisionedThroughputExceededException' || name === 'ThrottlingException') return { error: error as Error & Record<string, unknown>, succeeded: i };
      throw error;
    }
  }
  throw new Error(`not throttled after ${limit} attempts`);
}
