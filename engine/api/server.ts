/**
 * The DynamoDB wire-protocol server: a lean HTTP/1.1 layer (engine/api/http1.ts — why not
 * node:http is explained there) over node:net, or node:tls with a certificate; keep-alive; every
 * request through the shared RequestPipeline (engine/api/pipeline.ts).
 *
 *   const server = await startServer({ database, port: 8000 });
 *   // … aws dynamodb list-tables --endpoint-url http://127.0.0.1:8000
 *   await server.close();            // stop accepting, finish in-flight requests
 *
 * Protection (bounds in engine/limits.ts):
 *   1. A body larger than REQUEST_BODY_BYTES_MAX is refused with 413 as soon as Content-Length says
 *      so, or as soon as the stream passes the bound — it is never buffered whole — and the
 *      connection is closed, so the rest of the upload is not read.
 *   2. Headers and whole requests have timeouts (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS;
 *      408 and close); idle keep-alive connections close after HTTP_KEEP_ALIVE_TIMEOUT_MS. One
 *      sweep timer checks every connection, so a request costs no timer of its own.
 *   3. The pipeline never rejects; a failure to write a response only loses that connection.
 *
 * Shutdown (`close`): stop accepting, close idle connections, let in-flight requests finish (their
 * responses say `Connection: close`), then resolve; connections still open after
 * HTTP_SHUTDOWN_GRACE_MS are destroyed. The server does not own the Database: closing it is the
 * caller's (the CLI closes it after the server).
 *
 * Admin endpoint (Silt's own, outside the DynamoDB protocol): `GET /silt/partitions/<table>` answers
 * the JSON of `database.describePartitions(<table>)` (engine/table/describe-partitions.ts); an
 * unknown table gets DynamoDB's ResourceNotFoundException body with status 400. It is not
 * authenticated (like the health answer): it reveals key ranges and hot keys, so bind the server to
 * loopback (the default) unless the network is trusted.
 *
 * Concurrency: one event loop; requests interleave at awaits inside the Database. With
 * `--log-level debug` every request is logged (method, target, status, latency).
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Database } from '../database.js';
import {
  HTTP_HEADERS_TIMEOUT_MS,
  HTTP_KEEP_ALIVE_TIMEOUT_MS,
  HTTP_REQUEST_TIMEOUT_MS,
  HTTP_SHUTDOWN_GRACE_MS,
  HTTP_SWEEP_INTERVAL_MS,
} from '../limits.js';
import { SystemClock, type Clock } from '../util/clock.js';
import { Authenticator, type Credentials } from './auth.js';
import { Http1Connection, type ConnectionHandler } from './http1.js';
import { SILENT_LOGGER, type Logger } from './logger.js';
import { crc32 } from './crc32.js';
import { toWireError } from './errors.js';
import { nextRequestId, RequestPipeline, type ApiResponse } from './pipeline.js';

/** The admin endpoint's path prefix: `GET /silt/partitions/<table name, URI-encoded>`. */
export const PARTITIONS_PATH = '/silt/partitions/';

/** Answers `GET /silt/partitions/<table>`. Never rejects. */
async function partitionsResponse(database: Database, url: string): Promise<ApiResponse> {
  const headers: Record<string, string> = { 'x-amzn-RequestId': nextRequestId(), 'Content-Type': 'application/json' };
  const path = url.split('?')[0]!;
  let statusCode = 200;
  let value: unknown;
  try {
    value = await database.describePartitions(decodeURIComponent(path.slice(PARTITIONS_PATH.length)));
  } catch (error) {
    const wire = toWireError(error);
    statusCode = wire.statusCode;
    value = wire.body;
  }
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  headers['x-amz-crc32'] = String(crc32(body));
  headers['Content-Length'] = String(body.length);
  return { statusCode, headers, body };
}

export interface ServerOptions {
  database: Database;
  /** TCP port (default 8000; 0 picks a free one). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Verify SigV4 against these keys; absent: any well-formed Authorization header is accepted. */
  credentials?: Credentials;
  /** Region named by the health answer (default us-east-1). */
  region?: string;
  logger?: Logger;
  /** Clock for signature expiry and connection timeouts (default the system clock). */
  clock?: Clock;
  /** Override the connection timeouts of engine/limits.ts (tests use short ones). */
  timeouts?: Partial<ServerTimeouts>;
}

export interface ServerTimeouts {
  /** A request's head must arrive within this (408 and close). */
  headersMs: number;
  /** A whole request must arrive within this (408 and close). */
  requestMs: number;
  /** An idle keep-alive connection closes after this. */
  keepAliveMs: number;
  /** Shutdown waits this long for in-flight requests before closing their connections. */
  shutdownGraceMs: number;
}

export interface SiltServer {
  /** `http://127.0.0.1:8000` (the bound address and port). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Requests received and not yet answered. */
  readonly inFlight: number;
  /** Stops accepting, lets in-flight requests finish, resolves when every connection is closed. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8000;
export const DEFAULT_HOST = '127.0.0.1';

export async function startServer(options: ServerOptions): Promise<SiltServer> {
  const logger = options.logger ?? SILENT_LOGGER;
  const clock = options.clock ?? new SystemClock();
  const timeouts: ServerTimeouts = {
    headersMs: HTTP_HEADERS_TIMEOUT_MS,
    requestMs: HTTP_REQUEST_TIMEOUT_MS,
    keepAliveMs: HTTP_KEEP_ALIVE_TIMEOUT_MS,
    shutdownGraceMs: HTTP_SHUTDOWN_GRACE_MS,
    ...options.timeouts,
  };
  const authenticator = new Authenticator({
    clock,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
  const pipeline = new RequestPipeline({
    database: options.database,
    authenticator,
    logger,
    ...(options.region === undefined ? {} : { region: options.region }),
  });
  const debug = logger.enabled('debug');
  const now = (): number => clock.now();
  const connections = new Set<Http1Connection>();
  let closing = false;
  let inFlight = 0;
  let onDrained: (() => void) | undefined;

  const handler: ConnectionHandler = {
    request(request) {
      if (request.method === 'GET' && request.url.startsWith(PARTITIONS_PATH)) return partitionsResponse(options.database, request.url);
      if (!debug) return pipeline.handle(request);
      const startedMs = clock.now();
      return pipeline.handle(request).then((response) => {
        logger.debug('request', { method: request.method, target: request.headers['x-amz-target'], status: response.statusCode, latencyMs: clock.now() - startedMs });
        return response;
      });
    },
    tooLarge() {
      logger.debug('request body too large');
      return { 'x-amzn-RequestId': nextRequestId(), 'x-amz-crc32': '0', 'Content-Length': '0' };
    },
    closing: () => closing,
    gone(connection) {
      connections.delete(connection);
      if (closing && connections.size === 0) onDrained?.();
    },
    began() {
      inFlight++;
    },
    ended() {
      inFlight--;
    },
  };

  const onConnection = (socket: net.Socket): void => {
    if (closing) {
      socket.destroy();
      return;
    }
    connections.add(new Http1Connection(socket, handler, now));
  };
  const server: net.Server =
    options.tls === undefined
      ? net.createServer(onConnection)
      : tls.createServer({ cert: options.tls.cert, key: options.tls.key }, onConnection);
  if (options.tls !== undefined) {
    // A failed TLS handshake never becomes a connection; it only loses that socket.
    server.on('tlsClientError', (error: Error) => logger.debug('TLS handshake failed', { error: error.message }));
  }

  const sweepMs = Math.max(5, Math.min(HTTP_SWEEP_INTERVAL_MS, timeouts.headersMs / 4, timeouts.keepAliveMs / 4));
  const sweeper = setInterval(() => {
    const nowMs = clock.now();
    for (const connection of connections) connection.sweep(nowMs, timeouts);
  }, sweepMs);
  sweeper.unref();

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      clearInterval(sweeper);
      reject(error);
    };
    server.once('error', onError);
    server.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => logger.error('server error', { error }));

  const address = server.address() as AddressInfo; // listening on TCP, so an AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${host}:${address.port}`,
    host: address.address,
    port: address.port,
    get inFlight() {
      return inFlight;
    },
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing = true;
        clearInterval(sweeper);
        const grace = setTimeout(() => {
          logger.warn('shutdown grace period over: closing remaining connections', { inFlight });
          for (const connection of connections) connection.destroy();
        }, timeouts.shutdownGraceMs);
        grace.unref();
        let listenerClosed = false;
        let listenerError: Error | undefined;
        const settle = (): void => {
          if (!listenerClosed || connections.size > 0) return;
          clearTimeout(grace);
          if (listenerError === undefined) resolve();
          else reject(listenerError);
        };
        onDrained = settle;
        server.close((error) => {
          listenerClosed = true;
          listenerError = error;
          settle();
        });
        // Idle connections go now; busy ones close after their response (Connection: close).
        for (const connection of connections) connection.closeIfIdle();
      });
      return closed;
    },
  };
}
