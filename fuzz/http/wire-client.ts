/**
 * A lean raw HTTP/1.1 client for hostile requests: it writes exactly the bytes it is given (any
 * method, header set, declared Content-Length) on keep-alive sockets and parses responses by
 * Content-Length. One request at a time per connection; a connection the server closed (after a
 * 413, or a `Connection: close`) is replaced on the next request. A connection that fails or closes
 * before the response is complete answers status 0, which the oracle reports as a dropped connection.
 */
import * as net from 'node:net';
import type { WireResponse } from './oracle.js';

const HEADER_END = Buffer.from('\r\n\r\n');

export class WireConnection {
  readonly #host: string;
  readonly #port: number;
  #socket: net.Socket | undefined;
  #pending: ((response: WireResponse) => void) | undefined;
  #buffer: Buffer = Buffer.alloc(0);

  constructor(host: string, port: number) {
    this.#host = host;
    this.#port = port;
  }

  get hostHeader(): string {
    return `${this.#host}:${this.#port}`;
  }

  async #connect(): Promise<net.Socket> {
    if (this.#socket !== undefined && !this.#socket.destroyed) return this.#socket;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(this.#port, this.#host);
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    socket.setNoDelay(true);
    this.#buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => this.#receive(socket, chunk));
    // Writes into a socket the server has closed fail with EPIPE/ECONNRESET: that is a closed connection.
    socket.on('error', (error) => this.#finish(socket, { status: 0, headers: {}, body: Buffer.from(`socket error: ${error.message}`) }));
    socket.on('close', () => this.#finish(socket, { status: 0, headers: {}, body: Buffer.from('connection closed before the response') }));
    this.#socket = socket;
    return socket;
  }

  /** Requests re-sent on a fresh connection after a reused one failed (see `request`). */
  retries = 0;

  /**
   * Sends one request (the caller awaits each before the next on this connection). When a reused
   * keep-alive connection fails before any response, the server may have closed it as idle just as
   * the request went out (a race every HTTP client handles by retrying on a new connection): the
   * request is sent once more on a fresh connection, and only that answer counts.
   */
  async request(method: string, headers: Record<string, string>, body: Buffer, declaredLength?: number): Promise<WireResponse> {
    const reused = this.#socket !== undefined && !this.#socket.destroyed;
    const response = await this.#send(method, headers, body, declaredLength);
    if (response.status !== 0 || !reused) return response;
    this.retries++;
    return this.#send(method, headers, body, declaredLength);
  }

  async #send(method: string, headers: Record<string, string>, body: Buffer, declaredLength?: number): Promise<WireResponse> {
    const socket = await this.#connect();
    const lines = [`${method} / HTTP/1.1`, `Host: ${this.hostHeader}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    lines.push(`Content-Length: ${declaredLength ?? body.length}`, '', '');
    return new Promise<WireResponse>((resolve) => {
      this.#pending = resolve;
      socket.write(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
    });
  }

  #finish(socket: net.Socket, response: WireResponse): void {
    if (socket !== this.#socket) return;
    const pending = this.#pending;
    this.#pending = undefined;
    if (response.status === 0) {
      socket.destroy();
      this.#socket = undefined;
    }
    pending?.(response);
  }

  #receive(socket: net.Socket, chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const end = this.#buffer.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.#buffer.toString('latin1', 0, end).split('\r\n');
    const status = Number(head[0]!.slice(9, 12));
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 'NaN');
    if (!Number.isInteger(length)) {
      this.#finish(socket, { status: 0, headers, body: Buffer.from(`response without Content-Length: ${head[0]}`) });
      return;
    }
    if (this.#buffer.length < end + 4 + length) return;
    const body = Buffer.from(this.#buffer.subarray(end + 4, end + 4 + length));
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    const pending = this.#pending;
    this.#pending = undefined;
    if (headers['connection']?.toLowerCase() === 'close') {
      // The server closes after this response: the next request opens a new connection.
      this.#socket = undefined;
      socket.destroy();
    }
    pending?.({ status, headers, body });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }
}
