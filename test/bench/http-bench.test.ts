/**
 * The HTTP benchmark harness: its request signer against the server's own SigV4 verification
 * (engine/api/auth.ts), and a tiny run of the real command path — compiled, Silt and the bare
 * server spawned as processes, Silt verifying every signature (--auth) — checking the report's
 * structure: every row present, no errors, CPU per request measured, ratios and targets computed.
 * Never timings. dynalite is left out to keep CI light.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Authenticator, type Credentials } from '../../engine/api/auth.js';
import { ProtocolError } from '../../engine/api/protocol-error.js';
import { ManualClock } from '../../engine/util/clock.js';
import { RequestSigner } from '../../bench/http/client.js';
import type { HttpBenchReport } from '../../bench/http/http-bench.js';

const KEY = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test/secret/0123456789' };
const HOST = '127.0.0.1:8000';
const NOW_MS = Date.UTC(2026, 0, 2, 3, 4, 5);

function verify(authenticator: Authenticator, target: string, date: string, authorization: string, body: string): void {
  authenticator.check({
    method: 'POST',
    url: '/',
    headers: { host: HOST, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target, 'x-amz-date': date, authorization },
    body: Buffer.from(body, 'utf8'),
  });
}

describe('RequestSigner', () => {
  const credentials: Credentials = new Map([[KEY.accessKeyId, { secretAccessKey: KEY.secretAccessKey }]]);

  it('signs requests the server verifies, across seconds, days and targets, and only those bytes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('DynamoDB_20120810.PutItem', 'DynamoDB_20120810.GetItem'),
        fc.string({ maxLength: 200 }),
        fc.integer({ min: 0, max: 3 * 86_400_000 }),
        (target, body, offsetMs) => {
          const signer = new RequestSigner(KEY, 'us-east-1', HOST);
          const atMs = NOW_MS + offsetMs;
          const authenticator = new Authenticator({ credentials, clock: new ManualClock(atMs) });
          // Twice: the second signature reuses the cached canonical prefix.
          for (let i = 0; i < 2; i++) {
            const authorization = signer.sign(target, body, atMs);
            verify(authenticator, target, signer.date, authorization, body);
            expect(() => verify(authenticator, target, signer.date, authorization, `${body} `)).toThrow(ProtocolError);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('npm run bench:http, tiny', () => {
  const root = resolve(import.meta.dirname, '../..');
  // Inside the repository, so the compiled files resolve node_modules as dist/ does.
  const outDir = join(root, 'dist', `.http-bench-test-${process.pid}`);
  const tmp = mkdtempSync(join(os.tmpdir(), 'silt-http-bench-test-'));
  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  });

  it('runs Silt (verifying signatures) and the bare server and reports every row, ratio and target', async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const entries = ['bench/http/http-bench.ts', 'bench/http/bare-server.ts', 'bench/http/cpu-probe.ts', 'engine/cli.ts'];
    // The exit code is not checked: files other engineers are editing may not typecheck; tsc still emits.
    await run(process.execPath, [tsc, ...entries, '--outDir', outDir, '--rootDir', '.', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022', '--types', 'node', '--skipLibCheck'], root);
    const bench = join(outDir, 'bench', 'http', 'http-bench.js');
    expect(existsSync(bench)).toBe(true);

    const json = join(tmp, 'report.json');
    const args = ['--targets', 'silt,bare', '--keys', '300', '--connections', '8', '--seconds', '0.3', '--warmup-seconds', '0.1', '--open-seconds', '0.3', '--auth', '--json', json];
    const result = await run(process.execPath, [bench, ...args], tmp);
    expect(result.stderr).not.toContain('http-bench:');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Targets');

    const report = JSON.parse(readFileSync(json, 'utf8')) as HttpBenchReport;
    expect(report.schema).toBe('silt-http-bench/1');
    expect(report.options.targets).toEqual(['silt', 'bare']);
    const keys = report.results.map((row) => `${row.target} ${row.operation} ${row.load}`);
    expect(keys).toEqual([
      'silt PutItem closed',
      'silt GetItem closed',
      'silt PutItem open',
      'silt GetItem open',
      'bare PutItem closed',
      'bare GetItem closed',
      'bare PutItem open',
      'bare GetItem open',
    ]);
    for (const row of report.results) {
      expect(row.firstError).toBeNull();
      expect(row.errors).toBe(0);
      expect(row.requests).toBeGreaterThan(0);
      expect(row.requestsPerSec).toBeGreaterThan(0);
      expect(row.serverCpuUsPerRequest).toBeGreaterThan(0);
      expect(row.clientCpuUsPerRequest).toBeGreaterThan(0);
      expect(row.latency!.p50Us).toBeLessThanOrEqual(row.latency!.p99Us);
      if (row.load === 'open') {
        // Same rate for both targets: half of Silt's closed-loop rate for the operation.
        const silt = report.results.find((r) => r.target === 'silt' && r.operation === row.operation && r.load === 'closed')!;
        expect(row.targetRatePerSec).toBe(Math.max(1, Math.round(silt.requestsPerSec / 2)));
      } else {
        expect(row.targetRatePerSec).toBeNull();
      }
    }
    for (const ratio of report.ratios) {
      expect(ratio.cpuSiltOverDynalite).toBeNull();
      expect(ratio.throughputSiltOverBare).toBeGreaterThan(0);
    }
    expect(report.targets).toHaveLength(6);
    for (const target of report.targets) {
      expect(target.status).toEqual(target.name.includes('dynalite') ? 'n/a' : expect.stringMatching(/^(PASS|MISS)$/));
    }
  });
});

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}
