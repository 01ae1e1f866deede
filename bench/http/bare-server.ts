/**
 * The floor of the HTTP benchmark: a bare server that answers every request with canned
 * DynamoDB-shaped JSON (no parsing, no storage), with the headers a DynamoDB answer carries.
 *
 *   node --import ./cpu-probe.js bare-server.js          node:http (bench:http's `bare` target)
 *   node --import ./cpu-probe.js bare-server.js --raw    raw TCP (`silt bench`'s null HTTP target)
 *
 * (started by targets.ts; the port is told over IPC.)
 * node:http: what it serves per second is the most any Node server can serve through the same
 * client; Silt's throughput is compared with it. --raw: a `net` server that only frames requests
 * (header end, Content-Length) and writes a prebuilt response — a few µs per request, several times
 * cheaper than node:http, so that the generator's self-check measures the generator: on a shared
 * machine every µs the null server spends is taken from the generator's threads.
 *
 * GetItem gets a canned item of the benchmark's shape (16-byte key, 100-byte value), DescribeTable
 * an ACTIVE table; every other operation gets `{}`. Single event loop; the process ends on SIGTERM
 * (default action).
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { crc32 } from '../../engine/api/crc32.js';

const GET_ITEM_TARGET = 'DynamoDB_20120810.GetItem';
const DESCRIBE_TABLE_TARGET = 'DynamoDB_20120810.DescribeTable';

function cannedResponse(json: unknown): { body: Buffer; headers: Record<string, string> } {
  const body = Buffer.from(JSON.stringify(json), 'utf8');
  return {
    body,
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'x-amzn-RequestId': 'BARE0000000000000000000000000000000000000000000000000',
      'x-amz-crc32': String(crc32(body)),
      'Content-Length': String(body.length),
    },
  };
}

const EMPTY_RESPONSE = cannedResponse({});
const ITEM_RESPONSE = cannedResponse({ Item: { pk: { S: '0000000000000042' }, v: { S: 'x'.repeat(100) } } });
const TABLE_RESPONSE = cannedResponse({ Table: { TableName: 'bench', TableStatus: 'ACTIVE' } });

function answerTo(target: string | undefined): { body: Buffer; headers: Record<string, string> } {
  return target === GET_ITEM_TARGET ? ITEM_RESPONSE : target === DESCRIBE_TABLE_TARGET ? TABLE_RESPONSE : EMPTY_RESPONSE;
}

function nodeHttpServer(): net.Server {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const canned = answerTo(req.headers['x-amz-target'] as string | undefined);
      res.writeHead(200, canned.headers);
      res.end(canned.body);
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

/** The whole HTTP/1.1 response, bytes ready to write. */
function rawResponse(canned: { body: Buffer; headers: Record<string, string> }): Buffer {
  const head = `HTTP/1.1 200 OK\r\n${Object.entries(canned.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}Connection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), canned.body]);
}

const RAW_EMPTY = rawResponse(EMPTY_RESPONSE);
const RAW_ITEM = rawResponse(ITEM_RESPONSE);
const RAW_TABLE = rawResponse(TABLE_RESPONSE);
const HEADER_END = Buffer.from('\r\n\r\n');
const BAD_REQUEST = Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');

/** Frames requests by their header end and Content-Length; answers each with a prebuilt response. */
function rawServer(): net.Server {
  return net.createServer((socket) => {
    socket.setNoDelay(true);
    let pending: Buffer | undefined;
    socket.on('data', (chunk: Buffer) => {
      let data = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      pending = undefined;
      while (data.length > 0) {
        const headerEnd = data.indexOf(HEADER_END);
        if (headerEnd < 0) break;
        const head = data.toString('latin1', 0, headerEnd).toLowerCase();
        const at = head.indexOf('\r\ncontent-length:');
        const lineEnd = at < 0 ? -1 : head.indexOf('\r', at + 2);
        const length = at < 0 ? 0 : Number(head.slice(at + 17, lineEnd < 0 ? head.length : lineEnd));
        if (!Number.isSafeInteger(length) || length < 0 || head.includes('\r\ntransfer-encoding:')) {
          socket.end(BAD_REQUEST);
          return;
        }
        const total = headerEnd + 4 + length;
        if (data.length < total) break;
        const target = head.includes('dynamodb_20120810.getitem\r') ? RAW_ITEM : head.includes('dynamodb_20120810.describetable\r') ? RAW_TABLE : RAW_EMPTY;
        socket.write(target);
        data = data.subarray(total);
      }
      if (data.length > 0) pending = data;
    });
    socket.on('error', () => socket.destroy());
  });
}

const server = process.argv.includes('--raw') ? rawServer() : nodeHttpServer();
server.listen(0, '127.0.0.1', () => {
  process.send?.({ kind: 'listening', port: (server.address() as AddressInfo).port }); // a TCP listener: an AddressInfo
});
