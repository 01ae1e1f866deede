/**
 * The http campaign's target: one in-memory Database with the fixture (bases.ts), served three ways
 * that share it — the RequestPipeline in-process (most of the volume, no socket cost), a real server
 * without credentials, and a real server with credentials (SigV4 verified) — plus raw keep-alive
 * connections to both servers. The state hash of the database is taken once after the fixture is
 * built: every rejected request must leave it unchanged.
 */
import { Authenticator } from '../../engine/api/auth.js';
import { RequestPipeline } from '../../engine/api/pipeline.js';
import { startServer, type SiltServer } from '../../engine/api/server.js';
import { Database } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';
import { createFixture } from './bases.js';
import type { WireCase } from './cases.js';
import type { WireResponse } from './oracle.js';
import { buildRequest, FUZZ_CREDENTIALS, lowerCaseHeaders } from './request.js';
import { databaseStateHash } from './state-hash.js';
import { WireConnection } from './wire-client.js';

/** 2026-01-01T00:00:00Z: signatures are made and checked on this manual clock. */
export const HTTP_START_MS = 1_767_225_600_000;
const IN_PROCESS_HOST = 'silt.fuzz';

export interface HarnessOptions {
  connectionsPerServer: number;
  /** Wraps the database before it is served (proof of power: a database that misbehaves). */
  wrapDatabase?: (db: Database) => Database;
  /** Wraps the in-process answer (proof of power: a server that answers 500 to one class). */
  wrapResponse?: (request: { method: string; headers: Record<string, string>; body: Uint8Array }, response: WireResponse) => WireResponse;
}

export class HttpHarness {
  readonly clock = new ManualClock(HTTP_START_MS);
  #db!: Database;
  #served!: Database;
  #open!: RequestPipeline;
  #auth!: RequestPipeline;
  #servers: SiltServer[] = [];
  #connections: { open: WireConnection[]; auth: WireConnection[] } = { open: [], auth: [] };
  baselineHash = '';
  baselineSequence = 0;

  private constructor(readonly options: HarnessOptions) {}

  static async start(options: HarnessOptions): Promise<HttpHarness> {
    const harness = new HttpHarness(options);
    // Capacity unlimited: 50,000 requests on one fixture table at one instant of a manual clock would
    // otherwise be throttled, and throttling is not what this campaign examines.
    harness.#db = await Database.open({ clock: harness.clock, ttlSweepIntervalMs: 0, sync: 'none', capacity: 'unlimited' });
    await createFixture(harness.#db);
    harness.#served = options.wrapDatabase?.(harness.#db) ?? harness.#db;
    const credentials = new Map([[FUZZ_CREDENTIALS.accessKeyId, { secretAccessKey: FUZZ_CREDENTIALS.secretAccessKey }]]);
    harness.#open = new RequestPipeline({ database: harness.#served, authenticator: new Authenticator({ clock: harness.clock }) });
    harness.#auth = new RequestPipeline({ database: harness.#served, authenticator: new Authenticator({ clock: harness.clock, credentials }) });
    const open = await startServer({ database: harness.#served, port: 0, host: '127.0.0.1', clock: harness.clock });
    const auth = await startServer({ database: harness.#served, port: 0, host: '127.0.0.1', clock: harness.clock, credentials });
    harness.#servers = [open, auth];
    for (let i = 0; i < options.connectionsPerServer; i++) {
      harness.#connections.open.push(new WireConnection('127.0.0.1', open.port));
      harness.#connections.auth.push(new WireConnection('127.0.0.1', auth.port));
    }
    harness.baselineHash = databaseStateHash(harness.#db);
    harness.baselineSequence = harness.#db.store.lastSequence;
    return harness;
  }

  stateHash(): string {
    return databaseStateHash(this.#db);
  }

  /** The store's last sequence number: any write at all advances it (a cheap gate before the hash). */
  get lastSequence(): number {
    return this.#db.store.lastSequence;
  }

  async inProcess(c: WireCase): Promise<WireResponse> {
    const request = buildRequest(c, IN_PROCESS_HOST, this.clock.now());
    const headers = lowerCaseHeaders({ host: IN_PROCESS_HOST, ...request.headers });
    const pipeline = request.endpoint === 'open' ? this.#open : this.#auth;
    const answer = await pipeline.handle({ method: request.method, url: '/', headers, body: request.body });
    const responseHeaders = lowerCaseHeaders(answer.headers);
    const response: WireResponse = { status: answer.statusCode, headers: responseHeaders, body: Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength) };
    return this.options.wrapResponse?.({ method: request.method, headers, body: request.body }, response) ?? response;
  }

  /** Sends every case over the servers' connections, many in flight; answers in case order. */
  async overSockets(cases: readonly WireCase[]): Promise<WireResponse[]> {
    const responses: WireResponse[] = new Array<WireResponse>(cases.length);
    const queues = new Map<WireConnection, number[]>();
    cases.forEach((c, index) => {
      const pool = c.sign === 'open' ? this.#connections.open : this.#connections.auth;
      const connection = pool[index % pool.length]!;
      const queue = queues.get(connection) ?? [];
      queue.push(index);
      queues.set(connection, queue);
    });
    await Promise.all(
      [...queues].map(async ([connection, indexes]) => {
        for (const index of indexes) {
          const c = cases[index]!;
          const request = buildRequest(c, connection.hostHeader, this.clock.now());
          const response = await connection.request(request.method, request.headers, request.body, c.declaredLength);
          responses[index] = this.options.wrapResponse?.({ method: request.method, headers: lowerCaseHeaders(request.headers), body: request.body }, response) ?? response;
        }
      }),
    );
    return responses;
  }

  /** Requests re-sent after a reused keep-alive connection was closed under them. */
  get socketRetries(): number {
    let retries = 0;
    for (const connection of [...this.#connections.open, ...this.#connections.auth]) retries += connection.retries;
    return retries;
  }

  /** The servers still answer a well-formed request. */
  async alive(): Promise<boolean> {
    const connection = this.#connections.open[0];
    if (connection === undefined) return true;
    const response = await connection.request('GET', {}, Buffer.alloc(0));
    return response.status === 200;
  }

  async close(): Promise<void> {
    for (const connection of [...this.#connections.open, ...this.#connections.auth]) connection.close();
    for (const server of this.#servers) await server.close();
    await this.#db.close();
  }
}
