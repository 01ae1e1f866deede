/**
 * The floor of the HTTP benchmark: a bare node:http server that reads each request body whole and
 * answers with canned DynamoDB-shaped JSON (no parsing, no storage), with the headers a DynamoDB
 * answer carries. What it serves per second on this machine is the most any Node server can
 * serve through the same client; Silt's throughput is compared with it.
 *
 *   node --import ./cpu-probe.js bare-server.js      (started by targets.ts; tells its port over IPC)
 *
 * GetItem gets a canned item of the benchmark's shape (16-byte key, 100-byte value), DescribeTable
 * an ACTIVE table; every other operation gets `{}`. Single event loop; the process ends on SIGTERM (default action).
 */
import * as http from 'node:http';
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

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const target = req.headers['x-amz-target'];
    const canned = target === GET_ITEM_TARGET ? ITEM_RESPONSE : target === DESCRIBE_TABLE_TARGET ? TABLE_RESPONSE : EMPTY_RESPONSE;
    res.writeHead(200, canned.headers);
    res.end(canned.body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ kind: 'listening', port: (server.address() as AddressInfo).port }); // a TCP listener: an AddressInfo
});
