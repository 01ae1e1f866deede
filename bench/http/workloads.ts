/**
 * What the HTTP benchmark sends: one table (`bench`, string hash key `pk`, on-demand), items of a
 * 16-byte key and a 100-byte value — db_bench's shapes, from bench/lsm/data-gen.ts — and the
 * request bodies and response checks of PutItem and GetItem.
 *
 *   PutItem  {"TableName":"bench","Item":{"pk":{"S":"0000000000000042"},"v":{"S":"<100 bytes>"}}}
 *   GetItem  {"TableName":"bench","Key":{"pk":{"S":"0000000000000042"}}}   — must find the item
 *
 * Keys are drawn uniformly (seeded) from `keyCount` keys, all of which the untimed preload writes
 * once in a seeded random order; values cycle through a pool of db_bench values (printable ASCII,
 * JSON-escaped once up front). Bodies are built by string concatenation per request.
 */
import { makeKey, permutedOrder, uniformDraws, ValueGenerator } from '../lsm/data-gen.js';
import type { SignedClient } from './client.js';
import type { Workload } from './load.js';

export const TABLE_NAME = 'bench';
const VALUE_POOL_SIZE = 1024;
const DRAWS = 1 << 16;
const OK = 200;
const ACTIVE_POLLS_MAX = 100;
const ACTIVE_POLL_INTERVAL_MS = 20;

function keyStrings(keyCount: number): string[] {
  const decoder = new TextDecoder();
  return Array.from({ length: keyCount }, (_, n) => decoder.decode(makeKey(n)));
}

function valuePool(): string[] {
  const generator = new ValueGenerator();
  const decoder = new TextDecoder('latin1');
  return Array.from({ length: VALUE_POOL_SIZE }, () => JSON.stringify(decoder.decode(generator.next())));
}

/** Key and value choices shared by the workloads of one run. */
export class ItemSpace {
  readonly keys: readonly string[];
  readonly values: readonly string[];
  readonly draws: Uint32Array;
  readonly preloadOrder: Uint32Array;

  constructor(readonly keyCount: number, seed: number) {
    if (!(Number.isSafeInteger(keyCount) && keyCount >= 1)) throw new RangeError('keyCount must be a positive integer');
    this.keys = keyStrings(keyCount);
    this.values = valuePool();
    this.draws = uniformDraws(DRAWS, keyCount, seed);
    this.preloadOrder = permutedOrder(keyCount, seed + 1);
  }
}

function putBody(key: string, value: string): string {
  return `{"TableName":"${TABLE_NAME}","Item":{"pk":{"S":"${key}"},"v":{"S":${value}}}}`;
}

function checkOk(status: number, body: Buffer): string | undefined {
  return status === OK ? undefined : `HTTP ${status}: ${body.toString('utf8')}`;
}

/** PutItem of uniformly drawn keys (overwrites after the preload). */
export function putWorkload(space: ItemSpace): Workload {
  const { keys, values, draws } = space;
  return {
    operation: 'PutItem',
    body: (index) => putBody(keys[draws[index % DRAWS]!]!, values[index % VALUE_POOL_SIZE]!),
    check: checkOk,
  };
}

/** PutItem of every key once, in a seeded random order (run with requests = keyCount). */
export function preloadWorkload(space: ItemSpace): Workload {
  const { keys, values, preloadOrder } = space;
  return {
    operation: 'PutItem',
    body: (index) => putBody(keys[preloadOrder[index % preloadOrder.length]!]!, values[index % VALUE_POOL_SIZE]!),
    check: checkOk,
  };
}

const ITEM_MEMBER = Buffer.from('"Item"');

/** GetItem of uniformly drawn (preloaded, so existing) keys; a response without the item is an error. */
export function getWorkload(space: ItemSpace): Workload {
  const { keys, draws } = space;
  return {
    operation: 'GetItem',
    body: (index) => `{"TableName":"${TABLE_NAME}","Key":{"pk":{"S":"${keys[draws[index % DRAWS]!]!}"}}}`,
    check: (status, body) => checkOk(status, body) ?? (body.includes(ITEM_MEMBER) ? undefined : `item not found: ${body.toString('utf8')}`),
  };
}

/** One request, awaited: for setup steps. */
export function request(client: SignedClient, operation: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => client.send(operation, body, (status, response) => resolve({ status, body: response.toString('utf8') })));
}

/** Creates the benchmark's table (ACTIVE at once on every target: their status delays are 0). */
export async function createTable(client: SignedClient): Promise<void> {
  const created = await request(
    client,
    'CreateTable',
    JSON.stringify({
      TableName: TABLE_NAME,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  if (created.status !== OK) throw new Error(`CreateTable failed: HTTP ${created.status}: ${created.body}`);
  // Every target is started with status delays of 0, but dynalite flips the status on a timer.
  for (let attempt = 0; attempt < ACTIVE_POLLS_MAX; attempt++) {
    const described = await request(client, 'DescribeTable', JSON.stringify({ TableName: TABLE_NAME }));
    if (described.body.includes('"TableStatus":"ACTIVE"')) return;
    await new Promise((resolve) => setTimeout(resolve, ACTIVE_POLL_INTERVAL_MS));
  }
  throw new Error(`table ${TABLE_NAME} not ACTIVE ${ACTIVE_POLLS_MAX * ACTIVE_POLL_INTERVAL_MS} ms after CreateTable`);
}
