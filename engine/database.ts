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
import { StaleReads } from './table/stale-reads.js';
import { InvalidArgumentError } from './util/errors.js';
import { deleteItem, getItem, getItemStored, getItemStoredOfKey, putEncodedItem, putItem, updateItem, type StoredGetItem } from './table/items.js';
import { query } from './table/query.js';
import { scan } from './table/scan.js';
import { advanceStatuses, nextTransitionAtMs, purgeOrphanedTables, createTable, deleteTable, describeLimits, describeTable, listTables } from './table/tables.js';
import type { Input } from './table/expressions-of.js';
import type { EncodedItem } from './model/item-codec.js';
import type { Item } from './model/attribute-value.js';
import { indexJobs, resumeBackfills, type IndexJobs } from './table/backfill.js';
import { updateTable } from './table/update-table.js';
import { describeTimeToLive, updateTimeToLive } from './table/ttl.js';
import { TimeToLiveSweeper } from './table/ttl-sweeper.js';
import { listTagsOfResource, tagResource, untagResource } from './table/tags.js';
import { TIME_TO_LIVE_SWEEP_INTERVAL_MS_DEFAULT } from './limits.js';
import { batchGetItem } from './table/batch-get.js';
import { batchWriteItem } from './table/batch-write.js';
import { IdempotencyCache } from './table/idempotency.js';
import { transactGetItems } from './table/transact-get.js';
import { transactWriteItems, type TransactionTokens } from './table/transact-write.js';
import { PartitionManager, type PartitionOptions } from './partitions/index.js';
import { ensureMaps } from './table/admission.js';
import { describePartitions, type PartitionsDescription } from './table/describe-partitions.js';

export interface DatabaseOptions {
  /**
   * Directory of the database. When absent (and env gives no file system) the database lives in a
   * memory file system of its own, which nothing outlives: it then keeps no write-ahead log, since
   * no log could ever be replayed (the store's writeAheadLog option).
   */
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
  /** How often expired TTL items are swept, on the injected clock (default 60 s; 0 disables the loop). */
  ttlSweepIntervalMs?: number;
  /**
   * Eventual consistency as an option: eventually consistent reads (GetItem, BatchGetItem, Query and
   * Scan without ConsistentRead) see the database as it was this many milliseconds ago (default 0).
   */
  eventualReadLagMs?: number;
  /** GSI propagation delay: GSI reads see the index as it was this many milliseconds ago (default 0). */
  indexPropagationLagMs?: number;
  /**
   * DynamoDB's capacity model (engine/partitions): 'modelled' (default) admits every read and write
   * against its partition's token buckets and throttles as DynamoDB does; 'unlimited' never throttles.
   */
  capacity?: 'modelled' | 'unlimited';
  /** Partition-manager knobs (split size, adaptive capacity, split-on-heat, windows); see PartitionOptions. */
  partitions?: Omit<PartitionOptions, 'mode'>;
  /** Storage-engine tuning passed to the store. */
  memtableBytes?: number;
  blockCacheBytes?: number;
}

/** An SDK command output without the transport's `$metadata`. */
type Out<T> = Omit<T, '$metadata'>;

export class Database {
  #closed = false;
  /** Background work (GSI backfills and purges, the TTL sweeper); set by open, stopped by close. */
  #indexJobs: IndexJobs | undefined;
  #sweeper: TimeToLiveSweeper | undefined;
  /** ClientRequestTokens of TransactWriteItems (10-minute idempotency window on the injected clock). */
  readonly #transactionTokens: TransactionTokens = new IdempotencyCache();

  private constructor(
    readonly store: Store,
    private readonly context: TableContext,
  ) {}

  static async open(options: DatabaseOptions = {}): Promise<Database> {
    const clock = options.clock ?? options.env?.clock ?? new SystemClock();
    const privateMemory = options.env?.fs === undefined && options.path === undefined;
    const env: Env = {
      fs: options.env?.fs ?? (privateMemory ? new MemoryFileSystem() : new NodeFileSystem()),
      clock,
      random: options.env?.random ?? systemRandom(),
    };
    const store = await Store.open({
      path: options.path ?? '/silt',
      env,
      sync: options.sync ?? 'always',
      // Its own memory dies with it: no log to replay, and no table to keep at close.
      writeAheadLog: !privateMemory,
      flushOnClose: !privateMemory,
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
      const staleReads = new StaleReads(store, clock, lagOption('eventualReadLagMs', options.eventualReadLagMs), lagOption('indexPropagationLagMs', options.indexPropagationLagMs));
      const partitions = await PartitionManager.open(store, clock, { ...options.partitions, mode: capacityOption(options.capacity) });
      const context = new TableContext(store, catalog, new WriteCoordinator(store, () => staleReads.recordWrite()), clock, settings, staleReads, partitions);
      await ensureMaps(context);
      await advanceStatuses(context);
      await purgeOrphanedTables(context);
      resumeBackfills(context);
      const database = new Database(store, context);
      database.#indexJobs = indexJobs(context);
      database.#sweeper = new TimeToLiveSweeper(context, options.ttlSweepIntervalMs ?? TIME_TO_LIVE_SWEEP_INTERVAL_MS_DEFAULT);
      database.#sweeper.start();
      return database;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#sweeper?.stop();
    await this.#indexJobs?.close();
    this.context.staleReads.close();
    try {
      // Splits decided on the hot path finish (and a failed one is reported) before the store closes.
      await this.context.partitions.idle();
    } finally {
      await this.store.close();
    }
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

  updateTable(input: sdk.UpdateTableCommandInput): Promise<Out<sdk.UpdateTableCommandOutput>> {
    return this.#run(() => updateTable(this.context, asInput(input)));
  }

  // ---- time to live and tags ----------------------------------------------------------------------

  updateTimeToLive(input: sdk.UpdateTimeToLiveCommandInput): Promise<Out<sdk.UpdateTimeToLiveCommandOutput>> {
    return this.#run(() => updateTimeToLive(this.context, asInput(input)));
  }

  describeTimeToLive(input: sdk.DescribeTimeToLiveCommandInput): Promise<Out<sdk.DescribeTimeToLiveCommandOutput>> {
    return this.#run(() => describeTimeToLive(this.context, asInput(input)));
  }

  /** Silt-specific: sweeps expired TTL items now (the background loop does so every ttlSweepIntervalMs). */
  runTimeToLiveSweep(): Promise<{ deleted: number }> {
    return this.#run(() => this.#sweeper!.sweep());
  }

  tagResource(input: sdk.TagResourceCommandInput): Promise<Out<sdk.TagResourceCommandOutput>> {
    return this.#run(() => tagResource(this.context, asInput(input)));
  }

  untagResource(input: sdk.UntagResourceCommandInput): Promise<Out<sdk.UntagResourceCommandOutput>> {
    return this.#run(() => untagResource(this.context, asInput(input)));
  }

  listTagsOfResource(input: sdk.ListTagsOfResourceCommandInput): Promise<Out<sdk.ListTagsOfResourceCommandOutput>> {
    return this.#run(async () => listTagsOfResource(this.context, asInput(input)));
  }

  // ---- items --------------------------------------------------------------------------------------

  putItem(input: sdk.PutItemCommandInput): Promise<Out<sdk.PutItemCommandOutput>> {
    return this.#run(() => putItem(this.context, asInput(input)));
  }

  /**
   * PutItem for the wire layer (engine/api/operations/put-item.ts): the request `{ TableName, Item }`
   * with its item already in stored form, read from the request's bytes in one pass
   * (engine/api/item-request-body.ts), which vouches that the request is valid and `item` is its
   * encoding. Same answer and effects as putItem of that request. Not part of the SDK-shaped API:
   * use putItem.
   */
  putEncodedItem(tableName: string, item: EncodedItem): Promise<Out<sdk.PutItemCommandOutput>> {
    return this.#run(() => putEncodedItem(this.context, tableName, item));
  }

  getItem(input: sdk.GetItemCommandInput): Promise<Out<sdk.GetItemCommandOutput>> {
    return this.#run(() => getItem(this.context, asInput(input)));
  }

  /**
   * GetItem for the wire layer (engine/api/operations/get-item.ts): the answer without its Item
   * and the item's stored bytes when they can be copied to JSON whole (engine/table/items.ts
   * getItemStored). Not part of the SDK-shaped API: use getItem.
   */
  getItemStored(input: sdk.GetItemCommandInput): Promise<StoredGetItem> {
    // StoredGetItem is not an SDK output: the casts only pass it through #run.
    return this.#run(() => getItemStored(this.context, asInput(input)) as unknown as Record<string, unknown>);
  }

  /**
   * getItemStored of the request `{ TableName, Key }` read from its bytes in one pass
   * (engine/api/item-request-body.ts), which vouches that the request is valid as it is. Not part
   * of the SDK-shaped API: use getItem.
   */
  getItemStoredOfKey(tableName: string, key: Item): Promise<StoredGetItem> {
    return this.#run(() => getItemStoredOfKey(this.context, tableName, key) as unknown as Record<string, unknown>);
  }

  updateItem(input: sdk.UpdateItemCommandInput): Promise<Out<sdk.UpdateItemCommandOutput>> {
    return this.#run(() => updateItem(this.context, asInput(input)));
  }

  deleteItem(input: sdk.DeleteItemCommandInput): Promise<Out<sdk.DeleteItemCommandOutput>> {
    return this.#run(() => deleteItem(this.context, asInput(input)));
  }

  // ---- query and scan -----------------------------------------------------------------------------

  query(input: sdk.QueryCommandInput): Promise<Out<sdk.QueryCommandOutput>> {
    return this.#run(() => query(this.context, input));
  }

  scan(input: sdk.ScanCommandInput): Promise<Out<sdk.ScanCommandOutput>> {
    return this.#run(() => scan(this.context, input));
  }

  /**
   * Silt-specific: the partitions of a table and its GSIs — key ranges, allocated and consumed units,
   * burst balances, throttles by reason, split history and hot keys (engine/table/describe-partitions.ts).
   */
  describePartitions(tableName: string): Promise<PartitionsDescription> {
    // An interface has no index signature: the cast only widens a plain JSON object for #run.
    return this.#run(() => describePartitions(this.context, tableName) as unknown as Record<string, unknown>);
  }

  // ---- batches and transactions ---------------------------------------------------------------------

  batchGetItem(input: sdk.BatchGetItemCommandInput): Promise<Out<sdk.BatchGetItemCommandOutput>> {
    return this.#run(() => batchGetItem(this.context, asInput(input)));
  }

  batchWriteItem(input: sdk.BatchWriteItemCommandInput): Promise<Out<sdk.BatchWriteItemCommandOutput>> {
    return this.#run(() => batchWriteItem(this.context, asInput(input)));
  }

  transactWriteItems(input: sdk.TransactWriteItemsCommandInput): Promise<Out<sdk.TransactWriteItemsCommandOutput>> {
    return this.#run(() => transactWriteItems(this.context, this.#transactionTokens, asInput(input)));
  }

  transactGetItems(input: sdk.TransactGetItemsCommandInput): Promise<Out<sdk.TransactGetItemsCommandOutput>> {
    return this.#run(() => transactGetItems(this.context, asInput(input)));
  }

  /**
   * Runs an operation; outputs are DynamoDB's shapes, which are the SDK's (cast at this one place).
   * Not an async function: a call that need not wait runs the operation at once and returns its own
   * promise (a synchronous one's result resolved), with no extra promise or microtask turn per call;
   * anything thrown becomes a rejection, as from an async function.
   */
  #run<T>(operation: () => Promise<Record<string, unknown>> | Record<string, unknown>): Promise<T> {
    try {
      if (this.#closed) throw new ClosedError('database is closed');
      // A failed background job (backfill, purge, TTL sweep) fails the database for every caller.
      const failure = this.#indexJobs?.failure ?? this.#sweeper?.failure;
      if (failure !== undefined) throw failure.error;
      // Delayed status transitions end on time for data calls too (no wait when none is due).
      // (The clock is read only when a transition is pending at all.)
      const nextTransitionMs = nextTransitionAtMs(this.context);
      if (nextTransitionMs !== Number.POSITIVE_INFINITY && this.context.clock.now() >= nextTransitionMs) {
        return advanceStatuses(this.context).then(() => this.#answer<T>(operation));
      }
      return this.#answer<T>(operation);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Runs `operation` and holds its answer (result or error) until every in-flight write its
   * synchronous part read through the write coordinator is durable (write-coordinator.ts): no
   * answer rests on a state that reads cannot see yet or that a crash could undo.
   */
  #answer<T>(operation: () => Promise<Record<string, unknown>> | Record<string, unknown>): Promise<T> {
    const coordinator = this.context.coordinator;
    coordinator.takeObserved(); // whatever internal work read before this operation is not its concern
    let result: Promise<Record<string, unknown>> | Record<string, unknown>;
    try {
      result = operation();
    } catch (error) {
      const observed = coordinator.takeObserved();
      return observed === undefined ? Promise.reject(error) : observed.then(() => Promise.reject(error));
    }
    const observed = coordinator.takeObserved();
    if (observed === undefined) return Promise.resolve(result) as Promise<T>;
    return Promise.resolve(result).then(
      (value) => observed.then(() => value as T),
      (error: unknown) => observed.then(() => Promise.reject(error)),
    );
  }
}

function capacityOption(value: unknown): 'modelled' | 'unlimited' {
  if (value === undefined) return 'modelled';
  if (value !== 'modelled' && value !== 'unlimited') throw new InvalidArgumentError("option capacity must be 'modelled' or 'unlimited'");
  return value;
}

function lagOption(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError(`option ${name} must be a non-negative number of milliseconds`);
  return value;
}

/** SDK inputs are plain objects of DynamoDB's shapes; the table layer validates them as untrusted. */
function asInput(input: object): Input {
  return input as Input;
}
