/**
 * A lean keep-alive HTTP/1.1 client for DynamoDB JSON requests, signed with SigV4 — the load
 * generator of the HTTP benchmark. The AWS SDK costs so much client CPU that it caps near 1.5k
 * requests/s here; this client costs a few tens of µs per request, so the server is what is measured.
 *
 * Signing (engine/api/sigv4.ts does the maths): the signing key is derived once per day; the
 * canonical request up to its last line (method, URI, headers, signed headers) is cached per
 * (second, operation); per request only the body hash, the string-to-sign hash and the HMAC run.
 *
 * Two transports with the same interface (`--client` picks one):
 *   raw        `connections` net sockets, requests written as one string, responses parsed in place
 *              (status line, Content-Length; chunked responses are refused) — the default, being
 *              measurably cheaper per request than node:http's client;
 *   node-http  node:http with an Agent { keepAlive, maxSockets: connections }.
 *
 * Concurrency: one request in flight per connection (no pipelining); the caller never has more
 * than `capacity` requests outstanding. Completions run synchronously from socket events; the
 * response body handed to a completion is only valid during the call.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { amzDate, canonicalRequest, credentialScope, sha256Hex, signatureOf, signingKey, SIGV4_ALGORITHM, stringToSign, type SigningCredentials } from '../../engine/api/sigv4.js';

/** Called once per request: HTTP status and body, or status 0 and an error text as body. */
export type Completion = (status: number, body: Buffer) => void;

export interface ClientOptions {
  /** `http://127.0.0.1:PORT` */
  url: string;
  credentials: SigningCredentials;
  region: string;
  /** Connections = the most requests in flight. */
  connections: number;
  transport: 'raw' | 'node-http';
}

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'DynamoDB_20120810.';
const SIGNED_HEADERS = ['content-type', 'host', 'x-amz-date', 'x-amz-target'] as const;

/** SigV4 for POST / with the four signed headers above. */
export class RequestSigner {
  readonly #credentials: SigningCredentials;
  readonly #region: string;
  readonly #host: string;
  #second = -1;
  #date = '';
  #scope = '';
  #key: Buffer = Buffer.alloc(0);
  /** Canonical request without its payload hash, per X-Amz-Target, for the current second. */
  readonly #prefixes = new Map<string, string>();

  constructor(credentials: SigningCredentials, region: string, host: string) {
    this.#credentials = credentials;
    this.#region = region;
    this.#host = host;
  }

  /** The X-Amz-Date of the last `sign`. */
  get date(): string {
    return this.#date;
  }

  /** The Authorization header for `body` sent now with `target`; read `date` after it. */
  sign(target: string, body: string, epochMs: number): string {
    const second = Math.floor(epochMs / 1000);
    if (second !== this.#second) this.#newSecond(second);
    let prefix = this.#prefixes.get(target);
    if (prefix === undefined) {
      // canonicalRequest ends with "\n" + payload hash: with an empty hash, the rest is the prefix.
      prefix = canonicalRequest({
        method: 'POST',
        path: '/',
        query: [],
        headers: { 'content-type': CONTENT_TYPE, host: this.#host, 'x-amz-date': this.#date, 'x-amz-target': target },
        signedHeaders: SIGNED_HEADERS,
        payloadHash: '',
      });
      this.#prefixes.set(target, prefix);
    }
    const signature = signatureOf(this.#key, stringToSign(this.#date, this.#scope, prefix + sha256Hex(body)));
    return `${SIGV4_ALGORITHM} Credential=${this.#credentials.accessKeyId}/${this.#scope}, SignedHeaders=${SIGNED_HEADERS.join(';')}, Signature=${signature}`;
  }

  #newSecond(second: number): void {
    this.#second = second;
    this.#date = amzDate(second * 1000);
    this.#prefixes.clear();
    const day = this.#date.slice(0, 8);
    this.#scope = credentialScope(day, this.#region, 'dynamodb');
    // Derived once per day (sigv4.ts caches it by day, region and service).
    this.#key = signingKey(this.#credentials.secretAccessKey, day, this.#region, 'dynamodb');
  }
}

interface Transport {
  readonly capacity: number;
  connect(): Promise<void>;
  /** Requires fewer than `capacity` requests outstanding. */
  send(target: string, date: string, authorization: string, body: string, done: Completion): void;
  close(): void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive socket, one request at a time, responses parsed from the raw bytes. */
class RawConnection {
  readonly socket: net.Socket;
  #done: Completion | undefined;
  #partial: Buffer | undefined;
  #onIdle: (connection: RawConnection) => void;

  constructor(socket: net.Socket, onIdle: (connection: RawConnection) => void) {
    this.socket = socket;
    this.#onIdle = onIdle;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (error) => this.#fail(`socket error: ${error.message}`));
    socket.on('close', () => this.#fail('connection closed by the server'));
  }

  get busy(): boolean {
    return this.#done !== undefined;
  }

  write(request: string, done: Completion): void {
    this.#done = done;
    this.socket.write(request, 'utf8');
  }

  #fail(why: string): void {
    const done = this.#done;
    this.#done = undefined;
    this.#partial = undefined;
    done?.(0, Buffer.from(why));
  }

  #receive(chunk: Buffer): void {
    let data = this.#partial === undefined ? chunk : Buffer.concat([this.#partial, chunk]);
    this.#partial = undefined;
    while (data.length > 0) {
      const headerEnd = data.indexOf(HEADER_END);
      if (headerEnd < 0) break;
      const head = data.toString('latin1', 0, headerEnd).toLowerCase();
      const status = Number(head.slice(9, 12));
      const at = head.indexOf('\r\ncontent-length:');
      if (at < 0 || head.includes('\r\ntransfer-encoding:')) {
        this.#fail(`unsupported response framing: ${head.split('\r\n', 1)[0]!}`);
        this.socket.destroy();
        return;
      }
      const lineEnd = head.indexOf('\r', at + 2);
      const length = Number(head.slice(at + 17, lineEnd < 0 ? head.length : lineEnd));
      const total = headerEnd + 4 + length;
      if (data.length < total) break;
      const done = this.#done;
      this.#done = undefined;
      if (done === undefined) {
        this.#fail('a response without a request');
        this.socket.destroy();
        return;
      }
      const rest = data.subarray(total);
      // Idle before the completion runs, so the completion may send the next request right away.
      this.#onIdle(this);
      done(status, data.subarray(headerEnd + 4, total));
      data = rest;
    }
    if (data.length > 0) this.#partial = data;
  }
}

class RawTransport implements Transport {
  readonly capacity: number;
  readonly #port: number;
  readonly #host: string;
  readonly #hostHeader: string;
  readonly #connections: RawConnection[] = [];
  readonly #idle: RawConnection[] = [];

  constructor(url: URL, connections: number) {
    this.capacity = connections;
    this.#host = url.hostname;
    this.#port = Number(url.port);
    this.#hostHeader = url.host;
  }

  async connect(): Promise<void> {
    const onIdle = (connection: RawConnection): void => {
      this.#idle.push(connection);
    };
    await Promise.all(
      Array.from(
        { length: this.capacity },
        () =>
          new Promise<void>((resolve, reject) => {
            const socket = net.connect(this.#port, this.#host);
            socket.once('connect', () => {
              const connection = new RawConnection(socket, onIdle);
              this.#connections.push(connection);
              this.#idle.push(connection);
              resolve();
            });
            socket.once('error', reject);
          }),
      ),
    );
  }

  send(target: string, date: string, authorization: string, body: string, done: Completion): void {
    const connection = this.#idle.pop();
    if (connection === undefined) throw new Error('raw transport: no idle connection (more requests than capacity)');
    if (connection.socket.destroyed) {
      done(0, Buffer.from('connection closed by the server'));
      return;
    }
    connection.write(
      `POST / HTTP/1.1\r\nHost: ${this.#hostHeader}\r\nContent-Type: ${CONTENT_TYPE}\r\nX-Amz-Target: ${target}\r\nX-Amz-Date: ${date}\r\n` +
        `Authorization: ${authorization}\r\nContent-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`,
      done,
    );
  }

  close(): void {
    for (const connection of this.#connections) connection.socket.destroy();
    this.#connections.length = 0;
    this.#idle.length = 0;
  }
}

class NodeHttpTransport implements Transport {
  readonly capacity: number;
  readonly #agent: http.Agent;
  readonly #url: URL;

  constructor(url: URL, connections: number) {
    this.capacity = connections;
    this.#url = url;
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  }

  async connect(): Promise<void> {
    // The agent opens sockets on demand and keeps them.
  }

  send(target: string, date: string, authorization: string, body: string, done: Completion): void {
    const request = http.request(
      {
        agent: this.#agent,
        host: this.#url.hostname,
        port: this.#url.port,
        method: 'POST',
        path: '/',
        headers: { 'Content-Type': CONTENT_TYPE, 'X-Amz-Target': target, 'X-Amz-Date': date, Authorization: authorization, 'Content-Length': Buffer.byteLength(body, 'utf8') },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(response.statusCode ?? 0, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      },
    );
    request.on('error', (error) => done(0, Buffer.from(`request error: ${error.message}`)));
    request.end(body);
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** Signs and sends DynamoDB JSON requests over keep-alive connections. */
export class SignedClient {
  readonly #signer: RequestSigner;
  readonly #transport: Transport;

  private constructor(signer: RequestSigner, transport: Transport) {
    this.#signer = signer;
    this.#transport = transport;
  }

  static async connect(options: ClientOptions): Promise<SignedClient> {
    const url = new URL(options.url);
    const transport = options.transport === 'raw' ? new RawTransport(url, options.connections) : new NodeHttpTransport(url, options.connections);
    await transport.connect();
    return new SignedClient(new RequestSigner(options.credentials, options.region, url.host), transport);
  }

  /** The most requests that may be outstanding at once. */
  get capacity(): number {
    return this.#transport.capacity;
  }

  /** Sends `body` to the DynamoDB operation (e.g. "PutItem"); `done` runs once. */
  send(operation: string, body: string, done: Completion): void {
    const target = TARGET_PREFIX + operation;
    const authorization = this.#signer.sign(target, body, performance.timeOrigin + performance.now());
    this.#transport.send(target, this.#signer.date, authorization, body, done);
  }

  close(): void {
    this.#transport.close();
  }
}
