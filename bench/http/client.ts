/**
 * A lean keep-alive HTTP/1.1 client for DynamoDB JSON requests, signed with SigV4 — the load
 * generator of the HTTP benchmark and of `silt bench`'s http target. The AWS SDK costs so much
 * client CPU that it caps near 1.5k requests/s here; this client costs a few tens of µs per request,
 * so the server is what is measured.
 *
 * Signing (engine/api/sigv4.ts does the maths): the signing key is derived once per day; the
 * canonical request up to its last line (method, URI, headers, signed headers) is cached per
 * (second, operation); per request only the body hash, the string-to-sign hash and the HMAC run —
 * as one-shot `crypto.hash` calls (the HMAC as two hashes over the key's precomputed pads), which
 * cost less than half of createHash/createHmac objects. A session token (temporary credentials)
 * is sent and signed as X-Amz-Security-Token.
 *
 * `http://` and `https://` URLs (TLS with SNI, default ports 80 and 443), so real DynamoDB
 * endpoints can be measured. Two transports with the same interface (`--client` picks one):
 *   raw        `connections` net/tls sockets, requests written as one string, responses parsed in
 *              place (status line, Content-Length; chunked responses are refused) — the default,
 *              being measurably cheaper per request than node:http's client; a connection the
 *              server closed (or announced closing) fails its request in flight, if any (status 0),
 *              and is reopened for the next one;
 *   node-http  node:http(s) with an Agent { keepAlive, maxSockets: connections }.
 *
 * Concurrency: one request in flight per connection (no pipelining); the caller never has more
 * than `capacity` requests outstanding. Completions run synchronously from socket events; the
 * response body handed to a completion is only valid during the call.
 */
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import * as tls from 'node:tls';
import { amzDate, canonicalRequest, credentialScope, signingKey, SIGV4_ALGORITHM, type SigningCredentials } from '../../engine/api/sigv4.js';

/** Called once per request: HTTP status and body, or status 0 and an error text as body. */
export type Completion = (status: number, body: Buffer) => void;

export interface ClientOptions {
  /** `http://127.0.0.1:PORT`, `https://dynamodb.eu-west-1.amazonaws.com` */
  url: string;
  credentials: SigningCredentials;
  region: string;
  /** Connections = the most requests in flight. */
  connections: number;
  transport: 'raw' | 'node-http';
  /** https: trusted certificates besides the system's (a self-signed endpoint; tests). */
  ca?: string | Buffer;
}

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'DynamoDB_20120810.';
const SHA256_BLOCK_BYTES = 64;
const SHA256_BYTES = 32;
/** The longest string to sign: algorithm, date, scope (region ≤ ~30 chars) and a hex hash fit easily. */
const STRING_TO_SIGN_BYTES_MAX = 512;

/** Node ≥ 20.12 has the one-shot crypto.hash; older Node 20 falls back to createHash. */
const oneShotHash: ((algorithm: string, data: crypto.BinaryLike, encoding: 'hex' | 'binary') => string) | undefined = (crypto as { hash?: typeof crypto.hash }).hash;

function sha256(data: crypto.BinaryLike, encoding: 'hex' | 'binary'): string {
  return oneShotHash !== undefined ? oneShotHash('sha256', data, encoding) : crypto.createHash('sha256').update(data).digest(encoding);
}

/**
 * HMAC-SHA256 under one key (RFC 2104: H(K ⊕ opad ‖ H(K ⊕ ipad ‖ m))) over the key's pads computed
 * once, as two one-shot hashes into reused buffers. Messages must be latin1 (strings to sign are ASCII).
 */
class HmacSha256 {
  readonly #inner = Buffer.alloc(SHA256_BLOCK_BYTES + STRING_TO_SIGN_BYTES_MAX);
  readonly #outer = Buffer.alloc(SHA256_BLOCK_BYTES + SHA256_BYTES);

  constructor(key: Uint8Array) {
    // Keys longer than a block would be hashed first; SigV4 signing keys are 32 bytes.
    if (key.length > SHA256_BLOCK_BYTES) throw new RangeError('HMAC key longer than a SHA-256 block');
    this.#inner.fill(0x36, 0, SHA256_BLOCK_BYTES);
    this.#outer.fill(0x5c, 0, SHA256_BLOCK_BYTES);
    for (let i = 0; i < key.length; i++) {
      this.#inner[i]! ^= key[i]!;
      this.#outer[i]! ^= key[i]!;
    }
  }

  hex(message: string): string {
    if (message.length > STRING_TO_SIGN_BYTES_MAX) return crypto.createHmac('sha256', this.#key()).update(message, 'latin1').digest('hex');
    const length = this.#inner.write(message, SHA256_BLOCK_BYTES, 'latin1');
    this.#outer.write(sha256(this.#inner.subarray(0, SHA256_BLOCK_BYTES + length), 'binary'), SHA256_BLOCK_BYTES, 'latin1');
    return sha256(this.#outer, 'hex');
  }

  /** The key back from the inner pad (only for the rare over-long message). */
  #key(): Buffer {
    const key = Buffer.alloc(SHA256_BLOCK_BYTES);
    for (let i = 0; i < SHA256_BLOCK_BYTES; i++) key[i] = this.#inner[i]! ^ 0x36;
    return key;
  }
}

/** SigV4 for POST / with the signed headers content-type, host, x-amz-date[, x-amz-security-token], x-amz-target. */
export class RequestSigner {
  readonly #credentials: SigningCredentials;
  readonly #region: string;
  readonly #host: string;
  readonly #signedHeaders: readonly string[];
  #second = -1;
  #date = '';
  #scope = '';
  #hmac: HmacSha256 | undefined;
  /** Canonical request without its payload hash, per X-Amz-Target, for the current second. */
  readonly #prefixes = new Map<string, string>();

  constructor(credentials: SigningCredentials, region: string, host: string) {
    this.#credentials = credentials;
    this.#region = region;
    this.#host = host;
    this.#signedHeaders = credentials.sessionToken === undefined ? ['content-type', 'host', 'x-amz-date', 'x-amz-target'] : ['content-type', 'host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target'];
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
      const headers: Record<string, string> = { 'content-type': CONTENT_TYPE, host: this.#host, 'x-amz-date': this.#date, 'x-amz-target': target };
      if (this.#credentials.sessionToken !== undefined) headers['x-amz-security-token'] = this.#credentials.sessionToken;
      prefix = canonicalRequest({ method: 'POST', path: '/', query: [], headers, signedHeaders: this.#signedHeaders, payloadHash: '' });
      this.#prefixes.set(target, prefix);
    }
    // engine/api/sigv4.ts stringToSign and signatureOf, with the cheaper hashes above.
    const toSign = `${SIGV4_ALGORITHM}\n${this.#date}\n${this.#scope}\n${sha256(prefix + sha256(body, 'hex'), 'hex')}`;
    const signature = this.#hmac!.hex(toSign);
    return `${SIGV4_ALGORITHM} Credential=${this.#credentials.accessKeyId}/${this.#scope}, SignedHeaders=${this.#signedHeaders.join(';')}, Signature=${signature}`;
  }

  #newSecond(second: number): void {
    this.#second = second;
    this.#date = amzDate(second * 1000);
    this.#prefixes.clear();
    const day = this.#date.slice(0, 8);
    this.#scope = credentialScope(day, this.#region, 'dynamodb');
    // Derived once per day (sigv4.ts caches it by day, region and service).
    this.#hmac = new HmacSha256(signingKey(this.#credentials.secretAccessKey, day, this.#region, 'dynamodb'));
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

/** Where a transport connects: host, port (the scheme's default when the URL has none), TLS or not. */
interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
  /** The Host header (and the signed host): the URL's host, which omits a default port. */
  hostHeader: string;
  /** Extra request header lines ("X-Amz-Security-Token: …\r\n"), or ''. */
  extraHeaders: string;
  ca: string | Buffer | undefined;
}

function endpointOf(url: URL, sessionToken: string | undefined, ca: string | Buffer | undefined): Endpoint {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`the client speaks http:// and https:// only, got ${url.protocol}`);
  const secure = url.protocol === 'https:';
  return {
    host: url.hostname,
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    tls: secure,
    hostHeader: url.host,
    extraHeaders: sessionToken === undefined ? '' : `X-Amz-Security-Token: ${sessionToken}\r\n`,
    ca,
  };
}

/** A socket to `endpoint` (connecting; writes made before it connects are queued by Node). */
function openSocket(endpoint: Endpoint): net.Socket {
  if (!endpoint.tls) return net.connect(endpoint.port, endpoint.host);
  // SNI only for names (RFC 6066 forbids IP literals in server_name).
  const servername = net.isIP(endpoint.host) === 0 ? endpoint.host : '';
  return tls.connect({ host: endpoint.host, port: endpoint.port, servername, ALPNProtocols: ['http/1.1'], ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }) });
}

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

  write(request: string, done: Completion): void {
    this.#done = done;
    this.socket.write(request, 'utf8');
  }

  /** Fails the request in flight, if any, and hands the connection back (send() reopens it). */
  #fail(why: string): void {
    const done = this.#done;
    this.#done = undefined;
    this.#partial = undefined;
    if (done === undefined) return;
    this.#onIdle(this);
    done(0, Buffer.from(why));
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
        this.socket.destroy();
        return;
      }
      const rest = data.subarray(total);
      // A server closing the connection says so: drop it now, so the next send() opens a new one
      // rather than racing the close.
      if (head.includes('\r\nconnection: close')) this.socket.destroy();
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
  readonly #endpoint: Endpoint;
  readonly #idle: RawConnection[] = [];
  readonly #all = new Set<RawConnection>();
  readonly #onIdle = (connection: RawConnection): void => {
    this.#idle.push(connection);
  };
  #closed = false;

  constructor(endpoint: Endpoint, connections: number) {
    this.capacity = connections;
    this.#endpoint = endpoint;
  }

  async connect(): Promise<void> {
    const ready = this.#endpoint.tls ? 'secureConnect' : 'connect';
    await Promise.all(
      Array.from(
        { length: this.capacity },
        () =>
          new Promise<void>((resolve, reject) => {
            const socket = openSocket(this.#endpoint);
            socket.once(ready, () => {
              const connection = new RawConnection(socket, this.#onIdle);
              this.#all.add(connection);
              this.#idle.push(connection);
              resolve();
            });
            socket.once('error', reject);
          }),
      ),
    );
  }

  send(target: string, date: string, authorization: string, body: string, done: Completion): void {
    let connection = this.#idle.pop();
    if (connection === undefined) throw new Error('raw transport: no idle connection (more requests than capacity)');
    if (this.#closed) {
      done(0, Buffer.from('client closed'));
      return;
    }
    if (connection.socket.destroyed || !connection.socket.writable) {
      // The server closed it (an idle timeout, an error): reopen; Node queues the write until connected.
      connection.socket.destroy();
      this.#all.delete(connection);
      connection = new RawConnection(openSocket(this.#endpoint), this.#onIdle);
      this.#all.add(connection);
    }
    const e = this.#endpoint;
    connection.write(
      `POST / HTTP/1.1\r\nHost: ${e.hostHeader}\r\nContent-Type: ${CONTENT_TYPE}\r\nX-Amz-Target: ${target}\r\nX-Amz-Date: ${date}\r\n${e.extraHeaders}` +
        `Authorization: ${authorization}\r\nContent-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`,
      done,
    );
  }

  close(): void {
    this.#closed = true;
    for (const connection of this.#all) connection.socket.destroy();
    this.#all.clear();
    this.#idle.length = 0;
  }
}

class NodeHttpTransport implements Transport {
  readonly capacity: number;
  readonly #agent: http.Agent;
  readonly #endpoint: Endpoint;
  readonly #sessionToken: string | undefined;

  constructor(endpoint: Endpoint, connections: number, sessionToken: string | undefined) {
    this.capacity = connections;
    this.#endpoint = endpoint;
    this.#sessionToken = sessionToken;
    this.#agent = endpoint.tls ? new https.Agent({ keepAlive: true, maxSockets: connections, ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }) }) : new http.Agent({ keepAlive: true, maxSockets: connections });
  }

  async connect(): Promise<void> {
    // The agent opens sockets on demand and keeps them.
  }

  send(target: string, date: string, authorization: string, body: string, done: Completion): void {
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': CONTENT_TYPE, 'X-Amz-Target': target, 'X-Amz-Date': date, Authorization: authorization, 'Content-Length': Buffer.byteLength(body, 'utf8') };
    if (this.#sessionToken !== undefined) headers['X-Amz-Security-Token'] = this.#sessionToken;
    const options: http.RequestOptions = { agent: this.#agent, host: this.#endpoint.host, port: this.#endpoint.port, method: 'POST', path: '/', headers };
    const onResponse = (response: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(response.statusCode ?? 0, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    };
    const request = this.#endpoint.tls ? https.request(options, onResponse) : http.request(options, onResponse);
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
    const endpoint = endpointOf(url, options.credentials.sessionToken, options.ca);
    const transport = options.transport === 'raw' ? new RawTransport(endpoint, options.connections) : new NodeHttpTransport(endpoint, options.connections, options.credentials.sessionToken);
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
