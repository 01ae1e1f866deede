/**
 * The servers under test, each in its own process (child_process.spawn of node), so that the
 * server's CPU time is measured apart from the client's:
 *
 *   silt      the real `silt serve --in-memory --capacity unlimited --port 0` (engine/cli.js; no
 *             capacity model, as dynalite has none), port read from its
 *             `listening` log line; with `auth`, `--auth <credentials file>` (full SigV4 checks)
 *   dynalite  bench/http/dynalite-server.js: dynalite's createServer(), in memory
 *   bare      bench/http/bare-server.js: node:http answering canned JSON (with `raw`: a raw TCP
 *             server answering the same, several times cheaper — `silt bench`'s null HTTP target)
 *
 * Every child runs with bench/http/cpu-probe.js preloaded and an IPC channel, through which it
 * reports its CPU time (process.cpuUsage) and records CPU profiles on request.
 *
 * Lifetime: every child spawned is registered until it exits; `stop()` sends SIGTERM and SIGKILLs
 * after STOP_GRACE_MS; `killAllTargets()` SIGKILLs whatever is left and runs on this process's exit.
 * A child whose parent dies stops itself (cpu-probe.js). Scripts are resolved next to this module,
 * so it works from dist/ and from any compiled copy of the tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProbeRequest } from './cpu-probe.js';

export const TARGET_NAMES = ['silt', 'dynalite', 'bare'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface TargetOptions {
  /** Silt only: verify SigV4 fully with a credentials file holding this key. */
  auth?: { accessKeyId: string; secretAccessKey: string };
  /** Extra node flags for the child (e.g. --max-semi-space-size). */
  nodeArgs?: readonly string[];
  /** Bare only: frame requests on raw TCP instead of node:http (the generator self-check's null target). */
  raw?: boolean;
}

export interface CpuUsage {
  userUs: number;
  systemUs: number;
}

export interface ServerProcess {
  readonly name: TargetName;
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** CPU time the server process has used so far, in user space and in the kernel. */
  cpuUsage(): Promise<CpuUsage>;
  startProfile(): Promise<void>;
  stopProfile(): Promise<Profiler.Profile>;
  /** SIGTERM, then SIGKILL after STOP_GRACE_MS; resolves once the process has exited. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const PROBE_TIMEOUT_MS = 30_000;
/** Lines of a child's output kept for error messages. */
const OUTPUT_LINES_KEPT = 40;

const alive = new Set<ChildProcess>();
let exitHookInstalled = false;

/** SIGKILLs every child still running (synchronous: safe in an 'exit' handler). */
export function killAllTargets(): void {
  for (const child of alive) child.kill('SIGKILL');
  alive.clear();
}

function here(file: string): string {
  return fileURLToPath(new URL(file, import.meta.url));
}

function commandFor(name: TargetName, credentialsPath: string | undefined, raw: boolean): string[] {
  switch (name) {
    case 'silt':
      return [here('../../engine/cli.js'), 'serve', '--in-memory', '--capacity', 'unlimited', '--port', '0', '--host', HOST, '--log-level', 'info', ...(credentialsPath === undefined ? [] : ['--auth', credentialsPath])];
    case 'dynalite':
      return [here('./dynalite-server.js')];
    case 'bare':
      return [here('./bare-server.js'), ...(raw ? ['--raw'] : [])];
  }
}

export async function startTarget(name: TargetName, options: TargetOptions = {}): Promise<ServerProcess> {
  if (!exitHookInstalled) {
    process.once('exit', killAllTargets);
    exitHookInstalled = true;
  }
  let credentialsDir: string | undefined;
  let credentialsPath: string | undefined;
  if (options.auth !== undefined && name === 'silt') {
    credentialsDir = mkdtempSync(join(os.tmpdir(), 'silt-http-bench-'));
    credentialsPath = join(credentialsDir, 'credentials.json');
    writeFileSync(credentialsPath, JSON.stringify({ [options.auth.accessKeyId]: options.auth.secretAccessKey }));
  }
  const args = [...(options.nodeArgs ?? []), '--import', here('./cpu-probe.js'), ...commandFor(name, credentialsPath, options.raw === true)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  alive.add(child);
  const { stdout, stderr } = child;
  if (stdout === null || stderr === null) throw new Error('spawned with piped stdout and stderr, yet they are missing');
  const output: string[] = [];
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      alive.delete(child);
      if (credentialsDir !== undefined) rmSync(credentialsDir, { recursive: true, force: true });
      resolve();
    }),
  );

  // Replies to probe requests, by id.
  const pending = new Map<number, { resolve: (reply: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let portFromIpc: ((port: number) => void) | undefined;
  child.on('message', (message: Record<string, unknown>) => {
    if (message['kind'] === 'listening' && typeof message['port'] === 'number') {
      portFromIpc?.(message['port']);
      return;
    }
    const waiter = pending.get(message['id'] as number);
    if (waiter === undefined) return;
    pending.delete(message['id'] as number);
    if (message['kind'] === 'error') waiter.reject(new Error(`${name} probe: ${String(message['message'])}`));
    else waiter.resolve(message);
  });
  void exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${name} exited`));
    pending.clear();
  });
  const ask = (kind: ProbeRequest['kind']): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      if (!alive.has(child)) {
        reject(new Error(`${name} is not running`));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${name} probe: no answer to ${kind} in ${PROBE_TIMEOUT_MS} ms`));
      }, PROBE_TIMEOUT_MS);
      pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.send({ id, kind } satisfies ProbeRequest);
    });

  const port = await new Promise<number>((resolve, reject) => {
    const fail = (why: string): void => reject(new Error(`${name} did not start: ${why}\n${output.join('\n')}`));
    const timer = setTimeout(() => fail(`no port after ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const done = (value: number): void => {
      clearTimeout(timer);
      resolve(value);
    };
    portFromIpc = done;
    void exited.then(() => {
      clearTimeout(timer);
      fail(`exited with ${String(child.exitCode ?? child.signalCode)}`);
    });
    let partial = '';
    const keep = (line: string): void => {
      output.push(line);
      if (output.length > OUTPUT_LINES_KEPT) output.shift();
    };
    stderr.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n')) if (line !== '') keep(line);
    });
    // Silt logs JSON lines; the `listening` one carries the port. Keep reading so the pipe never fills.
    stdout.setEncoding('utf8').on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        keep(line);
        if (!line.includes('"listening"')) continue;
        const parsed = JSON.parse(line) as { msg?: unknown; port?: unknown };
        if (parsed.msg === 'listening' && typeof parsed.port === 'number') done(parsed.port);
      }
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });

  let stopping: Promise<void> | undefined;
  return {
    name,
    url: `http://${HOST}:${port}`,
    host: HOST,
    port,
    pid: child.pid!, // spawned and answered: it has a pid
    async cpuUsage() {
      const reply = await ask('cpu');
      return { userUs: reply['userUs'] as number, systemUs: reply['systemUs'] as number };
    },
    async startProfile() {
      await ask('profile-start');
    },
    async stopProfile() {
      const reply = await ask('profile-stop');
      return reply['profile'] as Profiler.Profile;
    },
    stop() {
      stopping ??= (async () => {
        if (!alive.has(child)) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
