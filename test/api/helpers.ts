/**
 * Shared helpers for the wire-protocol tests: an in-memory Database behind a server on an
 * ephemeral loopback port, a raw HTTP client that returns status, headers and the body bytes
 * exactly as received (no decompression), and well-formed request headers.
 */
import * as http from 'node:http';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { Database } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';
import { startServer, type ServerOptions, type SiltServer } from '../../engine/api/server.js';

export const START_MS = 1_790_000_000_000;

export interface Served {
  db: Database;
  clock: ManualClock;
  server: SiltServer;
  close(): Promise<void>;
}

/** An in-memory database (manual clock) served on 127.0.0.1, port 0. */
export async function serveDatabase(options: Partial<Omit<ServerOptions, 'database'>> = {}): Promise<Served> {
  const clock = new ManualClock(START_MS);
  const db = await Database.open({ clock });
  const server = await startServer({ database: db, port: 0, host: '127.0.0.1', ...options });
  return {
    db,
    clock,
    server,
    async close() {
      await server.close();
      await db.close();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as received (still gzip-compressed when the server compressed it). */
  body: Buffer;
  text: string;
  json(): Record<string, unknown>;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
}

/** One request on a fresh connection; resolves with the raw response. */
export function rawRequest(url: string, request: RawRequest = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname, port, method: request.method ?? 'POST', path: request.path ?? '/', headers: request.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: body.toString('utf8'),
            json: () => JSON.parse(body.toString('utf8')) as Record<string, unknown>,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/** Headers of a well-formed (unverified) DynamoDB request for `operation`. */
export function dynamoHeaders(operation: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': `DynamoDB_20120810.${operation}`,
    'X-Amz-Date': '20260101T000000Z',
    Authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc',
    ...extra,
  };
}

/** POSTs `body` (an object is JSON-encoded) as `operation`. */
export function callOperation(url: string, operation: string, body: unknown, extra: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(url, { headers: dynamoHeaders(operation, extra), body: typeof body === 'string' ? body : JSON.stringify(body) });
}

export const TABLE_INPUT: CreateTableCommandInput = {
  TableName: 'items',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
};

/**
 * Replaces the database's DescribeLimits with one that stops until `release()`: `inside` resolves
 * once a request has entered it, and it then answers `{ AccountMaxReadCapacityUnits: units }`.
 * For tests of what the server does while a request is in flight.
 */
export function gateDescribeLimits(db: Database, units: number): { inside: Promise<void>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  (db as unknown as Record<string, unknown>)['describeLimits'] = async () => {
    entered();
    await gate;
    return { AccountMaxReadCapacityUnits: units };
  };
  return { inside, release };
}
