/**
 * Setting up a phase's target before the clock starts, and tearing it down after:
 *
 *   embedded, embedded-single   a Silt Database in this (the main) thread — in memory, in `path`, or
 *                               in a fresh temporary directory removed afterwards — with the
 *                               workload's table created and `recordCount` records loaded; on disk
 *                               the load runs with sync none and unlimited capacity and the database
 *                               is reopened with the phase's settings. EmbeddedTargetPool keeps it
 *                               open for the next phase when that phase runs on the same data.
 *   http                        the endpoint's table dropped if present, created, waited ACTIVE,
 *                               and loaded, through a SignedClient of this thread (http or https;
 *                               DynamoDB itself takes seconds to create or drop a table).
 *
 * The load phase is untimed: BatchWriteItem of 25 records, LOAD_CONCURRENCY batches in flight,
 * Unprocessed items resent (after a short pause, as DynamoDB asks) until none is left.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as sdk from '@aws-sdk/client-dynamodb';
import type { SigningCredentials } from '../../engine/api/sigv4.js';
import { Database } from '../../engine/database.js';
import { SignedClient } from '../http/client.js';
import type { EmbeddedTargetSpec, HttpTargetSpec } from './config.js';
import { classifyError, unprocessedCount } from './executor.js';
import { Status } from './generator.js';
import { classifyResponse } from './http-transport.js';
import { WORKLOAD_SHAPES, type WorkloadSpec } from './workloads/catalog.js';
import { LOAD_BATCH_ITEMS, RequestFactory } from './workloads/requests.js';

const LOAD_CONCURRENCY = 16;
const LOAD_RETRY_PAUSE_MS = 20;
const LOAD_RETRIES_MAX = 1_000;
/** Up to 3 minutes: DynamoDB itself usually takes 5–30 s to create or delete a table. */
const ACTIVE_POLLS_MAX = 900;
const ACTIVE_POLL_INTERVAL_MS = 200;
const EMBEDDED_TABLE = 'silt_bench';

type BatchWrite = (input: sdk.BatchWriteItemCommandInput) => Promise<{ UnprocessedItems?: Record<string, unknown[]> }>;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Loads records [0, recordCount) in batches; resends Unprocessed items. */
export async function loadRecords(requests: RequestFactory, recordCount: number, batchWrite: BatchWrite): Promise<void> {
  let next = 0;
  const loader = async (): Promise<void> => {
    while (next < recordCount) {
      const first = next;
      next = Math.min(recordCount, next + LOAD_BATCH_ITEMS);
      let input = requests.loadBatch(first, next);
      for (let attempt = 0; ; attempt++) {
        let output: Awaited<ReturnType<BatchWrite>>;
        try {
          output = await batchWrite(input);
        } catch (error) {
          // A throttled batch is retried whole, after a pause (the capacity model refills).
          if (classifyError(error).status !== Status.Throttle || attempt >= LOAD_RETRIES_MAX) throw error;
          await pause(LOAD_RETRY_PAUSE_MS);
          continue;
        }
        if (unprocessedCount(output) === 0) break;
        if (attempt >= LOAD_RETRIES_MAX) throw new Error(`load phase: records ${first}…${next - 1} still unprocessed after ${LOAD_RETRIES_MAX} retries`);
        input = { RequestItems: output.UnprocessedItems as sdk.BatchWriteItemCommandInput['RequestItems'] }; // the unprocessed requests, as sent
        await pause(LOAD_RETRY_PAUSE_MS);
      }
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, loader));
}

export interface EmbeddedTarget {
  database: Database;
  requests: RequestFactory;
  description: string;
  sync: 'none' | 'always';
  /** How long the untimed load took (ms). */
  loadMs: number;
  close(): Promise<void>;
}

/**
 * Opens the database and loads it. On disk, the load runs with sync none and unlimited capacity
 * (it is untimed: syncing each batch or throttling it only makes the wait longer), and the database
 * is then reopened with the phase's own settings; in memory there is nothing to reopen, so the
 * load runs under the phase's settings (throttled batches are retried).
 */
export async function openEmbeddedTarget(spec: EmbeddedTargetSpec, workload: WorkloadSpec, recordCount: number, seed: number): Promise<EmbeddedTarget> {
  const sync = WORKLOAD_SHAPES[workload.name].syncAlways ? 'always' : spec.sync;
  const temporary = spec.inMemory || spec.path !== null ? null : await mkdtemp(join(os.tmpdir(), 'silt-bench-'));
  const path = spec.inMemory ? undefined : (spec.path ?? join(temporary!, 'db'));
  const measured = { sync, capacity: spec.capacity, ...(path === undefined ? {} : { path }) } as const;
  const loading = path === undefined ? measured : { ...measured, sync: 'none', capacity: 'unlimited' } as const;
  const startMs = performance.now();
  let database = await Database.open(loading);
  const requests = new RequestFactory(workload, EMBEDDED_TABLE, seed);
  const removeTemporary = async (): Promise<void> => {
    if (temporary !== null) await rm(temporary, { recursive: true, force: true });
  };
  try {
    await database.createTable(requests.createTable());
    await loadRecords(requests, recordCount, (input) => database.batchWriteItem(input) as ReturnType<BatchWrite>);
    if (loading !== measured) {
      await database.close();
      database = await Database.open(measured);
    }
  } catch (error) {
    await database.close();
    await removeTemporary();
    throw error;
  }
  const loadMs = performance.now() - startMs;
  const where = path === undefined ? 'in memory' : temporary !== null ? 'on disk (temporary directory)' : `on disk at ${path}`;
  const close = async (): Promise<void> => {
    await database.close();
    await removeTemporary();
  };
  return { database, requests, sync, loadMs, description: `Silt Database ${where}, sync ${sync}, capacity ${spec.capacity}`, close };
}

/** What makes two phases' loaded data the same: the target, the sync in force and the data's shape. */
function dataKey(spec: EmbeddedTargetSpec, workload: WorkloadSpec, recordCount: number, seed: number): string {
  const shape = WORKLOAD_SHAPES[workload.name];
  const sync = shape.syncAlways ? 'always' : spec.sync;
  const partitioned = shape.model === 'range' ? workload.itemsPerPartition : 0;
  return JSON.stringify([spec.path, spec.inMemory, spec.capacity, sync, shape.model, workload.fieldCount, workload.fieldBytes, partitioned, recordCount, seed]);
}

/**
 * Consecutive embedded phases on the same data share one load, as YCSB loads once and then runs
 * A, B and C: the database of a phase stays open for the next phase when that phase's target and
 * data (model, fields, record count, seed, sync) are the same and the phase did not insert records
 * (an insert changes what the next phase's key choice assumes). Updates and overwrites are kept:
 * the next phase sees the store as the previous one left it, as in YCSB.
 * Concurrency: one suite at a time, in the main thread.
 */
export class EmbeddedTargetPool {
  #held: EmbeddedLease | undefined;

  /** The held target when its data matches; else the held one is closed and a new one loaded. */
  async acquire(spec: EmbeddedTargetSpec, workload: WorkloadSpec, recordCount: number, seed: number): Promise<EmbeddedLease> {
    const key = dataKey(spec, workload, recordCount, seed);
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined && held.key === key) return { ...held, reused: true };
    await held?.target.close();
    return { key, target: await openEmbeddedTarget(spec, workload, recordCount, seed), reused: false };
  }

  /** After the phase: keep the target for the next phase, or close it when not `reusable`. */
  async release(lease: EmbeddedLease, reusable: boolean): Promise<void> {
    if (reusable) this.#held = lease;
    else await lease.target.close();
  }

  async close(): Promise<void> {
    const held = this.#held;
    this.#held = undefined;
    await held?.target.close();
  }
}

export interface EmbeddedLease {
  readonly key: string;
  readonly target: EmbeddedTarget;
  /** Loaded by an earlier phase. */
  readonly reused: boolean;
}

/** The signing credentials of an http target (with its session token, when it has one). */
export function credentialsOf(spec: HttpTargetSpec): SigningCredentials {
  return spec.sessionToken === null ? { accessKeyId: spec.accessKeyId, secretAccessKey: spec.secretAccessKey } : { accessKeyId: spec.accessKeyId, secretAccessKey: spec.secretAccessKey, sessionToken: spec.sessionToken };
}

function request(client: SignedClient, operation: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => client.send(operation, JSON.stringify(body), (status, response) => resolve({ status, body: response.toString('utf8') })));
}

async function expectOk(client: SignedClient, operation: string, body: unknown): Promise<Record<string, unknown>> {
  const answer = await request(client, operation, body);
  if (answer.status !== 200) throw new Error(`${operation} failed: HTTP ${answer.status}: ${answer.body.slice(0, 500)}`);
  return JSON.parse(answer.body) as Record<string, unknown>; // a DynamoDB JSON answer
}

/** Drops (if present), creates and loads the endpoint's table; returns the request factory. */
export async function prepareHttpTarget(spec: HttpTargetSpec, workload: WorkloadSpec, recordCount: number, seed: number): Promise<RequestFactory> {
  const requests = new RequestFactory(workload, spec.tableName, seed);
  const client = await SignedClient.connect({
    url: spec.url,
    region: spec.region,
    credentials: credentialsOf(spec),
    connections: LOAD_CONCURRENCY,
    transport: 'raw',
  });
  try {
    const dropped = await request(client, 'DeleteTable', { TableName: spec.tableName });
    if (dropped.status === 200) await waitFor(client, spec.tableName, (table) => table === undefined);
    else if (!dropped.body.includes('ResourceNotFoundException')) throw new Error(`DeleteTable failed: HTTP ${dropped.status}: ${dropped.body.slice(0, 500)}`);
    await expectOk(client, 'CreateTable', requests.createTable());
    await waitFor(client, spec.tableName, (table) => table?.['TableStatus'] === 'ACTIVE');
    await loadRecords(requests, recordCount, async (input) => {
      const answer = await request(client, 'BatchWriteItem', input);
      if (answer.status === 200) return JSON.parse(answer.body) as Record<string, unknown[]>; // a BatchWriteItem answer
      const error = new Error(`BatchWriteItem failed: HTTP ${answer.status}: ${answer.body.slice(0, 500)}`);
      error.name = classifyResponse(answer.status, answer.body, false).name ?? 'Error';
      throw error;
    });
  } finally {
    client.close();
  }
  return requests;
}

async function waitFor(client: SignedClient, tableName: string, done: (table: Record<string, unknown> | undefined) => boolean): Promise<void> {
  for (let poll = 0; poll < ACTIVE_POLLS_MAX; poll++) {
    const answer = await request(client, 'DescribeTable', { TableName: tableName });
    const table = answer.status === 200 ? ((JSON.parse(answer.body) as { Table?: Record<string, unknown> }).Table ?? undefined) : undefined;
    if (answer.status !== 200 && !answer.body.includes('ResourceNotFoundException')) throw new Error(`DescribeTable failed: HTTP ${answer.status}: ${answer.body.slice(0, 500)}`);
    if (done(table)) return;
    await pause(ACTIVE_POLL_INTERVAL_MS);
  }
  throw new Error(`table ${tableName} did not reach the expected state within ${(ACTIVE_POLLS_MAX * ACTIVE_POLL_INTERVAL_MS) / 1000} s`);
}
