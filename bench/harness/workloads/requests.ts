/**
 * DynamoDB requests for the workloads' operations: the table definition, the load phase's
 * BatchWriteItem batches, and one request input per generated operation (catalog.ts). The embedded
 * target builds these in the main thread, the HTTP target in each worker (then JSON.stringify).
 *
 * Field values come from a pool of seeded alphanumeric strings of `fieldBytes` characters (no JSON
 * escaping needed), picked by (record, field, version), so building a request copies no bytes.
 *
 * Concurrency: one factory per thread. Invariant: record n always has the same key in every thread.
 */
import type * as sdk from '@aws-sdk/client-dynamodb';
import { SeededRandom } from '../../../engine/util/random.js';
import { modelOf, type WorkloadSpec } from './catalog.js';

/** BatchWriteItem's limit. */
export const LOAD_BATCH_ITEMS = 25;
const VALUE_POOL_BYTES_MAX = 4 * 1024 * 1024;
const VALUE_POOL_SIZE_MAX = 1024;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

type Attributes = Record<string, sdk.AttributeValue>;

function valuePool(fieldBytes: number, seed: number): string[] {
  const random = new SeededRandom(seed ^ 0x6a09e667);
  const size = Math.max(8, Math.min(VALUE_POOL_SIZE_MAX, Math.floor(VALUE_POOL_BYTES_MAX / Math.max(1, fieldBytes))));
  const pool: string[] = [];
  for (let i = 0; i < size; i++) {
    let text = '';
    for (let j = 0; j < fieldBytes; j++) text += ALPHABET[random.int(ALPHABET.length)];
    pool.push(text);
  }
  return pool;
}

export class RequestFactory {
  readonly range: boolean;
  readonly fieldNames: readonly string[];
  readonly #pool: readonly string[];
  #version = 0;

  constructor(
    readonly spec: WorkloadSpec,
    readonly tableName: string,
    seed: number,
  ) {
    this.range = modelOf(spec.name) === 'range';
    this.fieldNames = Array.from({ length: spec.fieldCount }, (_, i) => `field${i}`);
    this.#pool = valuePool(spec.fieldBytes, seed);
  }

  createTable(): sdk.CreateTableCommandInput {
    return this.range
      ? {
          TableName: this.tableName,
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'N' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }
      : {
          TableName: this.tableName,
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        };
  }

  key(record: number): Attributes {
    if (!this.range) return { pk: { S: `user${record}` } };
    const per = this.spec.itemsPerPartition;
    return { pk: { S: `user${Math.floor(record / per)}` }, sk: { N: String(record % per) } };
  }

  #value(record: number, field: number, version: number): string {
    return this.#pool[(record * 7 + field * 13 + version) % this.#pool.length]!;
  }

  item(record: number, version = 0): Attributes {
    const item = this.key(record);
    for (let f = 0; f < this.fieldNames.length; f++) item[this.fieldNames[f]!] = { S: this.#value(record, f, version) };
    return item;
  }

  getItem(record: number): sdk.GetItemCommandInput {
    return { TableName: this.tableName, Key: this.key(record) };
  }

  putItem(record: number): sdk.PutItemCommandInput {
    return { TableName: this.tableName, Item: this.item(record, ++this.#version) };
  }

  updateItem(record: number, field: number): sdk.UpdateItemCommandInput {
    return {
      TableName: this.tableName,
      Key: this.key(record),
      UpdateExpression: 'SET #f = :v',
      ExpressionAttributeNames: { '#f': this.fieldNames[field]! },
      ExpressionAttributeValues: { ':v': { S: this.#value(record, field, ++this.#version) } },
    };
  }

  /** Up to `limit` items of partition `partition`, from sort key `firstSort` on. */
  query(partition: number, firstSort: number, limit: number): sdk.QueryCommandInput {
    return {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :p AND sk >= :s',
      ExpressionAttributeValues: { ':p': { S: `user${partition}` }, ':s': { N: String(firstSort) } },
      Limit: limit,
    };
  }

  /** The load phase's batch of records [first, end). */
  loadBatch(first: number, end: number): sdk.BatchWriteItemCommandInput {
    const requests: { PutRequest: { Item: Attributes } }[] = [];
    for (let record = first; record < end; record++) requests.push({ PutRequest: { Item: this.item(record) } });
    return { RequestItems: { [this.tableName]: requests } };
  }
}
