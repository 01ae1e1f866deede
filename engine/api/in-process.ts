/**
 * The in-process SDK transport: a Smithy `HttpHandler` for `@aws-sdk/client-dynamodb`'s
 * DynamoDBClient that answers requests from an embedded Database without a socket. Users keep the
 * real SDK — serializers, error classes, paginators, waiters, DynamoDBDocumentClient — in tests
 * with no port and no server process.
 *
 *   const db = await Database.open();
 *   const client = createInProcessClient(db);                     // or:
 *   const client = new DynamoDBClient({ region: 'us-east-1', requestHandler: inProcessHandler(db) });
 *
 * Each request runs the same RequestPipeline as the HTTP server (engine/api/pipeline.ts): the same
 * JSON codec, error shapes, headers and checksums, so behaviour is identical over both transports.
 * Only authentication is skipped (there is no wire to protect). The handler does not own the
 * Database: `destroy()` (called by `client.destroy()`) leaves it open.
 */
import { createRequire } from 'node:module';
import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { Database } from '../database.js';
import { RequestPipeline } from './pipeline.js';

/** The members of Smithy's HttpRequest the handler reads (structural: no @smithy dependency). */
export interface InProcessHttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | (string | null)[] | null | undefined>;
  headers: Record<string, string>;
  body?: unknown;
}

/** Smithy's HttpResponse shape: what the SDK's deserializers read. */
export interface InProcessHttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Smithy's HttpHandler contract (`handle` plus the config hooks clients call). */
export interface InProcessHandler {
  readonly metadata: { handlerProtocol: string };
  handle(request: InProcessHttpRequest, options?: { abortSignal?: { aborted: boolean } }): Promise<{ response: InProcessHttpResponse }>;
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

/** A request handler that serves DynamoDBClient requests from `database` in this process. */
export function inProcessHandler(database: Database): InProcessHandler {
  const pipeline = new RequestPipeline({ database });
  return {
    metadata: { handlerProtocol: 'in-process' },
    async handle(request, options) {
      if (options?.abortSignal?.aborted === true) throw abortError();
      const headers: Record<string, string> = {};
      for (const name of Object.keys(request.headers)) headers[name.toLowerCase()] = request.headers[name]!;
      const response = await pipeline.handle({
        method: request.method,
        url: request.path + queryString(request.query),
        headers,
        body: await bodyBytes(request.body),
      });
      // The SDK reads response headers by lower-case name, as node:http delivers them.
      const responseHeaders: Record<string, string> = {};
      for (const name of Object.keys(response.headers)) responseHeaders[name.toLowerCase()] = response.headers[name]!;
      return { response: { statusCode: response.statusCode, headers: responseHeaders, body: response.body } };
    },
    updateHttpClientConfig() {
      // Nothing to configure: there is no connection pool, socket or timeout.
    },
    httpHandlerConfigs() {
      return {};
    },
    destroy() {
      // The Database belongs to the caller; the handler holds nothing else.
    },
  };
}

/**
 * A DynamoDBClient wired to `database` through `inProcessHandler`. Region, credentials and
 * endpoint get harmless defaults (nothing is signed for a network); `config` overrides them.
 */
export function createInProcessClient(database: Database, config: DynamoDBClientConfig = {}): DynamoDBClient {
  // Loaded on first use: the SDK takes ~0.4 s to load, which `import 'silt'` should not pay.
  // It has no `exports` map, so require and import resolve to the same module instance.
  const sdk = createRequire(import.meta.url)('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  return new sdk.DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://silt.in-process',
    credentials: { accessKeyId: 'silt', secretAccessKey: 'silt' },
    ...config,
    requestHandler: inProcessHandler(database),
  });
}

function queryString(query: InProcessHttpRequest['query']): string {
  if (query === undefined) return '';
  const parts: string[] = [];
  for (const name of Object.keys(query)) {
    const value = query[name];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) parts.push(v === null ? encodeURIComponent(name) : `${encodeURIComponent(name)}=${encodeURIComponent(v)}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'object' && Symbol.asyncIterator in body) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<unknown>) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array));
    }
    return Buffer.concat(chunks);
  }
  throw new TypeError(`in-process handler: unsupported request body type ${Object.prototype.toString.call(body)}`);
}

function abortError(): Error {
  const error = new Error('Request aborted');
  error.name = 'AbortError';
  return error;
}
