/**
 * The HTTP/1.1 layer (engine/api/http1.ts) on raw sockets: framing that clients other than the AWS
 * SDK use (chunked bodies, Expect: 100-continue, pipelining, HTTP/1.0, HEAD), each framing error's
 * status, and the connection timeouts. Waits are on socket events, never on sleeps.
 */
import fc from 'fast-check';
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headInvalid, Http1Connection, type ConnectionHandler, type Http1Response } from '../../engine/api/http1.js';
import { HTTP_HEAD_BYTES_MAX } from '../../engine/limits.js';
import { dynamoHeaders, gateDescribeLimits, serveDatabase, type Served } from './helpers.js';

let served: Served;
let port: number;

beforeAll(async () => {
  served = await serveDatabase();
  port = served.server.port;
});
afterAll(async () => {
  await served.close();
});

interface Exchange {
  /** Everything the server sent until it closed the connection (or until `until` matched). */
  text: string;
  closed: boolean;
}

/** Sends `chunks` (one write each) and collects the answer until the server closes or `until` holds. */
function exchange(chunks: (string | Buffer)[], until?: (text: string) => boolean, toPort = port): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(toPort, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ text, closed });
    };
    socket.on('data', (data) => {
      text += data.toString('latin1');
      if (until?.(text)) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', (error) => (done ? undefined : reject(error)));
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}

function post(body: string, extra: Record<string, string> = {}, operation = 'ListTables'): string {
  const headers = { ...dynamoHeaders(operation), Host: '127.0.0.1', 'Content-Length': String(Buffer.byteLength(body)), ...extra };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `POST / HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Whether `text` ends with a whole response: its head, then as many body bytes as its Content-Length says. */
function responseComplete(text: string): boolean {
  const headEnd = text.lastIndexOf('\r\n\r\n');
  if (headEnd < 0) return false;
  const head = text.slice(text.lastIndexOf('HTTP/1.1 ', headEnd), headEnd);
  const length = /\r\ncontent-length: (\d+)/i.exec(head);
  return length !== null && text.length - (headEnd + 4) === Number(length[1]);
}

/** Count of complete responses in `text` (status lines). */
function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
}

/** A connection handler that answers with `request` and otherwise does nothing (`overrides` replace its parts). */
function handlerAnswering(request: ConnectionHandler['request'], overrides: Partial<ConnectionHandler> = {}): ConnectionHandler {
  return { request, tooLarge: () => ({}), closing: () => false, gone: () => undefined, began: () => undefined, ended: () => undefined, ...overrides };
}

function answerEmptyObject(): Promise<Http1Response> {
  return Promise.resolve({ statusCode: 200, headers: { 'Content-Length': '2' }, body: Buffer.from('{}') });
}

describe('framing', () => {
  it('answers pipelined requests in order on one connection', async () => {
    const one = post('{}');
    const { text } = await exchange([one + one + one], (t) => statuses(t).length === 3 && t.endsWith('}'));
    expect(statuses(text)).toEqual([200, 200, 200]);
    expect(text.match(/"TableNames":\[\]/g)).toHaveLength(3);
  });

  it('reads a request split across many writes, byte by byte', async () => {
    const request = post('{"Limit": 5}');
    const bytes = [...Buffer.from(request, 'latin1')].map((byte) => Buffer.from([byte]));
    const { text } = await exchange(bytes, (t) => t.endsWith('}'));
    expect(statuses(text)).toEqual([200]);
  });

  it('reads a chunked body, with chunk extensions and trailers', async () => {
    const head = Object.entries({ ...dynamoHeaders('ListTables'), Host: 'h', 'Transfer-Encoding': 'chunked' })
      .map(([name, value]) => `${name}: ${value}`)
      .join('\r\n');
    const chunked = `POST / HTTP/1.1\r\n${head}\r\n\r\n1;ext=1\r\n{\r\n2\r\n"L\r\na\r\nimit": 3 }\r\n0\r\nX-Trailer: yes\r\n\r\n`;
    const { text } = await exchange([chunked], (t) => t.endsWith('}'));
    expect(statuses(text)).toEqual([200]);
    expect(text).toContain('"TableNames":[]');
  });

  it('answers Expect: 100-continue before the body is sent', async () => {
    const body = '{}';
    const head = post(body, { Expect: '100-continue' }).slice(0, -body.length);
    const socket = net.connect(port, '127.0.0.1');
    const received: string[] = [];
    const answer = await new Promise<string>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (data) => {
        received.push(data.toString('latin1'));
        const all = received.join('');
        if (all === 'HTTP/1.1 100 Continue\r\n\r\n') socket.write(body);
        if (all.endsWith('}')) resolve(all);
      });
      socket.on('connect', () => socket.write(head));
    });
    socket.destroy();
    expect(answer.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n')).toBe(true);
  });

  it('HEAD gets the headers without a body', async () => {
    const { text, closed } = await exchange(['HEAD /health HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n']);
    expect(closed).toBe(true);
    expect(statuses(text)).toEqual([404]);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    expect(text).toMatch(/Content-Length: \d+/);
  });

  it('HTTP/1.0 closes after the response unless asked to keep alive', async () => {
    const plain = await exchange(['GET / HTTP/1.0\r\n\r\n']);
    expect(plain.closed).toBe(true);
    expect(plain.text).toContain('Connection: close');
    const kept = await exchange(['GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n']);
    expect(statuses(kept.text)).toEqual([200, 200]);
    expect(kept.closed).toBe(true);
  });

  it('Connection: close is honoured', async () => {
    const { text, closed } = await exchange([post('{}', { Connection: 'close' })]);
    expect(closed).toBe(true);
    expect(statuses(text)).toEqual([200]);
    expect(text).toContain('Connection: close');
  });

  it("a pipelined request's 100 Continue comes after the previous response, not before", async () => {
    const body = '{}';
    const second = post(body, { Expect: '100-continue' }).slice(0, -body.length);
    const socket = net.connect(port, '127.0.0.1');
    let all = '';
    const answer = await new Promise<string>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (data) => {
        all += data.toString('latin1');
        const seen = statuses(all);
        // A 100 before any 200 is the wrong order: stop there, the expectation below fails.
        if (seen[0] === 100) resolve(all);
        if (all.endsWith('HTTP/1.1 100 Continue\r\n\r\n')) socket.write(body);
        if (seen.filter((status) => status === 200).length === 2 && all.endsWith('}')) resolve(all);
      });
      socket.on('connect', () => socket.write(post(body) + second));
    });
    socket.destroy();
    expect(statuses(answer)).toEqual([200, 100, 200]);
  });

  it('a connection destroyed right after its answer is queued still sends the answer first', async () => {
    // The server's shutdown closes idle connections (closeIfIdle): one that has just been answered
    // is idle while its answer waits in deferred-writes.ts's queue.
    const server = net.createServer((socket) => {
      const connection: Http1Connection = new Http1Connection(
        socket,
        handlerAnswering(answerEmptyObject, { ended: () => queueMicrotask(() => connection.closeIfIdle()) }),
        () => 0,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { text, closed } = await exchange([post('{}')], undefined, (server.address() as net.AddressInfo).port);
      expect(closed).toBe(true);
      expect(statuses(text)).toEqual([200]);
      expect(text.endsWith('\r\n\r\n{}')).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('folds duplicate headers as node:http does: the first Content-Type wins', async () => {
    const request = post('{}').replace('\r\n\r\n', '\r\nContent-Type: text/plain\r\n\r\n');
    const { text } = await exchange([request], (t) => t.endsWith('}'));
    expect(statuses(text)).toEqual([200]);
  });
});

describe('header names', () => {
  /** The request of post(), its header names respelled by `spell`. */
  function spelled(spell: (name: string) => string, extra: Record<string, string> = {}): string {
    const headers = { ...dynamoHeaders('ListTables'), Host: '127.0.0.1', 'Content-Length': '2', ...extra };
    return `POST / HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${spell(name)}: ${value}`).join('\r\n')}\r\n\r\n{}`;
  }

  it('are matched whatever their case: lower (the AWS SDKs), capitalised, upper, mixed', async () => {
    const spellings = [(n: string) => n.toLowerCase(), (n: string) => n, (n: string) => n.toUpperCase(), (n: string) => [...n].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('')];
    for (const spell of spellings) {
      const { text } = await exchange([spelled(spell)], (t) => t.endsWith('}'));
      expect(statuses(text)).toEqual([200]);
      expect(text).toContain('"TableNames"');
    }
  });

  it('fold across spellings: the first Content-Type wins however either is spelled', async () => {
    // The answer is a 404 whose body is no JSON: wait for it by its Content-Length, not for a '}'
    // (which never came: each exchange waited out the 60 s keep-alive timeout).
    const plain = await exchange([spelled((n) => n, { 'Content-Type': 'text/plain' })], responseComplete);
    const request = spelled((n) => n).replace('Content-Type:', 'content-type: text/plain\r\nCONTENT-TYPE:');
    const { text } = await exchange([request], responseComplete);
    expect(statuses(text)).toEqual(statuses(plain.text));
    expect(statuses(text)).not.toEqual([200]);
  });
});

describe('large and held input', () => {
  it('reads one 4 MB chunk that arrives in a thousand writes (each byte copied once, not once per write)', async () => {
    const head = Object.entries({ ...dynamoHeaders('ListTables'), Host: 'h', 'Transfer-Encoding': 'chunked' })
      .map(([name, value]) => `${name}: ${value}`)
      .join('\r\n');
    const body = Buffer.from(`{${' '.repeat(4 * 1024 * 1024 - 2)}}`);
    const pieces: Buffer[] = [Buffer.from(`POST / HTTP/1.1\r\n${head}\r\n\r\n${body.length.toString(16)}\r\n`, 'latin1')];
    const step = Math.ceil(body.length / 1000);
    for (let offset = 0; offset < body.length; offset += step) pieces.push(body.subarray(offset, offset + step));
    pieces.push(Buffer.from('\r\n0\r\n\r\n', 'latin1'));
    const { text } = await exchange(pieces, (t) => t.endsWith('}'));
    expect(statuses(text)).toEqual([200]);
    expect(text).toContain('"TableNames":[]');
  });

  it('holds requests that arrive while one is answered, then answers them in order', async () => {
    const own = await serveDatabase();
    const { inside, release } = gateDescribeLimits(own.db, 7);
    try {
      const socket = net.connect(own.server.port, '127.0.0.1');
      let text = '';
      const done = new Promise<void>((resolve, reject) => {
        socket.on('data', (data) => {
          text += data.toString('latin1');
          if (statuses(text).length === 3 && text.endsWith('}')) resolve();
        });
        socket.on('error', reject);
      });
      await new Promise<void>((resolve) => socket.on('connect', resolve));
      socket.write(post('{}', {}, 'DescribeLimits'));
      await inside;
      // Two more requests, in small pieces, while the first is held inside the database.
      const more = Buffer.from(post('{"Limit": 1}') + post('{"Limit": 2}'), 'latin1');
      for (let offset = 0; offset < more.length; offset += 7) socket.write(more.subarray(offset, offset + 7));
      await new Promise<void>((resolve) => socket.write('', () => resolve()));
      expect(statuses(text)).toEqual([]);
      release();
      await done;
      socket.destroy();
      expect(statuses(text)).toEqual([200, 200, 200]);
      expect(text.indexOf('AccountMaxReadCapacityUnits')).toBeLessThan(text.indexOf('TableNames'));
    } finally {
      await own.close();
    }
  });
});

describe('read-ahead (skipReadAhead)', () => {
  it("is off on the server's sockets: no read(0) tick is queued after each chunk", async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => {
      sockets.push(socket);
      new Http1Connection(
        socket,
        handlerAnswering(answerEmptyObject),
        () => 0,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { text } = await exchange([post('{}'), post('{}')], (t) => statuses(t).length === 2 && t.endsWith('{}'), (server.address() as net.AddressInfo).port);
      expect(statuses(text)).toEqual([200, 200]);
      // Without the switch the flag is set only while a tick is queued, and that tick has run by now.
      const state = (sockets[0] as unknown as { _readableState: { readingMore: boolean } })._readableState;
      expect(state.readingMore).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a connection paused for holding too much input resumes and answers everything, in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let paused!: () => void;
    const pausedOnce = new Promise<void>((resolve) => (paused = resolve));
    let answered = 0;
    const server = net.createServer((socket) => {
      socket.once('pause', paused);
      new Http1Connection(
        socket,
        handlerAnswering(async (request) => {
          if (answered++ === 0) {
            entered();
            await gate;
          }
          const body = Buffer.from(String(request.body.length));
          return { statusCode: 200, headers: { 'Content-Length': String(body.length) }, body };
        }),
        () => 0,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
      let text = '';
      const large = `{${' '.repeat(9 * 1024 * 1024)}}`;
      const done = new Promise<void>((resolve, reject) => {
        socket.on('data', (data) => {
          text += data.toString('latin1');
          if (statuses(text).length === 3 && text.endsWith(String(large.length))) resolve();
        });
        socket.on('error', reject);
      });
      await new Promise<void>((resolve) => socket.on('connect', resolve));
      socket.write(post('{}'));
      await inside;
      // More than REQUEST_BODY_BYTES_MAX + HTTP_HEAD_BYTES_MAX held: the connection pauses reading.
      socket.write(post(large));
      socket.write(post(large));
      await pausedOnce;
      expect(statuses(text)).toEqual([]);
      release();
      await done;
      socket.destroy();
      expect(statuses(text)).toEqual([200, 200, 200]);
      expect(text.split('\r\n\r\n').slice(1).map((part) => part.split('HTTP/1.1')[0])).toEqual(['2', String(large.length), String(large.length)]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('headInvalid', () => {
  /** Its definition: what the head's text must not contain. */
  const INVALID = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n/;
  it('finds exactly what the regex finds in the head text, at any offset', () => {
    const byte = fc.oneof(fc.constantFrom(0x0d, 0x0a, 0x09, 0x20, 0x41, 0x7f, 0x00, 0x80, 0xff), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      // `shift`: the head's bytes may start anywhere in their buffer (headInvalid reads aligned words).
      fc.property(fc.array(byte, { maxLength: 40 }), fc.nat(3), fc.nat(3), fc.nat(3), (bytes, before, after, shift) => {
        const input = Uint8Array.from([...new Array<number>(shift).fill(0x41), ...new Array<number>(before).fill(0x0a), ...bytes, ...new Array<number>(after).fill(0x0d)]).subarray(shift);
        const text = Buffer.from(bytes).toString('latin1');
        expect(headInvalid(input, before, before + bytes.length)).toBe(INVALID.test(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('accepts tabs, obs-text and CRLF line ends', () => {
    const head = Buffer.from('GET / HTTP/1.1\r\nX-A: a\tb\xe9\r\nX-B: c', 'latin1');
    expect(headInvalid(head, 0, head.length)).toBe(false);
  });
});

describe('framing errors answer and close', () => {
  const cases: [string, string, number][] = [
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400],
    ['an unsupported HTTP version', 'GET / HTTP/2.0\r\n\r\n', 400],
    ['a header without a colon', 'GET / HTTP/1.1\r\nNoColon\r\n\r\n', 400],
    ['obsolete line folding', 'GET / HTTP/1.1\r\nX-A: 1\r\n continued\r\n\r\n', 400],
    ['a header name that is not a token', 'GET / HTTP/1.1\r\nBad Name: 1\r\n\r\n', 400],
    ['a control character in a value', 'GET / HTTP/1.1\r\nX-A: a\x01b\r\n\r\n', 400],
    ['a NUL in a value', 'GET / HTTP/1.1\r\nX-A: a\x00b\r\n\r\n', 400],
    ['a DEL in a value', 'GET / HTTP/1.1\r\nX-A: a\x7fb\r\n\r\n', 400],
    ['a bare LF in a value', 'GET / HTTP/1.1\r\nX-A: a\nb\r\n\r\n', 400],
    ['a bare CR in a value', 'GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n', 400],
    ['a bare CR ending the head', 'GET / HTTP/1.1\r\nX-A: a\r\r\n\r\n', 400],
    ['a non-numeric Content-Length', 'POST / HTTP/1.1\r\nContent-Length: 12a\r\n\r\n', 400],
    ['conflicting Content-Lengths', 'POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 400],
    ['both Content-Length and Transfer-Encoding', 'POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}', 400],
    ['an unknown transfer coding', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 501],
    ['a bad chunk size', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
    ['a chunk without its CRLF', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n', 400],
  ];
  for (const [name, request, status] of cases) {
    it(name, async () => {
      const { text, closed } = await exchange([request]);
      expect(statuses(text)).toEqual([status]);
      expect(closed).toBe(true);
    });
  }

  it('a head over the bound is 431', async () => {
    const { text, closed } = await exchange([`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(HTTP_HEAD_BYTES_MAX)}\r\n`]);
    expect(statuses(text)).toEqual([431]);
    expect(closed).toBe(true);
  });

  it('a chunked body declaring more than 16 MB is 413 before it is sent', async () => {
    const { text, closed } = await exchange(['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFF\r\n']);
    expect(statuses(text)).toEqual([413]);
    expect(closed).toBe(true);
  });

  it('the server keeps serving after every framing error', async () => {
    const { text } = await exchange([post('{}')], (t) => t.endsWith('}'));
    expect(statuses(text)).toEqual([200]);
    expect(served.server.inFlight).toBe(0);
  });
});

describe('timeouts', () => {
  it('a head that never completes is answered 408 and closed; an idle connection is closed', async () => {
    const own = await serveDatabase({ timeouts: { headersMs: 40, requestMs: 80, keepAliveMs: 30 } });
    try {
      const slow = await exchange(['POST / HTTP/1.1\r\nHost: h\r\n'], undefined, own.server.port);
      expect(statuses(slow.text)).toEqual([408]);
      expect(slow.closed).toBe(true);
      const slowBody = await exchange([post('{}').slice(0, -1)], undefined, own.server.port);
      expect(statuses(slowBody.text)).toEqual([408]);
      // Answered, then left idle: the keep-alive timeout closes it.
      const idle = await exchange([post('{}')], undefined, own.server.port);
      expect(statuses(idle.text)).toEqual([200]);
      expect(idle.closed).toBe(true);
      expect(own.server.inFlight).toBe(0);
    } finally {
      await own.close();
    }
  });
});

describe('TLS', () => {
  it('serves the same protocol over HTTPS (a self-signed certificate from test/api/fixtures)', async () => {
    const { readFileSync } = await import('node:fs');
    const https = await import('node:https');
    const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
    const cert = fixture('tls-cert.pem');
    const own = await serveDatabase({ tls: { cert, key: fixture('tls-key.pem') } });
    try {
      expect(own.server.url.startsWith('https://')).toBe(true);
      const agent = new https.Agent({ ca: cert, keepAlive: true, maxSockets: 1 });
      const call = (): Promise<{ status: number; body: string; reused: boolean }> =>
        new Promise((resolve, reject) => {
          const req = https.request(own.server.url, { method: 'POST', agent, headers: dynamoHeaders('ListTables') }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, reused: req.reusedSocket }));
          });
          req.on('error', reject);
          req.end('{}');
        });
      const first = await call();
      const second = await call();
      agent.destroy();
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(JSON.parse(second.body)).toEqual({ TableNames: [] });
      expect(second.reused).toBe(true);
    } finally {
      await own.close();
    }
  });
});
