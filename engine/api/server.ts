/**
 * The DynamoDB wire-protocol server: node:http (or node:https with a certificate), keep-alive,
 * every request through the shared RequestPipeline (engine/api/pipeline.ts).
 *
 *   const server = await startServer({ database, port: 8000 });
 *   // … aws dynamodb list-tables --endpoint-url http://127.0.0.1:8000
 *   await server.close();            // stop accepting, finish in-flight requests
 *
 * Protection (bounds in engine/limits.ts):
 *   1. A body larger than REQUEST_BODY_BYTES_MAX is refused with 413 as soon as Content-Length says
 *      so, or as soon as the stream passes the bound — it is never buffered whole — and the
 *      connection is closed, so the rest of the upload is not read.
 *   2. Headers and whole requests have timeouts (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS);
 *      idle keep-alive connections close after HTTP_KEEP_ALIVE_TIMEOUT_MS.
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
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Database } from '../database.js';
import {
  HTTP_HEADERS_TIMEOUT_MS,
  HTTP_KEEP_ALIVE_TIMEOUT_MS,
  HTTP_REQUEST_TIMEOUT_MS,
  HTTP_SHUTDOWN_GRACE_MS,
  REQUEST_BODY_BYTES_MAX,
} from '../limits.js';
import { SystemClock, type Clock } from '../util/clock.js';
import { Authenticator, type Credentials } from './auth.js';
import { SILENT_LOGGER, type Logger } from './logger.js';
import { nextRequestId, RequestPipeline, type ApiResponse } from './pipeline.js';
import { toWireError } from './errors.js';

/** The admin endpoint's path prefix: `GET /silt/partitions/<table name, URI-encoded>`. */
export const PARTITIONS_PATH = '/silt/partitions/';

/** Answers `GET /silt/partitions/<table>`. Never rejects. */
async function partitionsResponse(database: Database, url: string): Promise<ApiResponse> {
  const headers: Record<string, string> = { 'x-amzn-RequestId': nextRequestId(), 'Content-Type': 'application/json' };
  const path = url.split('?')[0]!;
  let statusCode = 200;
  let body: unknown;
  try {
    body = await database.describePartitions(decodeURIComponent(path.slice(PARTITIONS_PATH.length)));
  } catch (error) {
    const wire = toWireError(error);
    statusCode = wire.statusCode;
    body = wire.body;
  }
  return { statusCode, headers, body: Buffer.from(JSON.stringify(body), 'utf8') };
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
  /** Clock for signature expiry (default the system clock). */
  clock?: Clock;
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
  let closing = false;
  let inFlight = 0;

  const send = (res: http.ServerResponse, response: ApiResponse): void => {
    if (closing) res.setHeader('Connection', 'close');
    res.writeHead(response.statusCode, response.headers);
    res.end(response.body);
  };

  /** 413 without reading the rest of the body; the connection closes after the response. */
  const tooLarge = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    req.removeAllListeners('data');
    req.pause();
    res.shouldKeepAlive = false;
    res.writeHead(413, { 'x-amzn-RequestId': nextRequestId(), 'x-amz-crc32': '0', 'Content-Length': '0', Connection: 'close' });
    res.end();
    logger.debug('request body too large', { url: req.url, contentLength: req.headers['content-length'] });
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    inFlight++;
    const startedMs = logger.enabled('debug') ? clock.now() : 0;
    res.once('close', () => {
      inFlight--;
      if (startedMs !== 0) {
        logger.debug('request', { method: req.method, target: req.headers['x-amz-target'], status: res.statusCode, latencyMs: clock.now() - startedMs });
      }
      // Responses during shutdown close their connections; the idle ones go now.
      if (closing) server.closeIdleConnections();
    });
    req.once('error', (error) => {
      logger.debug('request stream failed', { error: error.message });
      res.destroy();
    });
    if (req.method === 'GET' && req.url !== undefined && req.url.startsWith(PARTITIONS_PATH)) {
      // partitionsResponse never rejects, so only writing can fail here (a broken connection).
      void partitionsResponse(options.database, req.url).then((response) => {
        if (res.destroyed) return;
        try {
          send(res, response);
        } catch (error) {
          logger.warn('could not send response', { error });
          res.destroy();
        }
      });
      return;
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > REQUEST_BODY_BYTES_MAX) {
      tooLarge(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > REQUEST_BODY_BYTES_MAX) {
        refused = true;
        chunks.length = 0;
        tooLarge(req, res);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (refused) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      // handle() never rejects, so only writing can fail here (a broken connection).
      void pipeline.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body }).then((response) => {
        if (res.destroyed) return;
        try {
          send(res, response);
        } catch (error) {
          logger.warn('could not send response', { error });
          res.destroy();
        }
      });
    });
  };

  const server: http.Server =
    options.tls === undefined ? http.createServer(onRequest) : https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest);
  server.headersTimeout = HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = HTTP_REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = HTTP_KEEP_ALIVE_TIMEOUT_MS;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
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
        const grace = setTimeout(() => {
          logger.warn('shutdown grace period over: closing remaining connections', { inFlight });
          server.closeAllConnections();
        }, HTTP_SHUTDOWN_GRACE_MS);
        grace.unref();
        server.close((error) => {
          clearTimeout(grace);
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
