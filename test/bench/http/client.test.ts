/**
 * bench/http/client.ts's SignedClient beyond plain HTTP to Silt (test/bench/http-bench.test.ts covers
 * the signer against the server's verification): temporary credentials (X-Amz-Security-Token,
 * signed) accepted by Silt's server configured with that token and refused without it; https
 * (TLS, a self-signed certificate from fixtures/ trusted through `ca`) with a signature the
 * server side verifies; and a connection the server closes is reopened for the next request.
 * Both transports (raw and node-http) where it matters.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, parseCredentials } from '../../../engine/api/auth.js';
import { startServer, type SiltServer } from '../../../engine/api/server.js';
import { Database } from '../../../engine/database.js';
import { SystemClock } from '../../../engine/util/clock.js';
import { SignedClient, type ClientOptions } from '../../../bench/http/client.js';

const KEY = { accessKeyId: 'ASIATEMP', secretAccessKey: 'temp/secret/0123456789', sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN==' };
const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

function send(client: SignedClient, operation: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => client.send(operation, JSON.stringify(body), (status, response) => resolve({ status, body: response.toString('utf8') })));
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))); // a TCP listener
}

describe('SignedClient with temporary credentials', () => {
  let database: Database;
  let server: SiltServer;
  beforeAll(async () => {
    database = await Database.open({ sync: 'none' });
    server = await startServer({ database, port: 0, credentials: parseCredentials(JSON.stringify({ [KEY.accessKeyId]: { secretAccessKey: KEY.secretAccessKey, sessionToken: KEY.sessionToken } })) });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  for (const transport of ['raw', 'node-http'] as const) {
    it(`${transport}: the session token is sent and signed; without it Silt refuses the key`, async () => {
      const options: ClientOptions = { url: server.url, region: 'us-east-1', connections: 2, transport, credentials: KEY };
      const client = await SignedClient.connect(options);
      const listed = await send(client, 'ListTables', {});
      client.close();
      expect(listed).toEqual({ status: 200, body: expect.stringContaining('TableNames') });
      const { sessionToken: _, ...withoutToken } = KEY;
      const bare = await SignedClient.connect({ ...options, credentials: withoutToken });
      const refused = await send(bare, 'ListTables', {});
      bare.close();
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('UnrecognizedClientException');
    });
  }
});

describe('SignedClient over https', () => {
  const seen: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  let server: https.Server;
  let port: number;
  const credentials = new Map([[KEY.accessKeyId, { secretAccessKey: KEY.secretAccessKey, sessionToken: KEY.sessionToken }]]);
  const authenticator = new Authenticator({ credentials, clock: new SystemClock() });

  beforeAll(async () => {
    server = https.createServer({ key: fixture('localhost-key.pem'), cert: fixture('localhost-cert.pem') }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push({ headers: req.headers, body: body.toString('utf8') });
        let answer = '{}';
        let status = 200;
        try {
          authenticator.check({ method: 'POST', url: req.url ?? '/', headers: req.headers, body });
        } catch (error) {
          status = 400;
          answer = JSON.stringify({ __type: 'InvalidSignatureException', message: String(error) });
        }
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': Buffer.byteLength(answer) });
        res.end(answer);
      });
    });
    port = await listen(server);
  });
  afterAll(() => {
    server?.closeAllConnections();
    server?.close();
  });

  for (const transport of ['raw', 'node-http'] as const) {
    it(`${transport}: TLS to a trusted certificate, signature verified on the other side`, async () => {
      seen.length = 0;
      const client = await SignedClient.connect({ url: `https://localhost:${port}`, region: 'eu-west-1', connections: 2, transport, credentials: KEY, ca: fixture('localhost-cert.pem') });
      const answers = await Promise.all([send(client, 'GetItem', { TableName: 't', Key: { pk: { S: 'a' } } }), send(client, 'PutItem', { TableName: 't', Item: { pk: { S: 'ü' } } })]);
      client.close();
      expect(answers).toEqual([
        { status: 200, body: '{}' },
        { status: 200, body: '{}' },
      ]);
      expect(seen.map((request) => request.headers['host'])).toEqual([`localhost:${port}`, `localhost:${port}`]);
      expect(seen.every((request) => request.headers['x-amz-security-token'] === KEY.sessionToken)).toBe(true);
    });
  }

  it('refuses a certificate it does not trust', async () => {
    await expect(SignedClient.connect({ url: `https://localhost:${port}`, region: 'eu-west-1', connections: 1, transport: 'raw', credentials: KEY })).rejects.toThrow(/self[- ]signed|certificate/i);
  });
});

describe('SignedClient (raw) when the server closes connections', () => {
  it('fails nothing it did not have to, and reopens the connection for the next request', async () => {
    let closes = 0;
    let closed: () => void = () => undefined;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        // Answer, then close the connection (as an idle timeout or a load balancer would).
        res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': 2, Connection: 'close' });
        res.end('{}');
      });
    });
    server.on('connection', (socket) =>
      socket.on('close', () => {
        closes++;
        closed();
      }),
    );
    const port = await listen(server);
    const client = await SignedClient.connect({ url: `http://127.0.0.1:${port}`, region: 'us-east-1', connections: 1, transport: 'raw', credentials: KEY });
    try {
      for (let i = 0; i < 3; i++) {
        const wasClosed = new Promise<void>((resolve) => (closed = resolve));
        expect(await send(client, 'ListTables', {})).toEqual({ status: 200, body: '{}' });
        await wasClosed;
        // Let the client see the close too (its 'end'/'close' events) before the next send.
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(closes).toBe(3);
    } finally {
      client.close();
      server.close();
    }
  });
});
