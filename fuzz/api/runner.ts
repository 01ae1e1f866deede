/**
 * Runs one generated API sequence against a Database and the reference model (model.ts) and checks
 * that every result agrees exactly: returned items and attributes, condition failures with their old
 * items, transaction cancellation reasons, query order and paging (page sizes, LastEvaluatedKey),
 * scan and parallel-scan contents, batch results — and at the end the whole contents of every table
 * and index.
 *
 * Throughput: one Database serves many sequences. Each sequence gets fresh tables (its generated
 * names `Table0`, `Table1` get a per-sequence prefix) that are deleted when it ends, and its TTL
 * values — generated around START_MS — are shifted to the shared clock's current time, so a
 * sequence sees exactly what it would see on a database of its own. Concurrency: one sequence at a
 * time; every call is awaited before the next.
 */
import type * as sdk from '@aws-sdk/client-dynamodb';
import type { ManualClock } from '../../engine/util/clock.js';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import { check, checkSame, expectRejection } from './check.js';
import { canonicalValue, indexNamed, itemText, Model, type IndexSpec, ModelConditionFailed, ModelTransactionCanceled, type QueryGroup, type TableSpec, type TransactItem, type UpdateAction } from './model.js';
import { conditionMembers, Placeholders, printCondition, printSort, printUpdate } from './print.js';
import { START_MS, type Capabilities, type Op } from './ops.js';

type Out<T> = Omit<T, '$metadata'>;

/** The Database's operations the campaign calls (optional ones are feature-detected). */
export interface Api {
  createTable(input: sdk.CreateTableCommandInput): Promise<unknown>;
  deleteTable(input: sdk.DeleteTableCommandInput): Promise<unknown>;
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
}

export function capabilitiesOf(api: Api): Capabilities {
  return {
    query: typeof api.query === 'function',
    scan: typeof api.scan === 'function',
    batch: typeof api.batchWriteItem === 'function' && typeof api.batchGetItem === 'function',
    transactions: typeof api.transactWriteItems === 'function' && typeof api.transactGetItems === 'function',
    ttl: typeof api.updateTimeToLive === 'function' && typeof api.runTimeToLiveSweep === 'function',
  };
}

/** Counts of what ran (operations by kind and outcome): the campaign prints them as its coverage. */
export type Coverage = Map<string, number>;

function texts(items: readonly Item[] | undefined): string[] {
  return (items ?? []).map(itemText).sort();
}

function optionalText(item: Record<string, unknown> | undefined): string | undefined {
  return item === undefined ? undefined : itemText(item as Item);
}

function sortText(value: AttributeValue | undefined): string {
  return value === undefined ? '' : JSON.stringify(canonicalValue(value));
}

/** Groups returned items by consecutive equal sort-key values; ties compare as sets. */
function grouped(items: readonly Item[], sortName: string | undefined): unknown[] {
  const groups: QueryGroup[] = [];
  for (const item of items) {
    const value = sortName === undefined ? undefined : item[sortName];
    const last = groups[groups.length - 1];
    if (last !== undefined && sortText(last.sortValue) === sortText(value)) last.items.push(item);
    else groups.push({ sortValue: value, items: [item] });
  }
  return groups.map((group) => ({ sort: sortText(group.sortValue), items: texts(group.items) }));
}

const PAGE_COUNT_MAX = 1000;

type Page = Out<sdk.QueryCommandOutput>;

/** Reads every page; checks each page's shape against Limit and its LastEvaluatedKey against its last item. */
async function readPages(read: (start: Record<string, sdk.AttributeValue> | undefined) => Promise<Page>, limit: number | undefined, lastKey: (item: Item) => Item, what: string): Promise<Item[]> {
  const all: Item[] = [];
  let start: Record<string, sdk.AttributeValue> | undefined;
  for (let page = 0; page < PAGE_COUNT_MAX; page++) {
    const output = await read(start);
    const items = (output.Items ?? []) as Item[];
    check(output.Count === items.length, () => `${what}: Count ${output.Count} but ${items.length} items`);
    check(output.ScannedCount === items.length, () => `${what}: ScannedCount ${output.ScannedCount} but ${items.length} items`);
    all.push(...items);
    start = output.LastEvaluatedKey;
    if (limit === undefined) check(start === undefined, () => `${what}: LastEvaluatedKey without a Limit`);
    else if (start !== undefined) check(items.length === limit, () => `${what}: page of ${items.length} items with LastEvaluatedKey, Limit ${limit}`);
    else check(items.length < limit, () => `${what}: last page has ${items.length} items = Limit ${limit} but no LastEvaluatedKey`);
    if (start === undefined) return all;
    checkSame(itemText(start as Item), itemText(lastKey(items[items.length - 1]!)), `${what}: LastEvaluatedKey`);
  }
  throw new Error(`${what}: paging did not end after ${PAGE_COUNT_MAX} pages`);
}

export function createTableInput(spec: TableSpec): sdk.CreateTableCommandInput {
  const definitions = new Map<string, string>([[spec.pk.name, spec.pk.type]]);
  if (spec.sk !== undefined) definitions.set(spec.sk.name, spec.sk.type);
  const gsi = spec.gsi;
  if (gsi !== undefined) {
    definitions.set(gsi.pk.name, gsi.pk.type);
    if (gsi.sk !== undefined) definitions.set(gsi.sk.name, gsi.sk.type);
  }
  const lsi = spec.lsi;
  if (lsi?.sk !== undefined) definitions.set(lsi.sk.name, lsi.sk.type);
  const projection = (index: IndexSpec): sdk.Projection => (index.projection.type === 'INCLUDE' ? { ProjectionType: 'INCLUDE', NonKeyAttributes: index.projection.attributes } : { ProjectionType: index.projection.type });
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
              Projection: projection(gsi),
            },
          ],
        }),
    ...(lsi === undefined ? {} : { LocalSecondaryIndexes: [{ IndexName: lsi.name, KeySchema: schema(lsi.pk.name, lsi.sk?.name), Projection: projection(lsi) }] }),
  };
}

/** One sequence's view of the database: its tables, the model, and the checks per operation. */
export class SequenceRun {
  readonly model: Model;
  constructor(
    readonly api: Api,
    readonly clock: ManualClock,
    readonly specs: TableSpec[],
    model: Model,
    readonly coverage: Coverage,
  ) {
    this.model = model;
  }

  count(what: string, n = 1): void {
    this.coverage.set(what, (this.coverage.get(what) ?? 0) + n);
  }

  spec(name: string): TableSpec {
    const spec = this.specs.find((s) => s.name === name);
    if (spec === undefined) throw new Error(`no table spec ${name}`);
    return spec;
  }

  async step(op: Op): Promise<void> {
    const { api, model } = this;
    this.count(op.kind);
    switch (op.kind) {
      case 'put': {
        const p = new Placeholders();
        const input: sdk.PutItemCommandInput = { TableName: op.table, Item: op.item, ...conditionMembers(op.condition, p), ...p.members(), ReturnValues: op.returnOld ? 'ALL_OLD' : 'NONE', ...(op.oldOnFailure ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : {}) };
        let old: Item | undefined;
        try {
          old = model.put(op.table, op.item, op.condition);
        } catch (error) {
          if (!(error instanceof ModelConditionFailed)) throw error;
          this.count('put failed');
          const failure = await expectRejection(api.putItem(input), 'ConditionalCheckFailedException', 'PutItem');
          checkSame(optionalText(failure['Item'] as Item | undefined), op.oldOnFailure && error.old !== undefined ? itemText(error.old) : undefined, 'PutItem failure Item');
          return;
        }
        const output = await api.putItem(input);
        checkSame(optionalText(output.Attributes), op.returnOld && old !== undefined ? itemText(old) : undefined, 'PutItem Attributes');
        return;
      }
      case 'get': {
        const output = await api.getItem({ TableName: op.table, Key: op.key, ConsistentRead: op.consistent });
        checkSame(optionalText(output.Item), optionalText(model.get(op.table, op.key)), 'GetItem Item');
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
          this.count('update failed');
          await expectRejection(api.updateItem(input), 'ConditionalCheckFailedException', 'UpdateItem');
          return;
        }
        const output = await api.updateItem(input);
        const expected = { NONE: undefined, ALL_OLD: result.old, ALL_NEW: result.item, UPDATED_OLD: result.updatedOld, UPDATED_NEW: result.updatedNew }[op.returnValues];
        checkSame(optionalText(output.Attributes), expected === undefined || Object.keys(expected).length === 0 ? undefined : itemText(expected), `UpdateItem Attributes (${op.returnValues})`);
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
          this.count('delete failed');
          await expectRejection(api.deleteItem(input), 'ConditionalCheckFailedException', 'DeleteItem');
          return;
        }
        const output = await api.deleteItem(input);
        checkSame(optionalText(output.Attributes), op.returnOld && old !== undefined ? itemText(old) : undefined, 'DeleteItem Attributes');
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
        checkSame(output.UnprocessedItems ?? {}, {}, 'BatchWriteItem UnprocessedItems');
        return;
      }
      case 'batchGet': {
        const requestItems: Record<string, sdk.KeysAndAttributes> = {};
        for (const { table, key } of op.keys) (requestItems[table] ??= { Keys: [] }).Keys!.push(key);
        const output = await api.batchGetItem!({ RequestItems: requestItems });
        checkSame(output.UnprocessedKeys ?? {}, {}, 'BatchGetItem UnprocessedKeys');
        for (const table of Object.keys(requestItems)) {
          const expected = op.keys.filter((k) => k.table === table).flatMap(({ key }): Item[] => {
            const item = model.get(table, key);
            return item === undefined ? [] : [item];
          });
          checkSame(texts(output.Responses?.[table] as Item[] | undefined), texts(expected), `BatchGetItem Responses.${table}`);
        }
        return;
      }
      case 'transactWrite':
        return this.transactWrite(op.items);
      case 'transactGet': {
        const output = await api.transactGetItems!({ TransactItems: op.keys.map(({ table, key }) => ({ Get: { TableName: table, Key: key } })) });
        checkSame(
          (output.Responses ?? []).map((response) => optionalText(response.Item)),
          op.keys.map(({ table, key }) => optionalText(model.get(table, key))),
          'TransactGetItems Responses',
        );
        return;
      }
      case 'tick': {
        this.clock.advance(op.advanceSeconds * 1000);
        const expected = model.sweepExpired(this.clock.now());
        const { deleted } = await api.runTimeToLiveSweep!();
        checkSame(deleted, expected, 'TTL sweep deleted');
        this.count('ttl deleted', deleted);
        return;
      }
    }
  }

  async query(op: Extract<Op, { kind: 'query' }>): Promise<void> {
    const spec = this.spec(op.table);
    const index = indexNamed(spec, op.index);
    const pkName = index === undefined ? spec.pk.name : index.pk.name;
    const skName = index === undefined ? spec.sk?.name : index.sk?.name;
    const p = new Placeholders();
    const keyCondition = [`${p.name(pkName)} = ${p.value(op.partition)}`, ...(op.sort === undefined ? [] : [printSort(skName!, op.sort, p)])].join(' AND ');
    const input: sdk.QueryCommandInput = { TableName: op.table, KeyConditionExpression: keyCondition, ScanIndexForward: op.forward, ...p.members(), ...(op.index === undefined ? {} : { IndexName: op.index }), ...(op.limit === undefined ? {} : { Limit: op.limit }) };
    if (op.index !== undefined) this.count(`query ${op.index}`);
    const items = await readPages((start) => this.api.query!({ ...input, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }), op.limit, (item) => this.model.lastEvaluatedKey(op.table, op.index, item), 'Query');
    const expected = this.model.query(op.table, op.index, op.partition, op.sort, op.forward);
    checkSame(grouped(items, skName), expected.map((group) => ({ sort: sortText(group.sortValue), items: texts(group.items) })), 'Query items in order');
  }

  async scan(op: Extract<Op, { kind: 'scan' }>): Promise<void> {
    const segments = op.segments ?? 1;
    const all: Item[] = [];
    for (let segment = 0; segment < segments; segment++) {
      const input: sdk.ScanCommandInput = { TableName: op.table, ...(op.index === undefined ? {} : { IndexName: op.index }), ...(op.limit === undefined ? {} : { Limit: op.limit }), ...(op.segments === undefined ? {} : { Segment: segment, TotalSegments: segments }) };
      all.push(...(await readPages((start) => this.api.scan!({ ...input, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }), op.limit, (item) => this.model.lastEvaluatedKey(op.table, op.index, item), 'Scan')));
    }
    checkSame(texts(all), texts(this.model.scan(op.table, op.index)), `Scan ${op.index === undefined ? 'table' : `index ${op.index}`} contents`);
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
      this.count('transactWrite canceled');
      const failure = await expectRejection(this.api.transactWriteItems!({ TransactItems: transactItems }), 'TransactionCanceledException', 'TransactWriteItems');
      checkSame((failure['CancellationReasons'] as { Code: string }[]).map((reason) => reason.Code), error.codes, 'TransactWriteItems CancellationReasons');
      return;
    }
    await this.api.transactWriteItems!({ TransactItems: transactItems });
  }

  /** Every table and index, read whole, equals the model. */
  async checkAll(capabilities: Capabilities): Promise<void> {
    for (const spec of this.specs) {
      if (capabilities.scan) {
        await this.scan({ kind: 'scan', table: spec.name });
        for (const index of [spec.gsi, spec.lsi]) if (index !== undefined) await this.scan({ kind: 'scan', table: spec.name, index: index.name });
      }
      for (const item of this.model.scan(spec.name)) {
        const key = this.model.lastEvaluatedKey(spec.name, undefined, item);
        checkSame(optionalText((await this.api.getItem({ TableName: spec.name, Key: key })).Item), itemText(item), 'final GetItem');
      }
    }
  }
}

// ---- per-sequence renaming and TTL shifting ------------------------------------------------------------

function shiftItem(item: Item, shiftSeconds: number): Item {
  const ttl = item['ttl'];
  if (shiftSeconds === 0 || ttl === undefined || !('N' in ttl)) return item;
  return { ...item, ttl: { N: String(Number(ttl.N) + shiftSeconds) } };
}

function shiftActions(actions: UpdateAction[], shiftSeconds: number): UpdateAction[] {
  return actions.map((action) => (action.kind === 'set' && action.attribute === 'ttl' && 'N' in action.value ? { ...action, value: { N: String(Number(action.value.N) + shiftSeconds) } } : action));
}

/**
 * The sequence as it runs on a shared database: table names prefixed, TTL values (generated around
 * START_MS) moved to `nowMs`. The model and the database both see the materialized form.
 */
export function materialize(specs: readonly TableSpec[], ops: readonly Op[], prefix: string, nowMs: number): { specs: TableSpec[]; ops: Op[] } {
  const shift = Math.round((nowMs - START_MS) / 1000);
  if (shift * 1000 !== nowMs - START_MS) throw new Error(`materialize: the clock ${nowMs} is not a whole number of seconds from START_MS`);
  const name = (table: string): string => prefix + table;
  const item = (value: Item): Item => shiftItem(value, shift);
  const entry = (t: TransactItem): TransactItem => {
    if (t.kind === 'put') return { ...t, table: name(t.table), item: item(t.item) };
    if (t.kind === 'update') return { ...t, table: name(t.table), actions: shiftActions(t.actions, shift) };
    return { ...t, table: name(t.table) };
  };
  const mapped = ops.map((op): Op => {
    switch (op.kind) {
      case 'put':
        return { ...op, table: name(op.table), item: item(op.item) };
      case 'update':
        return { ...op, table: name(op.table), actions: shiftActions(op.actions, shift) };
      case 'get':
      case 'delete':
      case 'query':
      case 'scan':
        return { ...op, table: name(op.table) };
      case 'batchWrite':
        return { ...op, requests: op.requests.map((r) => ('put' in r ? { table: name(r.table), put: item(r.put) } : { table: name(r.table), delete: r.delete })) };
      case 'batchGet':
      case 'transactGet':
        return { ...op, keys: op.keys.map((k) => ({ ...k, table: name(k.table) })) };
      case 'transactWrite':
        return { ...op, items: op.items.map(entry) };
      case 'tick':
        return op;
    }
  });
  return { specs: specs.map((spec) => ({ ...structuredClone(spec), name: name(spec.name) })), ops: mapped };
}

/** Creates the sequence's tables, runs its operations and the final check, then deletes its tables (which must be fresh names). */
export async function runSequence(api: Api, clock: ManualClock, capabilities: Capabilities, model: Model, coverage: Coverage, prefix: string, generated: { specs: readonly TableSpec[]; ops: readonly Op[] }): Promise<void> {
  const { specs, ops } = materialize(generated.specs, generated.ops, prefix, clock.now());
  const run = new SequenceRun(api, clock, specs, model, coverage);
  for (const spec of specs) {
    await api.createTable(createTableInput(spec));
    if (spec.ttlAttribute !== undefined && capabilities.ttl) await api.updateTimeToLive!({ TableName: spec.name, TimeToLiveSpecification: { Enabled: true, AttributeName: spec.ttlAttribute } });
    else delete spec.ttlAttribute;
    model.createTable(spec);
  }
  for (const op of ops) await run.step(op);
  await run.checkAll(capabilities);
  // Only a passing sequence cleans up: after a failure the campaign discards the whole database.
  for (const spec of specs) await api.deleteTable({ TableName: spec.name });
}
