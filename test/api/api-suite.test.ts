/**
 * The DynamoDB API conformance suite (test/api-suite) through the AWS SDK v3 over both of Silt's
 * transports: the HTTP server and the in-process request handler. Same suite as the embedded
 * Database runs (test/database.api-suite.test.ts), so the wire codec is checked against every
 * operation's inputs, outputs and errors.
 */
import * as sdk from '@aws-sdk/client-dynamodb';
import { createInProcessClient } from '../../engine/api/in-process.js';
import { startServer } from '../../engine/api/server.js';
import { Database } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';
import { API_METHOD_NAMES, defineApiSuite, type ApiHarness, type DynamoApi } from '../api-suite/index.js';
import { START_MS } from './helpers.js';

type Command = new (input: never) => sdk.DynamoDBClient extends { send(command: infer C): unknown } ? C : never;

/** The suite's operations as SDK commands; `$metadata` is the transport's, not DynamoDB's output. */
function apiOf(client: sdk.DynamoDBClient): DynamoApi {
  const api: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {};
  const commands = sdk as unknown as Record<string, Command | undefined>;
  for (const name of API_METHOD_NAMES) {
    const command = commands[`${name[0]!.toUpperCase()}${name.slice(1)}Command`];
    if (command === undefined) throw new Error(`no SDK command for ${name}`);
    api[name] = async (input) => {
      // The suite's inputs are SDK command inputs (some deliberately invalid): pass them as they are.
      const { $metadata: _metadata, ...output } = (await client.send(new command(input as never))) as { $metadata: unknown };
      return output;
    };
  }
  return api as unknown as DynamoApi;
}

async function harness(transport: 'http' | 'in-process'): Promise<ApiHarness> {
  const clock = new ManualClock(START_MS);
  // Bulk conformance tests write and read many MB in one instant of a frozen clock: capacity is not under test here.
  const db = await Database.open({ clock, capacity: 'unlimited' });
  const server = transport === 'http' ? await startServer({ database: db, port: 0, host: '127.0.0.1' }) : undefined;
  // One attempt: the suite checks throttling errors, which the SDK would otherwise retry.
  const config = { maxAttempts: 1 };
  const client =
    server === undefined
      ? createInProcessClient(db, config)
      : new sdk.DynamoDBClient({ ...config, endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const sweep = (db as unknown as { runTimeToLiveSweep?: () => Promise<unknown> }).runTimeToLiveSweep;
  return {
    api: apiOf(client),
    capabilities: { manualClock: true, ttlSweep: sweep !== undefined, consumedCapacity: true, localSecondaryIndexes: true, gsiBackfill: true, transactions: true },
    advanceTimeMs: async (ms: number) => clock.advance(ms),
    ...(sweep === undefined ? {} : { runTtlSweep: async () => void (await sweep.call(db)) }),
    nowMs: () => clock.now(),
    close: async () => {
      client.destroy();
      await server?.close();
      await db.close();
    },
  };
}

defineApiSuite('over HTTP (AWS SDK v3)', () => harness('http'));
defineApiSuite('in-process handler (AWS SDK v3)', () => harness('in-process'));
