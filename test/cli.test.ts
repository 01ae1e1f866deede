/**
 * The `silt` command line: help, version, flag parsing (Silt's names, DynamoDB Local's and
 * dynalite's aliases), usage errors (exit 2, message on stderr), healthcheck — through `main()` —
 * and one real process: `silt serve` built and spawned, probed by `silt healthcheck`, stopped by
 * SIGTERM with a clean exit.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main, parseServeArgs, type CliIo } from '../engine/cli.js';
import { startServer } from '../engine/api/server.js';
import { Database } from '../engine/database.js';

interface Captured {
  io: CliIo;
  stdout(): string;
  stderr(): string;
}

function capture(env: Record<string, string> = {}): Captured {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (text: string) => (out += text), isTTY: false }, stderr: { write: (text: string) => (err += text) }, env, cwd: '/srv/app' },
    stdout: () => out,
    stderr: () => err,
  };
}

describe('help and version', () => {
  it('--help, help and no arguments print usage with examples', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], []]) {
      const run = capture();
      expect(await main(argv, run.io)).toBe(0);
      expect(run.stdout()).toContain('Usage:');
      expect(run.stdout()).toContain('silt serve --in-memory --port 4567');
      expect(run.stderr()).toBe('');
    }
  });

  it('serve --help and healthcheck --help describe their flags', async () => {
    const serve = capture();
    expect(await main(['serve', '--help'], serve.io)).toBe(0);
    for (const flag of ['--port', '--host', '--path', '--in-memory', '--tls-cert', '--tls-key', '--auth', '--log-level', '-inMemory', '-dbPath']) {
      expect(serve.stdout()).toContain(flag);
    }
    const health = capture();
    expect(await main(['healthcheck', '--help'], health.io)).toBe(0);
    expect(health.stdout()).toContain('--timeout-ms');
  });

  it('--version prints the package version', async () => {
    const run = capture();
    expect(await main(['--version'], run.io)).toBe(0);
    const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
    expect(run.stdout()).toBe(`${version}\n`);
  });
});

describe('usage errors exit 2 with a message on stderr', () => {
  const cases: [string[], RegExp][] = [
    [['serve', '--bogus'], /Unknown option '--bogus'/],
    [['serve', '--port', 'abc'], /--port must be an integer from 0 to 65535, got 'abc'/],
    [['serve', '--port', '70000'], /--port must be an integer/],
    [['serve', '--port'], /--port/],
    [['serve', '--in-memory', '--path', 'x'], /--in-memory and --path are exclusive/],
    [['serve', '--tls-cert', 'cert.pem'], /--tls-cert and --tls-key go together/],
    [['serve', '--log-level', 'loud'], /--log-level must be one of error, warn, info, debug/],
    [['serve', '--sync', 'sometimes'], /--sync must be 'always' or 'none'/],
    [['serve', '--capacity', 'infinite'], /--capacity must be 'modelled' or 'unlimited', got 'infinite'/],
    [['serve', '--ssl'], /--tls-cert <file> --tls-key <file>/],
    [['serve', 'extra'], /Unexpected argument 'extra'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['healthcheck', '--port', '-1'], /--port|Unknown option/],
  ];
  for (const [argv, message] of cases) {
    it(argv.join(' '), async () => {
      const run = capture();
      expect(await main(argv, run.io)).toBe(2);
      expect(run.stderr()).toMatch(message);
      expect(run.stderr()).toMatch(/Run 'silt( serve| healthcheck)? --help' for usage\./);
      expect(run.stdout()).toBe('');
    });
  }
});

describe('serve flags', () => {
  it('defaults: port 8000 on 127.0.0.1, data in ./data/db', () => {
    expect(parseServeArgs([], '/srv/app')).toEqual({
      port: 8000,
      host: '127.0.0.1',
      path: '/srv/app/data/db',
      tls: undefined,
      authPath: undefined,
      region: 'us-east-1',
      sync: 'always',
      capacity: 'modelled',
      tableStatusDelayMs: 0,
      indexStatusDelayMs: 0,
      logLevel: 'info',
    });
  });

  it('--capacity unlimited turns the capacity model off', () => {
    expect(parseServeArgs(['--capacity', 'unlimited'], '/srv')).toMatchObject({ capacity: 'unlimited' });
  });

  it('takes DynamoDB Local\'s spellings', () => {
    expect(parseServeArgs(['-inMemory', '-port', '9000', '-sharedDb'], '/srv')).toMatchObject({ path: undefined, port: 9000 });
    expect(parseServeArgs(['-dbPath', 'db'], '/srv')).toMatchObject({ path: '/srv/db' });
  });

  it('takes dynalite\'s spellings', () => {
    expect(parseServeArgs(['--path', '/data', '--createTableMs', '50', '--deleteTableMs', '80', '--updateTableMs', '20', '--verbose'], '/srv')).toMatchObject({
      path: '/data',
      tableStatusDelayMs: 80,
      indexStatusDelayMs: 20,
      logLevel: 'debug',
    });
  });

  it('resolves files against the working directory', () => {
    expect(parseServeArgs(['--tls-cert', 'c.pem', '--tls-key', '/k.pem', '--auth', 'creds.json', '--host', '0.0.0.0', '--log-level', 'warn'], '/srv')).toMatchObject({
      tls: { certPath: '/srv/c.pem', keyPath: '/k.pem' },
      authPath: '/srv/creds.json',
      host: '0.0.0.0',
      logLevel: 'warn',
    });
  });

  it('a credentials file that cannot be read is a runtime failure (exit 1)', async () => {
    const run = capture();
    expect(await main(['serve', '--in-memory', '--port', '0', '--auth', '/nonexistent/credentials.json'], run.io)).toBe(1);
    expect(run.stderr()).toMatch(/cannot read credentials file \/nonexistent\/credentials\.json/);
  });
});

describe('healthcheck', () => {
  it('exits 0 against a healthy server and 1 when nothing answers', async () => {
    const db = await Database.open();
    const server = await startServer({ database: db, port: 0 });
    try {
      const healthy = capture();
      expect(await main(['healthcheck', '--port', String(server.port)], healthy.io)).toBe(0);
      expect(healthy.stdout()).toBe('healthy: dynamodb.us-east-1.amazonaws.com\n');
    } finally {
      await server.close();
      await db.close();
    }
    const down = capture();
    expect(await main(['healthcheck', '--port', String(server.port), '--timeout-ms', '1000'], down.io)).toBe(1);
    expect(down.stderr()).toMatch(/^silt: unhealthy: 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });
});

describe('a real `silt serve` process', () => {
  const root = resolve(import.meta.dirname, '..');
  // Inside the repository, so the built files resolve node_modules and package.json as dist/ does.
  const outDir = join(root, 'dist', `.cli-test-${process.pid}`);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('serves, answers healthcheck and stops cleanly on SIGTERM', async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    // Compile just the CLI's module graph (the rest of the project does not matter here). The exit
    // code is not checked: files other engineers are editing may not typecheck, and tsc still emits.
    await exec(process.execPath, [tsc, 'engine/cli.ts', '--outDir', outDir, '--rootDir', '.', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022', '--types', 'node', '--skipLibCheck'], root);
    const cli = join(outDir, 'engine', 'cli.js');
    expect(existsSync(cli)).toBe(true);

    const child = spawn(process.execPath, [cli, 'serve', '--in-memory', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = linesOf(child);
    const listening = JSON.parse(await lines.next()) as { level: string; msg: string; port: number; url: string };
    expect(listening).toMatchObject({ level: 'info', msg: 'listening', data: 'in memory' });

    const healthy = await exec(process.execPath, [cli, 'healthcheck', '--port', String(listening.port)], root);
    expect(healthy).toEqual({ code: 0, stdout: 'healthy: dynamodb.us-east-1.amazonaws.com\n', stderr: '' });

    const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    child.kill('SIGTERM');
    expect(JSON.parse(await lines.next())).toMatchObject({ msg: 'shutting down', signal: 'SIGTERM' });
    expect(JSON.parse(await lines.next())).toMatchObject({ msg: 'stopped' });
    expect(await exited).toBe(0);
    const down = await exec(process.execPath, [cli, 'healthcheck', '--port', String(listening.port), '--timeout-ms', '1000'], root);
    expect(down.code).toBe(1);
  });
});

function exec(command: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
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

/** Lines of a child's stdout, one at a time (fails with stderr if the process ends first). */
function linesOf(child: ChildProcessByStdio<null, Readable, Readable>): { next(): Promise<string> } {
  let buffer = '';
  let stderr = '';
  const waiting: ((line: string) => void)[] = [];
  const ready: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      const waiter = waiting.shift();
      if (waiter === undefined) ready.push(line);
      else waiter(line);
    }
  });
  return {
    next: () =>
      new Promise<string>((resolveLine, reject) => {
        const line = ready.shift();
        if (line !== undefined) return resolveLine(line);
        waiting.push(resolveLine);
        child.once('exit', () => reject(new Error(`silt exited before writing a line; stderr: ${stderr}`)));
      }),
  };
}
