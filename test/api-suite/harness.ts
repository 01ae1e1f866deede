/**
 * The API conformance suite's harness: the operation surface every implementation exposes (the
 * embedded `Database`, the HTTP server through an SDK client, …), what a run needs from the
 * implementation (capabilities, a manual clock, a TTL sweep), and the helpers the topic files share.
 *
 * The suite is written against DynamoDB's contract (`/work/shared/reference/dynamodb-facts.md`), not
 * against Silt's internals: inputs and outputs are AWS SDK v3 command shapes, errors are matched on
 * their exception `name` and, where DynamoDB's message is quoted in the fact sheet, on the exact message.
 *
 * Concurrency: vitest runs one topic's tests one after another; each topic gets its own harness
 * (a fresh database) by default, or each test does with `isolation: 'test'`. Tests never rely on
 * the database being empty: every table name comes from `uniqueTableName`.
 *
 * Module cycle: this file imports the topic files (for `defineApiSuite`), and they import the
 * helpers below. That is safe because neither side touches the other's bindings at module top
 * level: topic files export only function declarations, and the registry is built at call time.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect } from 'vitest';
import type { TestContext } from 'vitest';
import type { AttributeValue } from '../../engine/model/attribute-value.js';
import { registerBatch } from './batch.suite.js';
import { registerCapacity } from './capacity.suite.js';
import { registerConditions } from './conditions.suite.js';
import { registerIndexes } from './indexes.suite.js';
import { registerItems } from './items.suite.js';
import { registerLimits } from './limits.suite.js';
import { registerQuery } from './query.suite.js';
import { registerScan } from './scan.suite.js';
import { registerTables } from './tables.suite.js';
import { registerTags } from './tags.suite.js';
import { registerTransactions } from './transactions.suite.js';
import { registerTtl } from './ttl.suite.js';
import { registerUpdates } from './updates.suite.js';

export type { AttributeValue };
export type Item = Record<string, AttributeValue>;
/** Inputs stay loose on purpose: the suite sends invalid requests too. */
export type ApiInput = Record<string, unknown>;

// ---- Minimal local output shapes (the members the suite reads; @aws-sdk/client-dynamodb is not installed).

export interface Capacity { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }
export interface ConsumedCapacity extends Capacity {
  TableName?: string;
  Table?: Capacity;
  LocalSecondaryIndexes?: Record<string, Capacity>;
  GlobalSecondaryIndexes?: Record<string, Capacity>;
}
export interface KeySchemaElement { AttributeName: string; KeyType: string }
export interface AttributeDefinition { AttributeName: string; AttributeType: string }
export interface Projection { ProjectionType?: string; NonKeyAttributes?: string[] }
export interface ProvisionedThroughputDescription {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  NumberOfDecreasesToday?: number;
}
export interface IndexDescription {
  IndexName?: string;
  KeySchema?: KeySchemaElement[];
  Projection?: Projection;
  IndexStatus?: string;
  Backfilling?: boolean;
  IndexArn?: string;
  ItemCount?: number;
  IndexSizeBytes?: number;
  ProvisionedThroughput?: ProvisionedThroughputDescription;
}
export interface TableDescription {
  TableName?: string;
  TableStatus?: string;
  TableArn?: string;
  TableId?: string;
  KeySchema?: KeySchemaElement[];
  AttributeDefinitions?: AttributeDefinition[];
  CreationDateTime?: Date | number;
  ItemCount?: number;
  TableSizeBytes?: number;
  BillingModeSummary?: { BillingMode?: string };
  ProvisionedThroughput?: ProvisionedThroughputDescription;
  GlobalSecondaryIndexes?: IndexDescription[];
  LocalSecondaryIndexes?: IndexDescription[];
}
export interface TableOutput { TableDescription?: TableDescription }
export interface DescribeTableOutput { Table?: TableDescription }
export interface ListTablesOutput { TableNames?: string[]; LastEvaluatedTableName?: string }
export interface ItemOutput { Item?: Item; ConsumedCapacity?: ConsumedCapacity }
export interface WriteOutput { Attributes?: Item; ConsumedCapacity?: ConsumedCapacity }
export interface PageOutput {
  Items?: Item[];
  Count?: number;
  ScannedCount?: number;
  LastEvaluatedKey?: Item;
  ConsumedCapacity?: ConsumedCapacity;
}
export interface BatchGetOutput {
  Responses?: Record<string, Item[]>;
  UnprocessedKeys?: Record<string, { Keys?: Item[] }>;
  ConsumedCapacity?: ConsumedCapacity[];
}
export interface BatchWriteOutput {
  UnprocessedItems?: Record<string, unknown[]>;
  ConsumedCapacity?: ConsumedCapacity[];
}
export interface TransactWriteOutput { ConsumedCapacity?: ConsumedCapacity[] }
export interface TransactGetOutput { Responses?: { Item?: Item }[]; ConsumedCapacity?: ConsumedCapacity[] }
export interface TimeToLiveSpecification { Enabled?: boolean; AttributeName?: string }
export interface UpdateTimeToLiveOutput { TimeToLiveSpecification?: TimeToLiveSpecification }
export interface DescribeTimeToLiveOutput { TimeToLiveDescription?: { TimeToLiveStatus?: string; AttributeName?: string } }
export interface Tag { Key: string; Value: string }
export interface ListTagsOutput { Tags?: Tag[]; NextToken?: string }
export interface DescribeLimitsOutput {
  AccountMaxReadCapacityUnits?: number;
  AccountMaxWriteCapacityUnits?: number;
  TableMaxReadCapacityUnits?: number;
  TableMaxWriteCapacityUnits?: number;
}

/** The operations, camelCase, taking and returning AWS SDK v3 command shapes. */
export interface DynamoApi {
  createTable(input: ApiInput): Promise<TableOutput>;
  describeTable(input: ApiInput): Promise<DescribeTableOutput>;
  listTables(input: ApiInput): Promise<ListTablesOutput>;
  updateTable(input: ApiInput): Promise<TableOutput>;
  deleteTable(input: ApiInput): Promise<TableOutput>;
  putItem(input: ApiInput): Promise<WriteOutput>;
  getItem(input: ApiInput): Promise<ItemOutput>;
  updateItem(input: ApiInput): Promise<WriteOutput>;
  deleteItem(input: ApiInput): Promise<WriteOutput>;
  query(input: ApiInput): Promise<PageOutput>;
  scan(input: ApiInput): Promise<PageOutput>;
  batchGetItem(input: ApiInput): Promise<BatchGetOutput>;
  batchWriteItem(input: ApiInput): Promise<BatchWriteOutput>;
  transactWriteItems(input: ApiInput): Promise<TransactWriteOutput>;
  transactGetItems(input: ApiInput): Promise<TransactGetOutput>;
  updateTimeToLive(input: ApiInput): Promise<UpdateTimeToLiveOutput>;
  describeTimeToLive(input: ApiInput): Promise<DescribeTimeToLiveOutput>;
  tagResource(input: ApiInput): Promise<Record<string, unknown>>;
  untagResource(input: ApiInput): Promise<Record<string, unknown>>;
  listTagsOfResource(input: ApiInput): Promise<ListTagsOutput>;
  describeLimits(input: ApiInput): Promise<DescribeLimitsOutput>;
}

export const API_METHOD_NAMES: readonly (keyof DynamoApi)[] = [
  'createTable', 'describeTable', 'listTables', 'updateTable', 'deleteTable', 'putItem', 'getItem',
  'updateItem', 'deleteItem', 'query', 'scan', 'batchGetItem', 'batchWriteItem', 'transactWriteItems',
  'transactGetItems', 'updateTimeToLive', 'describeTimeToLive', 'tagResource', 'untagResource',
  'listTagsOfResource', 'describeLimits',
];

/**
 * Adapts any object with the operations as methods (typed with its own input/output types) to
 * `DynamoApi`. Parameters are typed `never` so any method signature fits; the suite trusts the
 * implementation to return SDK shapes, which is exactly what it then checks.
 */
export function bindApi(target: { [K in keyof DynamoApi]: (input: never) => Promise<unknown> }): DynamoApi {
  const api: Record<string, (input: ApiInput) => Promise<unknown>> = {};
  for (const name of API_METHOD_NAMES) {
    const method = target[name];
    // The cast is the adapter's point: the suite's loose inputs go to the implementation's typed ones.
    api[name] = (input) => method.call(target, input as never);
  }
  return api as unknown as DynamoApi;
}

export interface Capabilities {
  manualClock: boolean;
  ttlSweep: boolean;
  consumedCapacity: boolean;
  localSecondaryIndexes: boolean;
  gsiBackfill: boolean;
  transactions: boolean;
}

export interface ApiHarness {
  api: DynamoApi;
  capabilities: Capabilities;
  advanceTimeMs?(ms: number): Promise<void>;
  runTtlSweep?(): Promise<void>;
  /**
   * The implementation's current time (epoch ms). Optional: without it the suite assumes the
   * implementation's clock reads wall-clock time (a manual clock should start at Date.now()).
   */
  nowMs?(): number;
  close(): Promise<void>;
}

export type GetHarness = () => ApiHarness;

export const TOPIC_NAMES = [
  'tables', 'items', 'conditions', 'updates', 'query', 'scan', 'batch', 'transactions', 'indexes', 'ttl',
  'capacity', 'tags', 'limits',
] as const;
export type TopicName = (typeof TOPIC_NAMES)[number];

export interface ApiSuiteOptions {
  topics?: string[];
  /** 'topic' (default): one harness per topic; 'test': a fresh harness for every test. */
  isolation?: 'topic' | 'test';
}

/**
 * Registers every selected topic's tests with vitest under `describe(label)`. Must be called at a
 * test file's top level (vitest collects synchronously).
 */
export function defineApiSuite(label: string, setup: () => Promise<ApiHarness>, options: ApiSuiteOptions = {}): void {
  const registry: Record<TopicName, (getHarness: GetHarness) => void> = {
    tables: registerTables,
    items: registerItems,
    conditions: registerConditions,
    updates: registerUpdates,
    query: registerQuery,
    scan: registerScan,
    batch: registerBatch,
    transactions: registerTransactions,
    indexes: registerIndexes,
    ttl: registerTtl,
    capacity: registerCapacity,
    tags: registerTags,
    limits: registerLimits,
  };
  const selected = options.topics ?? [...TOPIC_NAMES];
  for (const topic of selected) {
    if (!(TOPIC_NAMES as readonly string[]).includes(topic)) throw new Error(`unknown API suite topic: ${topic}`);
  }
  describe(label, () => {
    for (const topic of TOPIC_NAMES) {
      if (!selected.includes(topic)) continue;
      describe(topic, () => {
        let harness: ApiHarness | undefined;
        const open = async (): Promise<void> => {
          harness = await setup();
        };
        const close = async (): Promise<void> => {
          const closing = harness;
          harness = undefined;
          if (closing !== undefined) await closing.close();
        };
        if (options.isolation === 'test') {
          beforeEach(open);
          afterEach(close);
        } else {
          beforeAll(open);
          afterAll(close);
        }
        registry[topic](() => {
          if (harness === undefined) throw new Error('API suite harness is not open (setup failed?)');
          return harness;
        });
      });
    }
  });
}

/** Skips the running test unless the harness has every capability named. */
export function requireCapabilities(ctx: TestContext, harness: ApiHarness, ...capabilities: (keyof Capabilities)[]): void {
  const missing = capabilities.filter((capability) => !harness.capabilities[capability]);
  ctx.skip(missing.length > 0, `implementation lacks: ${missing.join(', ')}`);
}

// ---- Errors

/** The error a DynamoDB operation threw, with the members some exceptions carry. */
export interface DynamoError extends Error {
  CancellationReasons?: { Code?: string; Message?: string; Item?: Item }[];
  Item?: Item;
}

/**
 * Awaits `promise`, requires it to reject with an Error named `name`, and (when given) with exactly
 * `message` (string) or a message matching `message` (RegExp). Returns the error for further checks.
 */
export async function expectDynamoError(promise: Promise<unknown>, name: string, message?: string | RegExp): Promise<DynamoError> {
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await promise };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) {
    expect.fail(`expected ${name}${message === undefined ? '' : ` (${String(message)})`}, but the operation succeeded: ${describeValue(outcome.value)}`);
  }
  const error = outcome.error;
  if (!(error instanceof Error)) expect.fail(`expected an Error named ${name}, got ${describeValue(error)}`);
  if (message === undefined || message instanceof RegExp) {
    expect(`${error.name}: ${error.message}`).toMatch(new RegExp(`^${name}: `));
    if (message instanceof RegExp) expect(error.message).toMatch(message);
  } else {
    expect(`${error.name}: ${error.message}`).toBe(`${name}: ${message}`);
  }
  return error as DynamoError;
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

// ---- Values and items

export const s = (value: string): AttributeValue => ({ S: value });
export const n = (value: string | number): AttributeValue => ({ N: String(value) });
export const b = (...bytes: number[]): AttributeValue => ({ B: Uint8Array.from(bytes) });

/** Makes values comparable with toEqual: sets sorted, binary as plain Uint8Array, recursively. */
export function canonical(value: AttributeValue): AttributeValue;
export function canonical(value: Item): Item;
export function canonical(value: AttributeValue | Item): AttributeValue | Item {
  if (isAttributeValue(value)) return canonicalValue(value);
  const out: Item = {};
  for (const [name, v] of Object.entries(value)) out[name] = canonicalValue(v);
  return out;
}

function isAttributeValue(value: AttributeValue | Item): value is AttributeValue {
  const keys = Object.keys(value);
  return keys.length === 1 && ['S', 'N', 'B', 'BOOL', 'NULL', 'L', 'M', 'SS', 'NS', 'BS'].includes(keys[0]!);
}

function canonicalValue(value: AttributeValue): AttributeValue {
  if ('B' in value) return { B: Uint8Array.from(value.B) };
  if ('L' in value) return { L: value.L.map(canonicalValue) };
  if ('M' in value) return { M: canonical(value.M) };
  if ('SS' in value) return { SS: [...value.SS].sort() };
  if ('NS' in value) return { NS: [...value.NS].sort((x, y) => Number(x) - Number(y)) };
  if ('BS' in value) return { BS: value.BS.map((v) => Uint8Array.from(v)).sort(compareBytes) };
  return value;
}

function compareBytes(x: Uint8Array, y: Uint8Array): number {
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Items sorted by the string form of the named attributes, for order-insensitive comparison. */
export function sortItems(items: readonly Item[], ...names: string[]): Item[] {
  const keyOf = (item: Item): string => names.map((name) => describeValue(item[name])).join('|');
  return items.map((item) => canonical(item)).sort((x, y) => (keyOf(x) < keyOf(y) ? -1 : keyOf(x) > keyOf(y) ? 1 : 0));
}

/** An item `{pk: S, data: S}` (plus `extra`) whose DynamoDB size is exactly `sizeBytes`. */
export function itemOfSize(pk: string, sizeBytes: number, extra: Item = {}): Item {
  const item: Item = { pk: s(pk), ...extra };
  const used = itemSizeBytes(item) + 'data'.length;
  if (sizeBytes < used) throw new Error(`itemOfSize: ${sizeBytes} is below the ${used}-byte minimum`);
  item.data = s('x'.repeat(sizeBytes - used));
  return item;
}

/**
 * DynamoDB item size (reference §1.5) for the value kinds the suite sizes items from. Numbers are left
 * out on purpose: their size rule is empirical, and no sized test depends on it.
 */
export function itemSizeBytes(item: Item): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += Buffer.byteLength(name, 'utf8') + valueSizeBytes(value);
  return total;
}

function valueSizeBytes(value: AttributeValue): number {
  if ('S' in value) return Buffer.byteLength(value.S, 'utf8');
  if ('B' in value) return value.B.length;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('L' in value) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSizeBytes(v), 0);
  if ('M' in value) {
    return 3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k, 'utf8') + valueSizeBytes(v), 0);
  }
  if ('SS' in value) return value.SS.reduce((sum, v) => sum + Buffer.byteLength(v, 'utf8'), 0);
  if ('BS' in value) return value.BS.reduce((sum, v) => sum + v.length, 0);
  throw new Error('itemSizeBytes: numbers are not sized by the suite');
}

// ---- Tables

let tableCounter = 0;
const RUN_ID = Date.now().toString(36);

/** A table name no other test (or earlier run against a persistent server) uses. */
export function uniqueTableName(prefix = 't'): string {
  tableCounter += 1;
  return `${prefix}-${RUN_ID}-${process.pid}-${tableCounter}`;
}

export type ScalarType = 'S' | 'N' | 'B';
export type ProjectionSpec = 'ALL' | 'KEYS_ONLY' | { include: string[] };

export interface IndexSpec {
  name: string;
  /** GSI partition key (LSIs always use the table's `pk`). */
  partitionKey?: string;
  sortKey?: string;
  projection?: ProjectionSpec;
}

export interface TestTableOptions {
  prefix?: string;
  partitionKeyType?: ScalarType;
  /** When set, the table has sort key `sk` of this type. */
  sortKeyType?: ScalarType;
  /** Index key attributes: name → type. */
  attributes?: Record<string, ScalarType>;
  globalSecondaryIndexes?: IndexSpec[];
  localSecondaryIndexes?: IndexSpec[];
  /** PROVISIONED with these units (indexes too); PAY_PER_REQUEST when absent. */
  provisioned?: { read: number; write: number };
}

export function projectionInput(spec: ProjectionSpec = 'ALL'): Record<string, unknown> {
  if (spec === 'ALL' || spec === 'KEYS_ONLY') return { ProjectionType: spec };
  return { ProjectionType: 'INCLUDE', NonKeyAttributes: spec.include };
}

export function keySchema(partitionKey: string, sortKey?: string): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: partitionKey, KeyType: 'HASH' }];
  if (sortKey !== undefined) schema.push({ AttributeName: sortKey, KeyType: 'RANGE' });
  return schema;
}

/** The CreateTable input for a test table with key `pk` (and `sk`). */
export function testTableInput(name: string, options: TestTableOptions = {}): ApiInput {
  const definitions: AttributeDefinition[] = [{ AttributeName: 'pk', AttributeType: options.partitionKeyType ?? 'S' }];
  if (options.sortKeyType !== undefined) definitions.push({ AttributeName: 'sk', AttributeType: options.sortKeyType });
  for (const [attribute, type] of Object.entries(options.attributes ?? {})) definitions.push({ AttributeName: attribute, AttributeType: type });
  const throughput = options.provisioned === undefined
    ? undefined
    : { ReadCapacityUnits: options.provisioned.read, WriteCapacityUnits: options.provisioned.write };
  const input: ApiInput = {
    TableName: name,
    AttributeDefinitions: definitions,
    KeySchema: keySchema('pk', options.sortKeyType === undefined ? undefined : 'sk'),
  };
  if (throughput === undefined) input.BillingMode = 'PAY_PER_REQUEST';
  else input.ProvisionedThroughput = throughput;
  if (options.globalSecondaryIndexes !== undefined) {
    input.GlobalSecondaryIndexes = options.globalSecondaryIndexes.map((index) => ({
      IndexName: index.name,
      KeySchema: keySchema(index.partitionKey ?? 'pk', index.sortKey),
      Projection: projectionInput(index.projection),
      ...(throughput === undefined ? {} : { ProvisionedThroughput: throughput }),
    }));
  }
  if (options.localSecondaryIndexes !== undefined) {
    input.LocalSecondaryIndexes = options.localSecondaryIndexes.map((index) => ({
      IndexName: index.name,
      KeySchema: keySchema('pk', index.sortKey),
      Projection: projectionInput(index.projection),
    }));
  }
  return input;
}

/** Creates a test table, waits until it is ACTIVE, and returns its name. */
export async function createTestTable(harness: ApiHarness, options: TestTableOptions = {}): Promise<string> {
  const name = uniqueTableName(options.prefix);
  await harness.api.createTable(testTableInput(name, options));
  await waitForTableActive(harness, name);
  return name;
}

const WAIT_ATTEMPTS_MAX = 500;

/**
 * Polls `check` until it returns true: between attempts the manual clock (when there is one) moves
 * 100 ms and the event loop turns, so background work can finish. Fails after a bounded number of tries.
 */
export async function waitFor(harness: ApiHarness, what: string, check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < WAIT_ATTEMPTS_MAX; attempt++) {
    if (await check()) return;
    if (harness.advanceTimeMs !== undefined) await harness.advanceTimeMs(100);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  expect.fail(`timed out waiting for ${what}`);
}

export async function waitForTableActive(harness: ApiHarness, name: string): Promise<TableDescription> {
  let table: TableDescription | undefined;
  await waitFor(harness, `table ${name} to become ACTIVE`, async () => {
    table = (await harness.api.describeTable({ TableName: name })).Table;
    return table?.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
  });
  return table!;
}

// ---- Data helpers

export async function putItems(api: DynamoApi, table: string, items: readonly Item[]): Promise<void> {
  for (const item of items) await api.putItem({ TableName: table, Item: item });
}

export async function getItem(api: DynamoApi, table: string, key: Item): Promise<Item | undefined> {
  return (await api.getItem({ TableName: table, Key: key, ConsistentRead: true })).Item;
}

const PAGES_MAX = 10_000;

/** Runs a Query or Scan to completion, following LastEvaluatedKey; returns every page. */
export async function allPages(run: (input: ApiInput) => Promise<PageOutput>, input: ApiInput): Promise<PageOutput[]> {
  const pages: PageOutput[] = [];
  let start: Item | undefined;
  for (let page = 0; page < PAGES_MAX; page++) {
    const output = await run(start === undefined ? input : { ...input, ExclusiveStartKey: start });
    pages.push(output);
    start = output.LastEvaluatedKey;
    if (start === undefined) return pages;
  }
  return expect.fail(`paging did not finish within ${PAGES_MAX} pages`);
}

export async function queryAll(api: DynamoApi, input: ApiInput): Promise<Item[]> {
  return (await allPages((i) => api.query(i), input)).flatMap((page) => page.Items ?? []);
}

export async function scanAll(api: DynamoApi, input: ApiInput): Promise<Item[]> {
  return (await allPages((i) => api.scan(i), input)).flatMap((page) => page.Items ?? []);
}

/** The string values of attribute `name` in order (S or N), for compact order assertions. */
export function column(items: readonly Item[], name: string): string[] {
  return items.map((item) => {
    const value = item[name];
    if (value === undefined) return '<missing>';
    if ('S' in value) return value.S;
    if ('N' in value) return value.N;
    return describeValue(value);
  });
}
