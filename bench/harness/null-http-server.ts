/**
 * The null HTTP target: node:http in this process answering canned DynamoDB-shaped JSON at once (no
 * parsing, no storage) — bench/http/bare-server.ts's answers, as an in-process server the harness
 * can start and stop. What the generator drives through it is the most it can drive over HTTP.
 * Concurrency: this thread's event loop; the generator runs in worker threads.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from '../../engine/api/crc32.js';

const GET_ITEM_TARGET = 'DynamoDB_20120810.GetItem';

function canned(json: unknown): { body: Buffer; headers: Record<string, string> } {
  const body = Buffer.from(JSON.stringify(json), 'utf8');
  return {
    body,
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'x-amzn-RequestId': 'NULL0000000000000000000000000000000000000000000000000',
      'x-amz-crc32': String(crc32(body)),
      'Content-Length': String(body.length),
    },
  };
}

const EMPTY = canned({});
const ITEM = canned({ Item: { pk: { S: 'user42' }, field0: { S: 'x'.repeat(100) } } });

export interface NullHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startNullHttpServer(): Promise<NullHttpServer> {
  const server = http.createServer((req, res) => {
    req.resume(); // the body is not needed: drain it so 'end' fires
    req.on('end', () => {
      const answer = req.headers['x-amz-target'] === GET_ITEM_TARGET ? ITEM : EMPTY;
      res.writeHead(200, answer.headers);
      res.end(answer.body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo; // a TCP listener: an AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
