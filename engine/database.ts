/**
 * Database: Silt's embedded DynamoDB. One method per DynamoDB operation, named in camelCase, taking
 * and returning the AWS SDK v3 command input/output shapes (DESIGN.md decision 9), so the HTTP server
 * and the in-process SDK transport are thin codecs over it.
 *
 *   const db = await Database.open({ path: 'data/db' });      // or Database.open() in memory
 *   await db.createTable({ TableName: 'T', KeySchema: [...], AttributeDefinitions: [...], BillingMode: 'PAY_PER_REQUEST' });
 *   await db.putItem({ TableName: 'T', Item: { pk: { S: 'a' } } });
 *
 * Errors are DynamoDBError subclasses carrying DynamoDB's exception name (`error.name`) and message.
 * Concurrency: one thread; see engine/table/write-coordinator.ts for how writes serialize per item.
 */
import type * as sdk from '@aws-sdk/client-dynamodb';
import { Store } from './lsm/store.js';
import { ClosedError } from './util/errors.js';
import type { SyncMode } from './lsm/options.js';
import { SystemClock, type Clock } from './util/clock.js';
import { systemRandom } from './util/random.js';
import { MemoryFileSystem } from './vfs/memory.js';
import { NodeFileSystem } from './vfs/node.js';
import type { Env } from './vfs/env.js';
import { Catalog } from './table/catalog.js';
import { TableContext, type DatabaseSettings } from './table/context.js';
import { WriteCoordinator } from './table/write-coordinator.js';
import { deleteItem, getItem, putItem, updateItem } from './table/items.js';
import { query } from './table/query.js';
import { scan } from './table/scan.js';
import { advanceStatuses, createTable, deleteTable, describeLimits, describeTable, listTables } from './table/tables.js';
import type { Input } from './table/expressions-of.js';
import { batchGetItem } from './table/batch-get.js';
import { batchWriteItem } from './table/batch-write.js';
import { IdempotencyCache } from './table/idempotency.js';
import { transactGetItems } from './table/transact-get.js';
import { transactWriteItems, type TransactionTokens } from './table/transact-write.js';

export interface DatabaseOptions {
  /** Directory of the database; in memory when absent. */
  path?: string;
  /** Injected clock (a ManualClock drives TTL, status delays and capacity in tests). */
  clock?: Clock;
  /** WAL durability: 'always' (default) or 'none'. */
  sync?: SyncMode;
  /** Full environment override (file system, clock, randomness); `clock` wins over env.clock. */
  env?: Env;
  region?: string;
  accountId?: string;
  /** How long new and deleted tables stay CREATING/DELETING (default 0: immediate). */
  tableStatusDelayMs?: number;
  /** How long a GSI added by UpdateTable stays CREATING at least (default 0). */
  indexStatusDelayMs?: number;
  /** Storage-engine tuning passed to the store. */
  memtableBytes?: number;
  blockCacheBytes?: number;
}

/** An SDK command output without the transport's `$metadata`. */
type Out<T> = Omit<T, '$metadata'>;

export class Database {
  #closed = false;
  /** ClientRequestTokens of TransactWriteItems (10-minute idempotency window on the injected clock). */
  readonly #transactionTokens: TransactionTokens = new IdempotencyCache();

  private constructor(
    readonly store: Store,
    private readonly context: TableContext,
  ) {}

  static async open(options: DatabaseOptions = {}): Promise<Database> {
    const clock = options.clock ?? options.env?.clock ?? new SystemClock();
    const env: Env = {
      fs: options.env?.fs ?? (options.path === undefined ? new MemoryFileSystem() : new NodeFileSystem()),
      clock,
      random: options.env?.random ?? systemRandom(),
    };
    const store = await Store.open({
      path: options.path ?? '/silt',
      env,
      sync: options.sync ?? 'always',
      ...(options.memtableBytes === undefined ? {} : { memtableBytes: options.memtableBytes }),
      ...(options.blockCacheBytes === undefined ? {} : { blockCacheBytes: options.blockCacheBytes }),
    });
    try {
      const catalog = await Catalog.load(store);
      const settings: DatabaseSettings = {
        region: options.region ?? 'us-east-1',
        accountId: options.accountId ?? '000000000000',
        tableStatusDelayMs: options.tableStatusDelayMs ?? 0,
        indexStatusDelayMs: options.indexStatusDelayMs ?? 0,
      };
      const context = new TableContext(store, catalog, new WriteCoordinator(store), clock, settings);
      await advanceStatuses(context);
      return new Database(store, context);
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.store.close();
  }

  // ---- control plane ------------------------------------------------------------------------------

  createTable(input: sdk.CreateTableCommandInput): Promise<Out<sdk.CreateTableCommandOutput>> {
    return this.#run(() => createTable(this.context, asInput(input)));
  }

  describeTable(input: sdk.DescribeTableCommandInput): Promise<Out<sdk.DescribeTableCommandOutput>> {
    return this.#run(() => describeTable(this.context, asInput(input)));
  }

  listTables(input: sdk.ListTablesCommandInput = {}): Promise<Out<sdk.ListTablesCommandOutput>> {
    return this.#run(() => listTables(this.context, asInput(input)));
  }

  deleteTable(input: sdk.DeleteTableCommandInput): Promise<Out<sdk.DeleteTableCommandOutput>> {
    return this.#run(() => deleteTable(this.context, asInput(input)));
  }

  describeLimits(input: sdk.DescribeLimitsCommandInput = {}): Promise<Out<sdk.DescribeLimitsCommandOutput>> {
    void input;
    return this.#run(async () => describeLimits());
  }

  // ---- items --------------------------------------------------------------------------------------

  putItem(input: sdk.PutItemCommandInput): Promise<Out<sdk.PutItemCommandOutput>> {
    return this.#run(() => putItem(this.context, asInput(input)));
  }

  getItem(input: sdk.GetItemCommandInput): Promise<Out<sdk.GetItemCommandOutput>> {
    return this.#run(async () => getItem(this.context, asInput(input)));
  }

  updateItem(input: sdk.UpdateItemCommandInput): Promise<Out<sdk.UpdateItemCommandOutput>> {
    return this.#run(() => updateItem(this.context, asInput(input)));
  }

  deleteItem(input: sdk.DeleteItemCommandInput): Promise<Out<sdk.DeleteItemCommandOutput>> {
    return this.#run(() => deleteItem(this.context, asInput(input)));
  }

  // ---- query and scan -----------------------------------------------------------------------------

  query(input: sdk.QueryCommandInput): Promise<Out<sdk.QueryCommandOutput>> {
    return this.#run(async () => query(this.context, input));
  }

  scan(input: sdk.ScanCommandInput): Promise<Out<sdk.ScanCommandOutput>> {
    return this.#run(async () => scan(this.context, input));
  }

  // ---- batches and transactions ---------------------------------------------------------------------

  batchGetItem(input: sdk.BatchGetItemCommandInput): Promise<Out<sdk.BatchGetItemCommandOutput>> {
    return this.#run(async () => batchGetItem(this.context, asInput(input)));
  }

  batchWriteItem(input: sdk.BatchWriteItemCommandInput): Promise<Out<sdk.BatchWriteItemCommandOutput>> {
    return this.#run(() => batchWriteItem(this.context, asInput(input)));
  }

  transactWriteItems(input: sdk.TransactWriteItemsCommandInput): Promise<Out<sdk.TransactWriteItemsCommandOutput>> {
    return this.#run(() => transactWriteItems(this.context, this.#transactionTokens, asInput(input)));
  }

  transactGetItems(input: sdk.TransactGetItemsCommandInput): Promise<Out<sdk.TransactGetItemsCommandOutput>> {
    return this.#run(async () => transactGetItems(this.context, asInput(input)));
  }

  /** Runs an operation; outputs are DynamoDB's shapes, which are the SDK's (cast at this one place). */
  async #run<T>(operation: () => Promise<Record<string, unknown>>): Promise<T> {
    if (this.#closed) throw new ClosedError('database is closed');
    return (await operation()) as T;
  }
}

/** SDK inputs are plain objects of DynamoDB's shapes; the table layer validates them as untrusted. */
function asInput(input: object): Input {
  return input as Input;
}
