/**
 * A lean HTTP/1.1 server connection: parses requests straight off a `net.Socket` (or a TLS socket)
 * and writes each response as ONE buffer, for the one kind of traffic the DynamoDB protocol has —
 * small POSTs with a JSON body, on keep-alive connections.
 *
 * Why not node:http: measured on the 2-core bench machine (bench/http, `npm run bench:http`), a
 * node:http server that only answers canned JSON already spends ~15 µs of CPU per request
 * (IncomingMessage/ServerResponse streams, header objects and validation, a writev per response),
 * half of the whole budget issue 5 sets for Silt (≤ ⅓ of dynalite's ~60 µs). Here a request costs
 * one latin1 slice of the head, one split, one body slice and one `socket.write`, made with the
 * other answers of the same event-loop turn (deferred-writes.ts).
 *
 * What it implements (RFC 9112, the parts clients use): request line and header parsing with
 * token/field-value checks; duplicate headers folded as node:http does (a fixed set keeps the
 * first, others join with ", "); Content-Length and chunked bodies (both at once is refused);
 * `Expect: 100-continue`; keep-alive by version and `Connection`; pipelined requests answered in
 * order (one at a time per connection); HEAD without a body. Errors in the framing answer 400 (431
 * for a head over HTTP_HEAD_BYTES_MAX, 501 for an unknown transfer coding) and close the connection.
 *
 * Bounds (engine/limits.ts): the head ≤ HTTP_HEAD_BYTES_MAX; a body > REQUEST_BODY_BYTES_MAX is
 * refused with 413 as soon as Content-Length or the chunk sizes say so — never buffered whole — and
 * the connection closes; headers, whole requests and idle keep-alive connections time out (checked
 * by the server's sweep, not one timer per request). While a request is being answered, further
 * pipelined input is held, and reading pauses once more than one body's bound is held.
 *
 * Concurrency: everything runs on the event loop; a connection has at most one request in the
 * pipeline at a time, so responses cannot be reordered.
 */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { HTTP_HEAD_BYTES_MAX, REQUEST_BODY_BYTES_MAX } from '../limits.js';
import { flushWrites, queueWrite } from './deferred-writes.js';

export interface Http1Request {
  method: string;
  url: string;
  /** By lower-case name; duplicates folded as node:http folds them. */
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface Http1Response {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface ConnectionHandler {
  /** Answer one request. Must not reject (the pipeline never does). */
  request(request: Http1Request): Promise<Http1Response>;
  /** A refused body (413): the response headers to send; the connection closes after it. */
  tooLarge(): Record<string, string>;
  /** Whether responses should now close their connections (the server is shutting down). */
  closing(): boolean;
  /** The connection has gone (either side closed it, or it failed). */
  gone(connection: Http1Connection): void;
  /** One request began (head complete) / was answered: the server's in-flight count. */
  began(): void;
  ended(): void;
}

/** Headers of which node:http keeps only the first occurrence. */
const FIRST_WINS: ReadonlySet<string> = new Set([
  'age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since',
  'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after',
  'server', 'user-agent',
]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * Whether head bytes [start, end) hold, anywhere, a control character other than tab, or a CR or LF
 * that is not part of a CRLF line end — what /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n/
 * finds in the head's text (test/api/http1.test.ts holds the two equal). One pass over the bytes
 * before any string is made: that regex cost ~2 µs on an SDK's ~550-byte head (its lookarounds are
 * tried at every position), a byte loop ~560 ns on the bench's ~420-byte head, and this ~270 ns: it
 * reads the aligned middle four bytes at a time and passes a word with no byte below 0x20 and none
 * equal to 0x7f (bit tricks that never miss such a byte, and may flag a word that has none); the
 * ends and every flagged word are checked byte by byte (badByte).
 */
export function headInvalid(input: Uint8Array, start: number, end: number): boolean {
  const base = input.byteOffset;
  const firstWord = Math.min(end, start + ((4 - ((base + start) & 3)) & 3));
  for (let i = start; i < firstWord; i++) if (badByte(input, i, start, end)) return true;
  const words = (end - firstWord) >>> 2;
  if (words > 0) {
    const view = new Uint32Array(input.buffer, base + firstWord, words);
    for (let k = 0; k < words; k++) {
      const w = view[k]!;
      const x = w ^ 0x7f7f7f7f;
      if ((((w - 0x20202020) & ~w) | ((x - 0x01010101) & ~x)) & 0x80808080) {
        const at = firstWord + 4 * k;
        for (let i = at; i < at + 4; i++) if (badByte(input, i, start, end)) return true;
      }
    }
  }
  for (let i = firstWord + 4 * words; i < end; i++) if (badByte(input, i, start, end)) return true;
  return false;
}

/** Whether input[i] is what headInvalid looks for: a control other than tab, a CR without its LF, an LF without its CR. */
function badByte(input: Uint8Array, i: number, start: number, end: number): boolean {
  const c = input[i]!;
  if ((c >= 0x20 && c !== 0x7f) || c === 0x09) return false;
  if (c === 0x0d) return !(i + 1 < end && input[i + 1] === 0x0a);
  if (c === 0x0a) return !(i > start && input[i - 1] === 0x0d);
  return true;
}
/** Header names as sent → lower-case, for names already checked to be tokens (bounded). */
const NAMES = new Map<string, string>();
const NAMES_MAX = 512;
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/1\.([01])$/;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
const CHUNK_SIZE_LINE_MAX = 1024;

/** The Date header, recomputed at most once a second. */
let dateSecond = -1;
let dateText = '';
function dateHeader(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/**
 * Turns off the stream layer's read-ahead for `socket`: after every chunk it delivers, a Readable
 * queues a process.nextTick (`maybeReadMore`) to call read(0) in case the reader has fallen below
 * its high-water mark. A socket in flowing mode never has: its handle reads continuously until
 * backpressure stops it, and a paused socket restarts reading through read() when resumed, not
 * through this tick. The tick is not free: in Node 20 it builds an object literal with symbol keys
 * through a runtime call, ~0.6 µs of the server's ~21 µs per PutItem (perf, bench:http), and the
 * bench's throughput rose ~5% without it (3 alternating pairs).
 *
 * How: `readingMore` set means "a read-ahead is already queued", so none is queued again. It is a
 * field of the stream's state, not public API, so it is set only where it exists and is false; where
 * it is not, nothing changes but the cost (test/api/http1.test.ts checks it takes effect on this
 * Node, and that paused, resumed and pipelined input still flows).
 */
function skipReadAhead(socket: Socket): void {
  const state = (socket as unknown as { _readableState?: { readingMore?: unknown } })._readableState;
  if (state !== undefined && state.readingMore === false) state.readingMore = true;
}

/** A framing error: answered with `status` and the connection closes. */
class FramingError extends Error {
  constructor(readonly status: number) {
    super(STATUS_CODES[status] ?? 'Bad Request');
  }
}

type Phase = 'head' | 'body' | 'chunked' | 'busy' | 'closed';

interface Pending {
  method: string;
  url: string;
  headers: Record<string, string>;
  keepAlive: boolean;
}

export class Http1Connection {
  #phase: Phase = 'head';
  /** Unparsed input (the head being read, pipelined requests, chunked framing). */
  #input: Buffer = Buffer.alloc(0);
  #request: Pending | undefined;
  /** Content-Length body being filled. */
  #body: Buffer | undefined;
  #bodyFilled = 0;
  /** Chunked body parts and their total. */
  #chunks: Buffer[] = [];
  #chunkedBytes = 0;
  /** Bytes of the current chunk's data still to come, and whether its closing CRLF is. */
  #chunkRemaining = 0;
  #chunkNeedsCrlf = false;
  /** Input that arrived while a request was being answered, joined once when it is parsed. */
  #held: Buffer[] = [];
  #heldBytes = 0;
  /** Clock ms at which the current request's head began; 0 when idle. */
  #requestStartMs = 0;
  #idleSinceMs: number;
  #paused = false;
  #peerEnded = false;

  constructor(
    readonly socket: Socket,
    private readonly handler: ConnectionHandler,
    private readonly now: () => number,
  ) {
    this.#idleSinceMs = now();
    socket.setNoDelay(true);
    skipReadAhead(socket);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => {
      this.#phase = 'closed';
      this.#endRequest();
      this.handler.gone(this);
    });
    // A client half-close ends the conversation once any in-flight response is written.
    socket.on('end', () => {
      this.#peerEnded = true;
      if (this.#phase !== 'busy') this.#close();
    });
  }

  /** Idle: between requests with nothing buffered (safe to close at shutdown). */
  get idle(): boolean {
    return this.#phase === 'head' && this.#input.length === 0;
  }

  /** Close a connection whose deadline has passed (headers, request, or keep-alive idle). */
  sweep(nowMs: number, limits: { headersMs: number; requestMs: number; keepAliveMs: number }): void {
    if (this.#phase === 'closed' || this.#phase === 'busy') return;
    if (this.#requestStartMs !== 0) {
      const age = nowMs - this.#requestStartMs;
      if ((this.#phase === 'head' && age > limits.headersMs) || age > limits.requestMs) this.#fail(408);
    } else if (nowMs - this.#idleSinceMs > limits.keepAliveMs) {
      this.destroy();
    }
  }

  /** Close now if idle; otherwise after the in-flight response. */
  closeIfIdle(): void {
    if (this.idle) this.destroy();
  }

  destroy(): void {
    flushWrites();
    this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.#phase === 'closed') return;
    if (this.#requestStartMs === 0) this.#requestStartMs = this.now();
    if (this.#phase === 'busy') {
      // Kept as a list: joining on every read would copy held input over and over.
      this.#held.push(chunk);
      this.#heldBytes += chunk.length;
      if (this.#heldBytes > REQUEST_BODY_BYTES_MAX + HTTP_HEAD_BYTES_MAX && !this.#paused) {
        this.#paused = true;
        this.socket.pause();
      }
      return;
    }
    this.#input = this.#input.length === 0 ? chunk : Buffer.concat([this.#input, chunk]);
    this.#advance();
  }

  /** Parse as far as the input allows; dispatches at most one request. */
  #advance(): void {
    try {
      while (this.#phase !== 'busy' && this.#phase !== 'closed' && this.#input.length > 0) {
        if (this.#phase === 'head' && !this.#readHead()) return;
        if (this.#phase === 'body' && !this.#readBody()) return;
        if (this.#phase === 'chunked' && !this.#readChunks()) return;
      }
    } catch (error) {
      if (error instanceof FramingError) this.#fail(error.status);
      else throw error;
    }
  }

  #readHead(): boolean {
    const input = this.#input;
    // Tolerate stray CRLFs between requests, as RFC 9112 §2.2 allows.
    let start = 0;
    while (start + 1 < input.length && input[start] === 13 && input[start + 1] === 10) start += 2;
    const end = input.indexOf(HEAD_END, start);
    if (end === -1) {
      if (input.length - start > HTTP_HEAD_BYTES_MAX) throw new FramingError(431);
      if (start > 0) this.#input = input.subarray(start);
      return false;
    }
    if (end - start > HTTP_HEAD_BYTES_MAX) throw new FramingError(431);
    this.#input = input.subarray(end + 4);
    if (headInvalid(input, start, end)) throw new FramingError(400);
    const head = input.toString('latin1', start, end);
    // Lines are found by indexOf, not split: no array and no string per line (~250 ns a request).
    const requestLineEnd = head.indexOf('\r\n');
    const match = REQUEST_LINE.exec(requestLineEnd === -1 ? head : head.slice(0, requestLineEnd));
    if (match === null) throw new FramingError(400);
    const headers: Record<string, string> = {};
    for (let p = requestLineEnd === -1 ? head.length : requestLineEnd + 2; p < head.length; ) {
      let lineEnd = head.indexOf('\r\n', p);
      if (lineEnd === -1) lineEnd = head.length;
      const colon = head.indexOf(':', p);
      if (colon <= p || colon >= lineEnd) throw new FramingError(400); // also obsolete line folding (leading space)
      const key = knownHeaderName(head, p, colon) ?? headerName(head.slice(p, colon));
      const value = head.slice(colon + 1, lineEnd).trim();
      p = lineEnd + 2;
      const previous = headers[key];
      if (previous === undefined) headers[key] = value;
      else if (key === 'content-length' && previous !== value) throw new FramingError(400);
      else if (!FIRST_WINS.has(key)) headers[key] = `${previous}, ${value}`;
    }
    const minor = match[3]!;
    const connection = headers['connection']?.toLowerCase();
    const keepAlive = minor === '1' ? !(connection !== undefined && /(^|,)\s*close\s*(,|$)/.test(connection)) : connection !== undefined && /(^|,)\s*keep-alive\s*(,|$)/.test(connection);
    this.#request = { method: match[1]!, url: match[2]!, headers, keepAlive };
    this.handler.began();
    const transferEncoding = headers['transfer-encoding'];
    const contentLength = headers['content-length'];
    if (transferEncoding !== undefined) {
      if (contentLength !== undefined) throw new FramingError(400);
      if (transferEncoding.toLowerCase() !== 'chunked') throw new FramingError(501);
      this.#continue(headers);
      this.#phase = 'chunked';
      this.#chunks = [];
      this.#chunkedBytes = 0;
      this.#chunkRemaining = 0;
      this.#chunkNeedsCrlf = false;
      return true;
    }
    if (contentLength === undefined || contentLength === '0') return this.#dispatch(Buffer.alloc(0));
    if (!/^\d{1,16}$/.test(contentLength)) throw new FramingError(400);
    const length = Number(contentLength);
    if (length > REQUEST_BODY_BYTES_MAX) {
      this.#refuse();
      return false;
    }
    // The usual case: the whole body is already here, in the same chunk as the head.
    if (this.#input.length >= length) {
      const body = this.#input.subarray(0, length);
      this.#input = this.#input.subarray(length);
      return this.#dispatch(body);
    }
    this.#continue(headers);
    this.#body = Buffer.allocUnsafe(length);
    this.#bodyFilled = 0;
    this.#phase = 'body';
    return true;
  }

  #readBody(): boolean {
    const body = this.#body!;
    const take = Math.min(body.length - this.#bodyFilled, this.#input.length);
    this.#input.copy(body, this.#bodyFilled, 0, take);
    this.#bodyFilled += take;
    this.#input = this.#input.subarray(take);
    if (this.#bodyFilled < body.length) return false;
    this.#body = undefined;
    return this.#dispatch(body);
  }

  /** Chunked framing: size line, data, CRLF … a zero chunk, optional trailers, CRLF. */
  #readChunks(): boolean {
    for (;;) {
      // A chunk's data is taken as it arrives, so a large chunk in many reads is copied once.
      if (this.#chunkRemaining > 0) {
        const take = Math.min(this.#chunkRemaining, this.#input.length);
        if (take === 0) return false;
        this.#chunks.push(this.#input.subarray(0, take));
        this.#chunkedBytes += take;
        this.#chunkRemaining -= take;
        this.#input = this.#input.subarray(take);
        if (this.#chunkRemaining > 0) return false;
        this.#chunkNeedsCrlf = true;
      }
      if (this.#chunkNeedsCrlf) {
        if (this.#input.length < 2) return false;
        if (this.#input[0] !== 13 || this.#input[1] !== 10) throw new FramingError(400);
        this.#input = this.#input.subarray(2);
        this.#chunkNeedsCrlf = false;
      }
      const input = this.#input;
      const lineEnd = input.indexOf('\r\n', 0, 'latin1');
      if (lineEnd === -1) {
        if (input.length > CHUNK_SIZE_LINE_MAX) throw new FramingError(400);
        return false;
      }
      const sizeText = input.toString('latin1', 0, lineEnd).split(';', 1)[0]!.trim();
      if (!/^[0-9A-Fa-f]{1,8}$/.test(sizeText)) throw new FramingError(400);
      const size = parseInt(sizeText, 16);
      if (size === 0) {
        // Trailers (ignored) end with an empty line.
        const trailersEnd = input.indexOf('\r\n\r\n', lineEnd, 'latin1');
        if (trailersEnd === -1) {
          if (input.length > HTTP_HEAD_BYTES_MAX) throw new FramingError(431);
          return false;
        }
        this.#input = input.subarray(trailersEnd + 4);
        const body = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#chunkedBytes);
        this.#chunks = [];
        return this.#dispatch(body);
      }
      if (this.#chunkedBytes + size > REQUEST_BODY_BYTES_MAX) {
        this.#refuse();
        return false;
      }
      this.#input = input.subarray(lineEnd + 2);
      this.#chunkRemaining = size;
    }
  }

  #continue(headers: Record<string, string>): void {
    if (headers['expect']?.toLowerCase() === '100-continue') queueWrite(this.socket, CONTINUE);
  }

  #dispatch(body: Uint8Array): boolean {
    const request = this.#request!;
    this.#phase = 'busy';
    void this.handler.request({ method: request.method, url: request.url, headers: request.headers, body }).then((response) => this.#respond(request, response));
    return true;
  }

  #respond(request: Pending, response: Http1Response): void {
    if (this.#phase === 'closed') return;
    const keepAlive = request.keepAlive && !this.handler.closing();
    // One clock reading serves the Date header and the idle deadline.
    const nowMs = this.now();
    const head = responseHead(response.statusCode, response.headers, keepAlive && !this.#peerEnded, nowMs);
    const body = request.method === 'HEAD' ? undefined : response.body;
    this.#write(head, body);
    this.#requestStartMs = 0;
    this.#idleSinceMs = nowMs;
    this.#endRequest();
    if (!keepAlive || this.#peerEnded) {
      this.#close();
      return;
    }
    this.#phase = 'head';
    if (this.#held.length > 0) {
      this.#input = Buffer.concat([this.#input, ...this.#held]);
      this.#held = [];
      this.#heldBytes = 0;
    }
    if (this.#paused) {
      this.#paused = false;
      this.socket.resume();
    }
    if (this.#input.length > 0) {
      this.#requestStartMs = this.now();
      this.#advance();
    } else if (this.handler.closing()) {
      this.#close();
    }
  }

  /** Refuse an oversized body with 413 and close without reading the rest. */
  #refuse(): void {
    const headers = this.handler.tooLarge();
    this.#write(responseHead(413, headers, false, this.now()), undefined);
    this.#endRequest();
    this.#close();
  }

  /** A framing error: a bare status response, then close. */
  #fail(status: number): void {
    this.#endRequest();
    const text = STATUS_CODES[status] ?? 'Error';
    this.#write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, undefined);
    this.#close();
  }

  /** The request in progress is over (answered, refused, or its connection gone): counted once. */
  #endRequest(): void {
    if (this.#request === undefined) return;
    this.#request = undefined;
    this.handler.ended();
  }

  #write(head: string, body: Uint8Array | undefined): void {
    if (this.socket.destroyed) return;
    const headBytes = head.length; // latin1: one byte per character
    const out = Buffer.allocUnsafe(headBytes + (body?.length ?? 0));
    out.write(head, 0, headBytes, 'latin1');
    if (body !== undefined) out.set(body, headBytes);
    queueWrite(this.socket, out);
  }

  /** Finish writing, then close; nothing more is read. */
  #close(): void {
    this.#phase = 'closed';
    this.#input = Buffer.alloc(0);
    this.#held = [];
    flushWrites();
    this.socket.end();
    // Unread input would otherwise keep the socket half-open; the peer sees a clean close.
    this.socket.once('finish', () => this.socket.destroy());
  }
}

/**
 * The lower-case name of the header whose name is head[start, colon), for the names DynamoDB
 * clients send, as the AWS SDKs (lower case) and most others (capitalised) spell them; undefined
 * for any other name or spelling (headerName then). Compares in place: no string is made and none
 * hashed.
 */
function knownHeaderName(head: string, start: number, colon: number): string | undefined {
  const candidates = KNOWN_HEADERS[colon - start];
  if (candidates === undefined) return undefined;
  for (const [spelling, name] of candidates) if (head.startsWith(spelling, start)) return name;
  return undefined;
}

/** By length: [spelling, lower-case name] pairs of the headers DynamoDB clients send. */
const KNOWN_HEADERS: (readonly (readonly [string, string])[] | undefined)[] = [];
for (const name of [
  'host', 'content-type', 'content-length', 'x-amz-target', 'x-amz-date', 'authorization', 'user-agent', 'x-amz-user-agent',
  'amz-sdk-invocation-id', 'amz-sdk-request', 'accept-encoding', 'content-encoding', 'x-amz-security-token', 'x-amz-content-sha256',
  'connection', 'accept', 'expect', 'transfer-encoding',
]) {
  const capitalised = name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
  const list = (KNOWN_HEADERS[name.length] ??= []) as [string, string][];
  list.push([name, name], [capitalised, name]);
}

/** The lower-case name of a header name as sent; a FramingError when it is not a token. */
function headerName(name: string): string {
  const known = NAMES.get(name);
  if (known !== undefined) return known;
  if (!TOKEN.test(name)) throw new FramingError(400);
  const key = name.toLowerCase();
  if (NAMES.size < NAMES_MAX) NAMES.set(name, key);
  return key;
}

/** Status lines by status code, made on first use (no number-to-string per response). */
const STATUS_LINES = new Map<number, string>();

function responseHead(statusCode: number, headers: Record<string, string>, keepAlive: boolean, nowMs: number): string {
  let statusLine = STATUS_LINES.get(statusCode);
  if (statusLine === undefined) {
    statusLine = `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? 'Unknown'}\r\n`;
    STATUS_LINES.set(statusCode, statusLine);
  }
  let head = statusLine;
  for (const name in headers) head += `${name}: ${headers[name]!}\r\n`;
  head += `Date: ${dateHeader(nowMs)}\r\n`;
  head += keepAlive ? 'Connection: keep-alive\r\n\r\n' : 'Connection: close\r\n\r\n';
  return head;
}
