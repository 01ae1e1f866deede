/**
 * dynalite, the Node DynamoDB reference implementation, in memory, as the HTTP benchmark's
 * comparison server: `createServer()` from its package with table status delays of 0 (so the
 * benchmark's CreateTable is ACTIVE at once), listening on a free loopback port that it tells the
 * parent over IPC.
 *
 *   node --import ./cpu-probe.js dynalite-server.js      (started by targets.ts)
 *
 * Single event loop; the process ends on SIGTERM (default action).
 */
import type * as http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS without type declarations: its export is `dynalite(options) → http.Server`.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => http.Server;

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => {
  process.send?.({ kind: 'listening', port: (server.address() as AddressInfo).port }); // a TCP listener: an AddressInfo
});
