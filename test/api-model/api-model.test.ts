/**
 * Model-based test of the whole embedded API: random schemas and operation sequences run against a
 * Database and against the reference model (model.ts); every result must agree exactly — returned
 * items and attributes, condition failures with their old items, transaction cancellation reasons,
 * query order and paging (page sizes, LastEvaluatedKey), scan and parallel-scan contents, batch
 * results — and the final contents of every table and index.
 *
 * Operations the Database does not have yet are feature-detected and left out of the generation.
 * Seed: API_MODEL_SEED=<n> replays a run; the seed is printed first.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type * as sdk from '@aws-sdk/client-dynamodb';
import { Database } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import { applyActions, canonicalValue, itemText, Model, ModelConditionFailed, ModelTransactionCanceled, type QueryGroup, type TableSpec, type TransactItem } from './model.js';
import { conditionMembers, Placeholders, printCondition, printSort, printUpdate } from './print.js';
import { opsFor, schemas, START_MS, type Capabilities, type Op } from './ops.js';

type Out<T> = Omit<T, '$metadata'>;
/** The Database's operations, the later ones optional until every engineer's part has landed. */
interface Api {
  createTable(input: sdk.CreateTableCommandInput): Promise<unknown>;
  putItem(input: sdk.PutItemCommandInput): Promise<Out<sdk.PutItemCommandOutput>>;
  getItem(input: sdk.GetItemCommandInput): Promise<Out<sdk.GetItemCommandOutput>>;
  updateItem(input: sdk.UpdateItemCommandInput): Promise<Out<sdk.UpdateItemCommandOutput>>;
  deleteItem(input: sdk.DeleteItemCommandInput): Promise<Out<sdk.DeleteItemCommandOutput>>;
  query?(input: sdk.QueryCommandInput): Promise<Out<sdk.QueryCommandOutput>>;
  scan?(input: sdk.ScanCommandInput): Promise<Out<sdk.ScanCommandOutput>>;
  batchWriteItem?(input: sdk.BatchWriteItemCommandInput): Promise<Out<sdk.BatchWriteItemCommandOutput>>;
  batchGetItem?(input: sdk.BatchGetItemCommandInput): Promise<Out<sdk.BatchGetItemCommandOutput>>;
  transactWriteItems?(input: sdk.TransactWriteItemsCommandInput): Promise<Out<sdk.TransactWriteItemsCommandOutput>>;
  transactGetItems?(input: sdk.TransactGetItemsCommandInput): Promise<Out<sdk.TransactGetItemsCommandOutput>>;
  updateTimeToLive?(input: sdk.UpdateTimeToLiveCommandInput): Promise<unknown>;
  runTimeToLiveSweep?(): Promise<{ deleted: number }>;
  close(): Promise<void>;
}

function capabilitiesOf(api: Api): Capabilities {
  return {
    query: typeof api.query === 'function',
    scan: typeof api.scan === 'function',
    batch: typeof api.batchWriteItem === 'function' && typeof api.batchGetItem === 'function',
    transactions: typeof api.transactWriteItems === 'function' && typeof api.transactGetItems === 'function',
    ttl: typeof api.updateTimeToLive === 'function' && typeof api.runTimeToLiveSweep === 'function',
  };
}

// ---- comparing ---------------------------------------------------------------------------------------

function texts(items: readonly Item[] | undefined): string[] {
  return (items ?? []).map(itemText).sort();
}

function optionalText(item: Record<string, unknown> | undefined): string | undefined {
  return item === undefined ? undefined : itemText(item as Item);
}

/** Groups returned items by consecutive equal sort-key values; ties compare as sets. */
function grouped(items: readonly Item[], sortName: string | undefined): unknown[] {
  const groups: QueryGroup[] = [];
  for (const item of items) {
    const value = sortName === undefined ? undefined : item[sortName];
    const last = groups[groups.length - 1];
    if (last !== undefined && JSON.stringify(last.sortValue && canonicalValue(last.sortValue)) === JSON.stringify(value && canonicalValue(value))) last.items.push(item);
    else groups.push({ sortValue: value, items: [item] });
  }
  return groups.map((group) => ({ sort: group.sortValue && canonicalValue(group.sortValue), items: texts(group.items) }));
}

async function expectFailure(promise: Promise<unknown>, name: string): Promise<Record<string, unknown>> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) expect.fail(`expected ${name}, got ${JSON.stringify(outcome.value)}`);
  expect((outcome.error as Error).name, String(outcome.error)).toBe(name);
  return outcome.error as Record<string, unknown>;
}

const PAGE_COUNT_MAX = 1000;

/** Reads every page; checks each page's shape against Limit and its LastEvaluatedKey against its last item. */
async function readPages(read: (start: Record<string, sdk.AttributeValue> | undefined) => Promise<Out<sdk.QueryCommandOutput>>, limit: number | undefined, lastKey: (item: Item) => Item): Promise<Item[]> {
  const all: Item[] = [];
  let start: Record<string, sdk.AttributeValue> | undefined;
  for (let page = 0; page < PAGE_COUNT_MAX; page++) {
    const output = await read(start);
    const items = (output.Items ?? []) as Item[];
    expect(output.Count).toBe(items.length);
    expect(output.ScannedCount).toBe(items.length);
    all.push(...items);
    start = output.LastEvaluatedKey;
    if (limit === undefined) expect(start).toBeUndefined();
    else if (start !== undefined) expect(items.length).toBe(limit);
    else expect(items.length).toBeLessThan(limit);
    if (start === undefined) return all;
    expect(itemText(start as Item)).toBe(itemText(lastKey(items[items.length - 1]!)));
  }
  return expect.fail('paging did not end');
}

// ---- one sequence --------------------------------------------------------------------------------------

function createTableInput(spec: TableSpec): sdk.CreateTableCommandInput {
  const definitions = new Map<string, string>([[spec.pk.name, spec.pk.type]]);
  if (spec.sk !== undefined) definitions.set(spec.sk.name, spec.sk.type);
  const gsi = spec.gsi;
  if (gsi !== undefined) {
    definitions.set(gsi.pk.name, gsi.pk.type);
    if (gsi.sk !== undefined) definitions.set(gsi.sk.name, gsi.sk.type);
  }
  const schema = (pk: string, sk: string | undefined): sdk.KeySchemaElement[] => [{ AttributeName: pk, KeyType: 'HASH' }, ...(sk === undefined ? [] : [{ AttributeName: sk, KeyType: 'RANGE' as const }])];
  return {
    TableName: spec.name,
    KeySchema: schema(spec.pk.name, spec.sk?.name),
    AttributeDefinitions: [...definitions].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType: AttributeType as sdk.ScalarAttributeType })),
    BillingMode: 'PAY_PER_REQUEST',
    ...(gsi === undefined
      ? {}
      : {
          GlobalSecondaryIndexes: [
            {
              IndexName: gsi.name,
              KeySchema: schema(gsi.pk.name, gsi.sk?.name),
              Projection: gsi.projection.type === 'INCLUDE' ? { ProjectionType: 'INCLUDE', NonKeyAttributes: gsi.projection.attributes } : { ProjectionType: gsi.projection.type },
            },
          ],
        }),
  };
}

/** How often each kind of operation and outcome ran: printed, to show what the generation covers. */
const stats = new Map<string, number>();
function count(what: string, n = 1): void {
  stats.set(what, (stats.get(what) ?? 0) + n);
}

class Run {
  readonly model = new Model();
  constructor(
    readonly api: Api,
    readonly clock: ManualClock,
    readonly specs: TableSpec[],
  ) {}

  spec(name: string): TableSpec {
    return this.specs.find((spec) => spec.name === name)!;
  }

  async step(op: Op): Promise<void> {
    const { api, model } = this;
    count(op.kind);
    switch (op.kind) {
      case 'put': {
        const p = new Placeholders();
        const input: sdk.PutItemCommandInput = { TableName: op.table, Item: op.item, ...conditionMembers(op.condition, p), ...p.members(), ReturnValues: op.returnOld ? 'ALL_OLD' : 'NONE', ...(op.oldOnFailure ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : {}) };
        let old: Item | undefined;
        try {
          old = model.put(op.table, op.item, op.condition);
        } catch (error) {
          if (!(error instanceof ModelConditionFailed)) throw error;
          count('put failed');
          const failure = await expectFailure(api.putItem(input), 'ConditionalCheckFailedException');
          expect(optionalText(failure['Item'] as Item | undefined)).toBe(op.oldOnFailure && error.old !== undefined ? itemText(error.old) : undefined);
          return;
        }
        const output = await api.putItem(input);
        expect(optionalText(output.Attributes)).toBe(op.returnOld && old !== undefined ? itemText(old) : undefined);
        return;
      }
      case 'get': {
        const output = await api.getItem({ TableName: op.table, Key: op.key, ConsistentRead: op.consistent });
        expect(optionalText(output.Item)).toBe(optionalText(model.get(op.table, op.key)));
        return;
      }
      case 'update': {
        const p = new Placeholders();
        const input: sdk.UpdateItemCommandInput = { TableName: op.table, Key: op.key, UpdateExpression: printUpdate(op.actions, p), ...conditionMembers(op.condition, p), ReturnValues: op.returnValues };
        Object.assign(input, p.members());
        let result;
        try {
          result = model.update(op.table, op.key, op.actions, op.condition);
        } catch (error) {
          if (!(error instanceof ModelConditionFailed)) throw error;
          count('update failed');
          await expectFailure(api.updateItem(input), 'ConditionalCheckFailedException');
          return;
        }
        const output = await api.updateItem(input);
        const expected = { NONE: undefined, ALL_OLD: result.old, ALL_NEW: result.item, UPDATED_OLD: result.updatedOld, UPDATED_NEW: result.updatedNew }[op.returnValues];
        expect(optionalText(output.Attributes)).toBe(expected === undefined || Object.keys(expected).length === 0 ? undefined : itemText(expected));
        return;
      }
      case 'delete': {
        const p = new Placeholders();
        const input: sdk.DeleteItemCommandInput = { TableName: op.table, Key: op.key, ...conditionMembers(op.condition, p), ...p.members(), ReturnValues: op.returnOld ? 'ALL_OLD' : 'NONE' };
        let old: Item | undefined;
        try {
          old = model.delete(op.table, op.key, op.condition);
        } catch (error) {
          if (!(error instanceof ModelConditionFailed)) throw error;
          count('delete failed');
          await expectFailure(api.deleteItem(input), 'ConditionalCheckFailedException');
          return;
        }
        const output = await api.deleteItem(input);
        expect(optionalText(output.Attributes)).toBe(op.returnOld && old !== undefined ? itemText(old) : undefined);
        return;
      }
      case 'query':
        return this.query(op);
      case 'scan':
        return this.scan(op);
      case 'batchWrite': {
        const requestItems: Record<string, sdk.WriteRequest[]> = {};
        for (const request of op.requests) {
          (requestItems[request.table] ??= []).push('put' in request ? { PutRequest: { Item: request.put } } : { DeleteRequest: { Key: request.delete } });
          if ('put' in request) model.put(request.table, request.put);
          else model.delete(request.table, request.delete);
        }
        const output = await api.batchWriteItem!({ RequestItems: requestItems });
        expect(output.UnprocessedItems ?? {}).toEqual({});
        return;
      }
      case 'batchGet': {
        const requestItems: Record<string, sdk.KeysAndAttributes> = {};
        for (const { table, key } of op.keys) (requestItems[table] ??= { Keys: [] }).Keys!.push(key);
        const output = await api.batchGetItem!({ RequestItems: requestItems });
        expect(output.UnprocessedKeys ?? {}).toEqual({});
        for (const table of Object.keys(requestItems)) {
          const expected = op.keys.filter((k) => k.table === table).flatMap(({ key }): Item[] => {
            const item = model.get(table, key);
            return item === undefined ? [] : [item];
          });
          expect(texts(output.Responses?.[table] as Item[] | undefined)).toEqual(texts(expected));
        }
        return;
      }
      case 'transactWrite':
        return this.transactWrite(op.items);
      case 'transactGet': {
        const output = await api.transactGetItems!({ TransactItems: op.keys.map(({ table, key }) => ({ Get: { TableName: table, Key: key } })) });
        expect((output.Responses ?? []).map((response) => optionalText(response.Item))).toEqual(op.keys.map(({ table, key }) => optionalText(model.get(table, key))));
        return;
      }
      case 'tick': {
        this.clock.advance(op.advanceSeconds * 1000);
        const expected = model.sweepExpired(this.clock.now());
        const { deleted } = await api.runTimeToLiveSweep!();
        expect(deleted).toBe(expected);
        count('ttl deleted', deleted);
        return;
      }
    }
  }

  async query(op: Extract<Op, { kind: 'query' }>): Promise<void> {
    const spec = this.spec(op.table);
    const index = op.index === undefined ? undefined : spec.gsi;
    const pkName = index === undefined ? spec.pk.name : index.pk.name;
    const skName = index === undefined ? spec.sk?.name : index.sk?.name;
    const p = new Placeholders();
    const keyCondition = [`${p.name(pkName)} = ${p.value(op.partition)}`, ...(op.sort === undefined ? [] : [printSort(skName!, op.sort, p)])].join(' AND ');
    const input: sdk.QueryCommandInput = { TableName: op.table, KeyConditionExpression: keyCondition, ScanIndexForward: op.forward, ...p.members(), ...(op.index === undefined ? {} : { IndexName: op.index }), ...(op.limit === undefined ? {} : { Limit: op.limit }) };
    if (op.index !== undefined) count('query index');
    const items = await readPages((start) => this.api.query!({ ...input, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }), op.limit, (item) => this.model.lastEvaluatedKey(op.table, op.index, item));
    const expected = this.model.query(op.table, op.index, op.partition, op.sort, op.forward);
    expect(grouped(items, skName)).toEqual(expected.map((group) => ({ sort: group.sortValue && canonicalValue(group.sortValue), items: texts(group.items) })));
  }

  async scan(op: Extract<Op, { kind: 'scan' }>): Promise<void> {
    const segments = op.segments ?? 1;
    const all: Item[] = [];
    for (let segment = 0; segment < segments; segment++) {
      const input: sdk.ScanCommandInput = { TableName: op.table, ...(op.index === undefined ? {} : { IndexName: op.index }), ...(op.limit === undefined ? {} : { Limit: op.limit }), ...(op.segments === undefined ? {} : { Segment: segment, TotalSegments: segments }) };
      all.push(...(await readPages((start) => this.api.scan!({ ...input, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }), op.limit, (item) => this.model.lastEvaluatedKey(op.table, op.index, item))));
    }
    expect(texts(all)).toEqual(texts(this.model.scan(op.table, op.index)));
  }

  async transactWrite(items: TransactItem[]): Promise<void> {
    const transactItems: sdk.TransactWriteItem[] = items.map((entry) => {
      const p = new Placeholders();
      if (entry.kind === 'put') return { Put: { TableName: entry.table, Item: entry.item, ...conditionMembers(entry.condition, p), ...p.members() } };
      if (entry.kind === 'delete') return { Delete: { TableName: entry.table, Key: entry.key, ...conditionMembers(entry.condition, p), ...p.members() } };
      if (entry.kind === 'check') return { ConditionCheck: { TableName: entry.table, Key: entry.key, ConditionExpression: printCondition(entry.condition, p), ...p.members() } };
      const update = printUpdate(entry.actions, p);
      return { Update: { TableName: entry.table, Key: entry.key, UpdateExpression: update, ...conditionMembers(entry.condition, p), ...p.members() } };
    });
    try {
      this.model.transactWrite(items);
    } catch (error) {
      if (!(error instanceof ModelTransactionCanceled)) throw error;
      count('transactWrite canceled');
      const failure = await expectFailure(this.api.transactWriteItems!({ TransactItems: transactItems }), 'TransactionCanceledException');
      expect((failure['CancellationReasons'] as { Code: string }[]).map((reason) => reason.Code)).toEqual(error.codes);
      return;
    }
    await this.api.transactWriteItems!({ TransactItems: transactItems });
  }

  /** Every table and index, read whole, equals the model. */
  async checkAll(capabilities: Capabilities): Promise<void> {
    for (const spec of this.specs) {
      if (capabilities.scan) {
        await this.scan({ kind: 'scan', table: spec.name });
        if (spec.gsi !== undefined) await this.scan({ kind: 'scan', table: spec.name, index: spec.gsi.name });
      }
      for (const item of this.model.scan(spec.name)) {
        const key = this.model.lastEvaluatedKey(spec.name, undefined, item);
        expect(optionalText((await this.api.getItem({ TableName: spec.name, Key: key })).Item)).toBe(itemText(item));
      }
    }
  }
}

async function runSequence(specs: TableSpec[], ops: Op[]): Promise<void> {
  const clock = new ManualClock(START_MS);
  // The sweep loop stays off (interval 0): TTL deletes happen only at a 'tick', as in the model.
  // (A separate object, so this compiles before the TTL option has landed in DatabaseOptions.)
  const options = { clock, ttlSweepIntervalMs: 0 };
  const db = await Database.open(options);
  // The interface lists the operations as optional so this test runs before all of them exist.
  const api = db as unknown as Api;
  const capabilities = capabilitiesOf(api);
  try {
    const run = new Run(api, clock, specs);
    for (const spec of specs) {
      await api.createTable(createTableInput(spec));
      run.model.createTable(spec);
      if (spec.ttlAttribute !== undefined && capabilities.ttl) await api.updateTimeToLive!({ TableName: spec.name, TimeToLiveSpecification: { Enabled: true, AttributeName: spec.ttlAttribute } });
      else delete spec.ttlAttribute;
    }
    for (const op of ops) await run.step(op);
    await run.checkAll(capabilities);
  } finally {
    await db.close();
  }
}

describe('the embedded API agrees with the reference model', () => {
  it('over random schemas and operation sequences', async () => {
    const seed = Number(process.env['API_MODEL_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`api-model seed ${seed}`);
    const probe = await Database.open({ clock: new ManualClock(START_MS) });
    const capabilities = capabilitiesOf(probe as unknown as Api);
    await probe.close();
    let sequences = 0;
    let operations = 0;
    const arbitrary = schemas.chain((specs) => opsFor(specs, capabilities, 40).map((ops) => ({ specs, ops })));
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ specs, ops }) => {
        sequences++;
        operations += ops.length;
        await runSequence(structuredClone(specs), ops);
      }),
      { seed, numRuns: Number(process.env['API_MODEL_RUNS'] ?? 400) },
    );
    console.log(`api-model: ${sequences} sequences, ${operations} operations, capabilities ${JSON.stringify(capabilities)}`);
    console.log(`api-model coverage: ${[...stats].map(([what, n]) => `${what} ${n}`).join(', ')}`);
  }, 120_000);

  it('the model itself: updates report the touched attributes', () => {
    const result = applyActions({ pk: { S: 'k' }, a: { N: '1' }, b: { S: 'x' } }, { pk: { S: 'k' } }, [
      { kind: 'add', attribute: 'a', value: 2 },
      { kind: 'remove', attribute: 'b' },
      { kind: 'set', attribute: 'c', value: { S: 'y' } },
    ]);
    expect(result.item).toEqual({ pk: { S: 'k' }, a: { N: '3' }, c: { S: 'y' } });
    expect(result.updatedOld).toEqual({ a: { N: '1' }, b: { S: 'x' } });
    expect(result.updatedNew).toEqual({ a: { N: '3' }, c: { S: 'y' } });
  });
});
