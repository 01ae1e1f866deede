/**
 * Setting up a phase's target before the clock starts, and tearing it down after:
 *
 *   embedded, embedded-single   a Silt Database in this (the main) thread — in memory, in `path`, or
 *                               in a fresh temporary directory removed afterwards — with the
 *                               workload's table created and `recordCount` records loaded.
 *   http                        the endpoint's table dropped if present, created, waited ACTIVE,
 *                               and loaded, through a SignedClient of this thread.
 *
 * The load phase is untimed: BatchWriteItem of 25 records, LOAD_CONCURRENCY batches in flight,
 * Unprocessed items resent (after a short pause, as DynamoDB asks) until none is left.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type * as sdk from '@aws-sdk/client-dynamodb';
import { Database } from '../../engine/database.js';
import { SignedClient } from '../http/client.js';
import type { EmbeddedTargetSpec, HttpTargetSpec } from './config.js';
import { classifyError, unprocessedCount } from './executor.js';
import { Status } from './generator.js';
import { classifyResponse } from './http-transport.js';
import { WORKLOAD_SHAPES, type WorkloadSpec } from './workloads/catalog.js';
import { LOAD_BATCH_ITEMS, RequestFactory } from './workloads/requests.js';

const LOAD_CONCURRENCY = 8;
const LOAD_RETRY_PAUSE_MS = 20;
const LOAD_RETRIES_MAX = 1_000;
const ACTIVE_POLLS_MAX = 300;
const ACTIVE_POLL_INTERVAL_MS = 100;
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
  close(): Promise<void>;
}

export async function openEmbeddedTarget(spec: EmbeddedTargetSpec, workload: WorkloadSpec, recordCount: number, seed: number): Promise<EmbeddedTarget> {
  const sync = WORKLOAD_SHAPES[workload.name].syncAlways ? 'always' : spec.sync;
  const temporary = spec.inMemory || spec.path !== null ? null : await mkdtemp(join(os.tmpdir(), 'silt-bench-'));
  const path = spec.inMemory ? undefined : (spec.path ?? join(temporary!, 'db'));
  const database = await Database.open({ sync, capacity: spec.capacity, ...(path === undefined ? {} : { path }) });
  const requests = new RequestFactory(workload, EMBEDDED_TABLE, seed);
  const close = async (): Promise<void> => {
    await database.close();
    if (temporary !== null) await rm(temporary, { recursive: true, force: true });
  };
  try {
    await database.createTable(requests.createTable());
    await loadRecords(requests, recordCount, (input) => database.batchWriteItem(input) as ReturnType<BatchWrite>);
  } catch (error) {
    await close();
    throw error;
  }
  const where = path === undefined ? 'in memory' : temporary !== null ? 'on disk (temporary directory)' : `on disk at ${path}`;
  return { database, requests, sync, description: `Silt Database ${where}, sync ${sync}, capacity ${spec.capacity}`, close };
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
    credentials: { accessKeyId: spec.accessKeyId, secretAccessKey: spec.secretAccessKey },
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
