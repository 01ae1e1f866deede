/**
 * The request pipeline: one DynamoDB wire request in, one wire response out. The HTTP server
 * (engine/api/server.ts) and the in-process SDK transport (engine/api/in-process.ts) both run it,
 * so a request behaves the same over a socket and without one. Steps, in dynalite's (and so the
 * service's) order (reference/dynamodb-facts.md §14.1):
 *
 *   1. CORS: with an Origin header, `Access-Control-Allow-Origin: *`; OPTIONS is a preflight.
 *   2. GET: `/health` → JSON status; any other path → `healthy: dynamodb.<region>.amazonaws.com `.
 *   3. Not POST, or a non-empty body whose Content-Type is not JSON → 404 `<UnknownOperationException/>`.
 *   4. Content-Encoding gzip is undone (bounded by REQUEST_BODY_BYTES_MAX → 413).
 *   5. A non-empty body must parse (nesting bounded first) → SerializationException.
 *   6. X-Amz-Target must name a known operation whose method the Database has → UnknownOperationException.
 *   7. Authentication (server only; see engine/api/auth.ts).
 *   8. An empty body → SerializationException.
 *   9. The operation: decode binary, call the Database method, encode binary.
 *
 * An operation may read the usual form of its request straight from the body bytes (Operation
 * .readBody: PutItem and GetItem do, engine/api/item-request-body.ts); such a body is valid JSON and
 * a valid request, so it skips steps 5, 8 and 9's parse and decode and is served after step 7.
 *
 * Every response carries `x-amzn-RequestId` and `x-amz-crc32` (over the body as sent: compressed
 * when the client accepts gzip). Errors get DynamoDB's shapes (engine/api/errors.ts); an unexpected
 * exception is logged with its stack and answered 500 without it. `handle` never rejects.
 *
 * Concurrency: requests run concurrently on the one event loop; the Database orders writes.
 */
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { Database } from '../database.js';
import { REQUEST_BODY_BYTES_MAX } from '../limits.js';
import type { Authenticator } from './auth.js';
import { decodeShape, encodeShape, parseJson } from './codec.js';
import { crc32 } from './crc32.js';
import { decimalText } from '../util/decimal-text.js';
import { toWireError } from './errors.js';
import { SILENT_LOGGER, type Logger } from './logger.js';
import { OPERATIONS, type Operation } from './operations/index.js';
import { JsonBody } from './operations/operation.js';
import { ProtocolError } from './protocol-error.js';

export interface ApiRequest {
  method: string;
  /** Path and query as sent ("/", "/?X-Amz-Algorithm=…"). */
  url: string;
  /** Headers by lower-case name. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as sent (still gzip-compressed when Content-Encoding says so). */
  body: Uint8Array;
}

export interface ApiResponse {
  statusCode: number;
  /** Response headers (names in DynamoDB's spelling; HTTP makes them case-insensitive). */
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface PipelineOptions {
  database: Database;
  /** Authentication; absent for the in-process transport, which has no wire to protect. */
  authenticator?: Authenticator;
  /** The region named by the health answer. */
  region?: string;
  logger?: Logger;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';
const JSON_CONTENT_TYPES: ReadonlySet<string> = new Set(['application/x-amz-json-1.0', 'application/x-amz-json-1.1', 'application/json']);
const UNKNOWN_OPERATION_BODY = Buffer.from('<UnknownOperationException/>\n', 'utf8');
const EMPTY = new Uint8Array(0);
/**
 * The body `{}` (PutItem, DeleteItem, UpdateItem without return values: most writes) and its CRC,
 * made once: never written to, so every such response can share them.
 */
const EMPTY_OBJECT_BODY = Buffer.from('{}', 'utf8');
const EMPTY_OBJECT_CRC = String(crc32(EMPTY_OBJECT_BODY));
/** Bodies below this are compressed inline; larger ones on the thread pool. */
const GZIP_INLINE_BYTES_MAX = 64 * 1024;

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

/**
 * Request ids as DynamoDB's: 52 characters of [0-9A-Z]. A random 42-character prefix and a
 * 10-digit decimal counter (no padding and no upper-casing: a base-36 counter's
 * toString(36).toUpperCase().padStart() measured ~0.25 µs a request in bench:http); when the
 * counter runs out, after ~73 million ids, the prefix is drawn again. The counter's text is
 * decimalText's, not String()'s: every id is new, and String() would leave each one in V8's
 * number-to-string cache, to be promoted to old space (util/decimal-text.ts).
 */
const REQUEST_COUNTER_FIRST = 1_000_000_000;
const REQUEST_COUNTER_LAST = 2 ** 30 - 1;
let requestIdPrefix = randomRequestIdPrefix();
let requestCounter = REQUEST_COUNTER_FIRST;

function randomRequestIdPrefix(): string {
  return randomBytes(32).toString('base64').toUpperCase().replace(/[^0-9A-Z]/g, '0').slice(0, 42);
}

export function nextRequestId(): string {
  if (requestCounter === REQUEST_COUNTER_LAST) {
    requestIdPrefix = randomRequestIdPrefix();
    requestCounter = REQUEST_COUNTER_FIRST;
  }
  return requestIdPrefix + decimalText(++requestCounter);
}

function header(request: ApiRequest, name: string): string | undefined {
  return headerText(request.headers[name]);
}

/**
 * A header's value as one string. The hot path reads headers by literal name (`headers['x-amz-target']`)
 * and passes the value here: V8 then uses named-property caches, where a lookup by a variable name
 * through one shared helper measured ~150 ns each (megamorphic keyed loads), ~1 µs a request.
 */
function headerText(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' || value === undefined ? value : value.join(', ');
}

/** The wire operations served by `database` now (those whose method it has). */
export function servedOperations(database: Database): string[] {
  return [...OPERATIONS.values()].filter((operation) => methodOf(database, operation) !== undefined).map((operation) => operation.name);
}

type OperationMethod = (input: unknown) => Promise<unknown>;

function methodOf(database: Database, operation: Operation): OperationMethod | undefined {
  // Dynamic dispatch by the operation table's fixed method names (never a request string), so an
  // operation is served as soon as the Database grows its method.
  const method = (database as unknown as Record<string, unknown>)[operation.method];
  return typeof method === 'function' ? (method as OperationMethod) : undefined;
}

/** One request on its way through the pipeline: what an error response needs. */
interface Call {
  readonly request: ApiRequest;
  readonly headers: Record<string, string>;
  readonly requestId: string;
  operationName: string | undefined;
}

export class RequestPipeline {
  readonly #database: Database;
  readonly #authenticator: Authenticator | undefined;
  readonly #logger: Logger;
  readonly #healthBody: Uint8Array;

  constructor(options: PipelineOptions) {
    this.#database = options.database;
    this.#authenticator = options.authenticator;
    this.#logger = options.logger ?? SILENT_LOGGER;
    this.#healthBody = Buffer.from(`healthy: dynamodb.${options.region ?? 'us-east-1'}.amazonaws.com `, 'utf8');
  }

  /**
   * Never rejects. Only the Database call (and gzip beyond GZIP_INLINE_BYTES_MAX either way) is
   * awaited: every other step runs synchronously, so a request costs one promise chain, not one per
   * step.
   */
  handle(request: ApiRequest): Promise<ApiResponse> {
    const requestId = nextRequestId();
    const headers: Record<string, string> = { 'x-amzn-RequestId': requestId };
    if (headerText(request.headers['origin']) !== undefined) {
      headers['Access-Control-Allow-Origin'] = '*';
      headers['Access-Control-Expose-Headers'] = 'x-amzn-RequestId,x-amz-crc32';
      if (request.method === 'OPTIONS') return Promise.resolve(this.#preflight(request, headers));
    }
    if (request.method === 'GET') return Promise.resolve(this.#health(request, headers));
    const call: Call = { request, headers, requestId, operationName: undefined };
    try {
      const contentType = mediaType(headerText(request.headers['content-type']));
      // The SDKs' types are compared before the set is asked: a header's text is not hashed yet.
      const amzJson = contentType === 'application/x-amz-json-1.0' || contentType === 'application/x-amz-json-1.1';
      if (request.method !== 'POST' || (request.body.length > 0 && !amzJson && !JSON_CONTENT_TYPES.has(contentType))) {
        return Promise.resolve(finish(404, headers, UNKNOWN_OPERATION_BODY));
      }
      headers['Content-Type'] = amzJson ? contentType : 'application/json';
      // The server refuses larger bodies before buffering them; this covers the in-process transport.
      if (request.body.length > REQUEST_BODY_BYTES_MAX) return Promise.resolve(finish(413, headers, EMPTY));
      const body = this.#decodeBody(request);
      if (body instanceof Promise) {
        return body.then(
          (decoded) => this.#dispatch(call, decoded),
          (error: unknown) => this.#failure(call, error),
        );
      }
      return this.#dispatch(call, body);
    } catch (error) {
      return this.#failure(call, error);
    }
  }

  /** Steps 5–9 on the decoded body (undefined: it decompressed beyond the bound). */
  #dispatch(call: Call, body: Uint8Array | undefined): Promise<ApiResponse> {
    const { request, headers } = call;
    try {
      if (body === undefined) return Promise.resolve(finish(413, headers, EMPTY));
      const target = headerText(request.headers['x-amz-target']) ?? '';
      const operation = target.startsWith(TARGET_PREFIX) ? OPERATIONS.get(target.slice(TARGET_PREFIX.length)) : undefined;
      const method = operation === undefined ? undefined : methodOf(this.#database, operation);
      if (operation?.readBody !== undefined && method !== undefined) {
        // A body the operation reads in one pass is valid JSON and a valid request: of steps 5–8
        // only authentication can still fail.
        const serve = operation.readBody(body);
        if (serve !== undefined) {
          call.operationName = operation.name;
          this.#authenticator?.check(request);
          return this.#answered(call, operation, serve(this.#database));
        }
      }
      const text = body.length === 0 ? '' : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
      const data = text === '' ? undefined : parseJson(text);
      if (operation === undefined || method === undefined) throw new ProtocolError('UnknownOperationException');
      call.operationName = operation.name;
      this.#authenticator?.check(request);
      if (text === '') throw new ProtocolError('SerializationException');
      const input = topLevel(data);
      if (operation.input !== undefined) decodeShape(input, operation.input);
      const answered = operation.answer === undefined ? method.call(this.#database, input) : operation.answer(this.#database, input);
      return this.#answered(call, operation, answered);
    } catch (error) {
      return this.#failure(call, error);
    }
  }

  /** The response to an operation's answer: its output encoded, or its error's shape. */
  #answered(call: Call, operation: Operation, answered: Promise<unknown>): Promise<ApiResponse> {
    return answered.then(
      (output) => {
        try {
          const encoded = operation.output === undefined || output instanceof JsonBody ? output : encodeShape(output, operation.output);
          return this.#json(call.request, 200, call.headers, encoded);
        } catch (error) {
          return this.#failure(call, error);
        }
      },
      (error: unknown) => this.#failure(call, error),
    );
  }

  /** The error response for `error` (never throws: toWireError maps anything). */
  #failure(call: Call, error: unknown): Promise<ApiResponse> {
    const wire = toWireError(error);
    if (wire.unexpected) this.#logger.error('internal error', { requestId: call.requestId, operation: call.operationName, error });
    else if (this.#logger.enabled('debug')) this.#logger.debug('request failed', { requestId: call.requestId, operation: call.operationName, type: wire.body['__type'] });
    call.headers['Content-Type'] ??= 'application/x-amz-json-1.0';
    return Promise.resolve(this.#json(call.request, wire.statusCode, call.headers, wire.body));
  }

  /**
   * The body with Content-Encoding undone (synchronously when there is none); undefined when it
   * decompresses beyond the bound (413).
   */
  #decodeBody(request: ApiRequest): Uint8Array | Promise<Uint8Array | undefined> {
    const encoding = (headerText(request.headers['content-encoding']) ?? '').trim().toLowerCase();
    if (encoding === '' || encoding === 'identity' || request.body.length === 0) return request.body;
    if (encoding !== 'gzip' && encoding !== 'x-gzip') {
      throw new ProtocolError('SerializationException', `Unsupported Content-Encoding: ${encoding}`);
    }
    return gunzip(request.body, { maxOutputLength: REQUEST_BODY_BYTES_MAX }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
      // Corrupt or truncated gzip: the body cannot be read, like malformed JSON.
      throw new ProtocolError('SerializationException');
    });
  }

  /** The JSON response; gzip-compressed when the client accepts it (on the thread pool when large). */
  #json(request: ApiRequest, statusCode: number, headers: Record<string, string>, value: unknown): ApiResponse | Promise<ApiResponse> {
    let body: Uint8Array;
    if (value instanceof JsonBody) {
      body = value.bytes;
    } else {
      const text = JSON.stringify(value);
      body = text === '{}' ? EMPTY_OBJECT_BODY : Buffer.from(text, 'utf8');
    }
    if (!acceptsGzip(headerText(request.headers['accept-encoding']))) return finish(statusCode, headers, body);
    headers['Content-Encoding'] = 'gzip';
    if (body.length <= GZIP_INLINE_BYTES_MAX) return finish(statusCode, headers, zlib.gzipSync(body));
    return gzip(body).then((compressed) => finish(statusCode, headers, compressed));
  }

  #health(request: ApiRequest, headers: Record<string, string>): ApiResponse {
    const path = request.url.split('?', 1)[0];
    if (path === '/health') {
      const body = Buffer.from(JSON.stringify({ status: 'healthy', operations: servedOperations(this.#database) }), 'utf8');
      return finish(200, { ...headers, 'Content-Type': 'application/json' }, body);
    }
    return finish(200, { ...headers, 'Content-Type': 'text/plain' }, this.#healthBody);
  }

  #preflight(request: ApiRequest, headers: Record<string, string>): ApiResponse {
    const requestHeaders = header(request, 'access-control-request-headers');
    const requestMethod = header(request, 'access-control-request-method');
    if (requestHeaders !== undefined) headers['Access-Control-Allow-Headers'] = requestHeaders;
    if (requestMethod !== undefined) headers['Access-Control-Allow-Methods'] = requestMethod;
    headers['Access-Control-Max-Age'] = '172800';
    return finish(200, headers, EMPTY);
  }
}

/** The media type of a Content-Type header, lower-cased, without parameters ('' when absent). */
function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  // What every SDK sends, answered without splitting or copying.
  if (contentType === 'application/x-amz-json-1.0' || contentType === 'application/x-amz-json-1.1') return contentType;
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/** The request must be a JSON object, as every operation's input is; `null` is an empty request. */
function topLevel(data: unknown): object {
  if (data === null) return {};
  if (Array.isArray(data)) throw new ProtocolError('SerializationException', 'Start of list found where not expected');
  // Coral's text for a scalar where a structure belongs.
  if (typeof data !== 'object') throw new ProtocolError('SerializationException', 'Expected null');
  return data;
}

function finish(statusCode: number, headers: Record<string, string>, body: Uint8Array): ApiResponse {
  // decimalText: a body's CRC rarely repeats (see nextRequestId); a length often does.
  headers['x-amz-crc32'] = body === EMPTY_OBJECT_BODY ? EMPTY_OBJECT_CRC : decimalText(crc32(body));
  headers['Content-Length'] = String(body.length);
  return { statusCode, headers, body };
}

/** Whether an Accept-Encoding header admits gzip (a `gzip;q=0` refusal is honoured). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  for (const part of acceptEncoding.split(',')) {
    const [coding, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== 'x-gzip') continue;
    return !params.some((param) => /^q=0(\.0*)?$/.test(param));
  }
  return false;
}
