/**
 * db-bench results: the row type, silt/other ratios, the project's performance targets, and the
 * text tables printed to stdout. Pure functions of the rows, so the smoke test can check them.
 */
import type { EngineName } from './adapters.js';
import type { LatencySummary } from './histogram.js';

export const WORKLOADS = ['fillseq', 'fillrandom', 'overwrite', 'readrandom', 'readmissing', 'seekrandom', 'readseq'] as const;
export type Workload = (typeof WORKLOADS)[number];
export const WRITE_WORKLOADS: readonly Workload[] = ['fillseq', 'fillrandom', 'overwrite'];
export const READ_WORKLOADS: readonly Workload[] = ['readrandom', 'readmissing', 'seekrandom', 'readseq'];

export interface ResultRow {
  workload: Workload;
  engine: EngineName;
  /** serial | batched | durable-1 | durable-<writers> for writes; sync | awaited | seek | scan for reads. */
  mode: string;
  ops: number;
  elapsedMs: number;
  opsPerSec: number;
  usPerOp: number;
  latency: LatencySummary | null;
}

export interface RatioRow {
  workload: Workload;
  mode: string;
  /** Silt's ops/s divided by the other engine's, same workload and mode; null when either is missing. */
  siltOverLeveldb: number | null;
  siltOverLmdb: number | null;
}

export interface TargetResult {
  id: string;
  description: string;
  measured: string;
  required: string;
  status: 'pass' | 'miss' | 'n/a';
}

export function makeRow(workload: Workload, engine: EngineName, mode: string, ops: number, elapsedMs: number, latency: LatencySummary | undefined): ResultRow {
  return {
    workload,
    engine,
    mode,
    ops,
    elapsedMs,
    opsPerSec: ops / (elapsedMs / 1000),
    usPerOp: (elapsedMs * 1000) / ops,
    latency: latency ?? null,
  };
}

function find(rows: readonly ResultRow[], workload: Workload, engine: EngineName, mode: string): ResultRow | undefined {
  return rows.find((row) => row.workload === workload && row.engine === engine && row.mode === mode);
}

export function computeRatios(rows: readonly ResultRow[]): RatioRow[] {
  const ratios: RatioRow[] = [];
  for (const silt of rows) {
    if (silt.engine !== 'silt') continue;
    const ratio = (other: EngineName): number | null => {
      const row = find(rows, silt.workload, other, silt.mode);
      return row === undefined ? null : silt.opsPerSec / row.opsPerSec;
    };
    ratios.push({ workload: silt.workload, mode: silt.mode, siltOverLeveldb: ratio('leveldb'), siltOverLmdb: ratio('lmdb') });
  }
  return ratios;
}

/** The storage engine's performance targets, judged on this run's rows. */
export function evaluateTargets(rows: readonly ResultRow[], durableWriters: number): TargetResult[] {
  const silt = (workload: Workload, mode: string): ResultRow | undefined => find(rows, workload, 'silt', mode);
  const rate = (row: ResultRow | undefined): string => (row === undefined ? 'n/a' : `${formatRate(row.opsPerSec)}/s`);
  const targets: TargetResult[] = [];
  const judge = (id: string, description: string, measured: string, required: string, ok: boolean | undefined): void => {
    targets.push({ id, description, measured, required, status: ok === undefined ? 'n/a' : ok ? 'pass' : 'miss' });
  };

  const readSilt = silt('readrandom', 'sync');
  const readLevel = find(rows, 'readrandom', 'leveldb', 'sync');
  const readLmdb = find(rows, 'readrandom', 'lmdb', 'sync');
  judge(
    'readrandom-vs-leveldb',
    'readrandom (sync get) ≥ 2× classic-level getSync',
    readSilt && readLevel ? `${formatRatio(readSilt.opsPerSec / readLevel.opsPerSec)} (${rate(readSilt)} vs ${rate(readLevel)})` : 'n/a',
    '≥ 2.00×',
    readSilt && readLevel ? readSilt.opsPerSec >= 2 * readLevel.opsPerSec : undefined,
  );
  judge(
    'readrandom-vs-lmdb',
    'readrandom (sync get) ≥ lmdb get',
    readSilt && readLmdb ? `${formatRatio(readSilt.opsPerSec / readLmdb.opsPerSec)} (${rate(readSilt)} vs ${rate(readLmdb)})` : 'n/a',
    '≥ 1.00×',
    readSilt && readLmdb ? readSilt.opsPerSec >= readLmdb.opsPerSec : undefined,
  );
  const batched = silt('fillrandom', 'batched');
  judge('fillrandom-batched', 'fillrandom, batches of 100, sync none', rate(batched), '≥ 280,000/s', batched ? batched.opsPerSec >= 280_000 : undefined);
  const serial = silt('fillrandom', 'serial');
  judge('fillrandom-serial', 'fillrandom, one awaited put at a time, sync none', rate(serial), '≥ 120,000/s', serial ? serial.opsPerSec >= 120_000 : undefined);
  const scan = silt('readseq', 'scan');
  judge('readseq', 'readseq, full forward scan', rate(scan), '≥ 1,000,000 entries/s', scan ? scan.opsPerSec >= 1_000_000 : undefined);
  const one = silt('fillrandom', 'durable-1');
  const many = silt('fillrandom', `durable-${durableWriters}`);
  judge(
    'durable-scaling',
    `fillrandom durable: ${durableWriters} writers ≥ 10× one writer`,
    one && many ? `${formatRatio(many.opsPerSec / one.opsPerSec)} (${rate(many)} vs ${rate(one)})` : 'n/a',
    '≥ 10.00×',
    one && many ? many.opsPerSec >= 10 * one.opsPerSec : undefined,
  );
  const p99 = many?.latency?.p99Us;
  judge(
    'durable-p99',
    `fillrandom durable, ${durableWriters} writers: p99 put latency`,
    p99 === undefined ? 'n/a' : `${formatMicros(p99)} µs`,
    '≤ 2,000 µs',
    p99 === undefined ? undefined : p99 <= 2000,
  );
  return targets;
}

// ---- text -----------------------------------------------------------------------------------------

export function formatRate(opsPerSec: number): string {
  return Math.round(opsPerSec).toLocaleString('en-US');
}

export function formatMicros(us: number): string {
  if (us >= 1000) return Math.round(us).toLocaleString('en-US');
  if (us >= 100) return us.toFixed(0);
  if (us >= 10) return us.toFixed(1);
  return us.toFixed(2);
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

function table(header: readonly string[], body: readonly (readonly string[])[], rightAligned: readonly boolean[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...body.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (rightAligned[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

const MODE_ORDER = ['serial', 'batched', 'durable-1', 'sync', 'awaited', 'seek', 'scan'];

function modeRank(mode: string): number {
  const index = MODE_ORDER.indexOf(mode);
  return index >= 0 ? index : mode.startsWith('durable-') ? 3 : MODE_ORDER.length;
}

/** One table per workload: engine, mode, ops/s, µs/op, p50, p99, and Silt's ratios on Silt's rows. */
export function formatResultTables(rows: readonly ResultRow[], ratios: readonly RatioRow[], notes: ReadonlyMap<Workload, string>): string {
  const out: string[] = [];
  const engineRank = (engine: EngineName): number => ['silt', 'leveldb', 'lmdb'].indexOf(engine);
  for (const workload of WORKLOADS) {
    const selected = rows
      .filter((row) => row.workload === workload)
      .sort((a, b) => modeRank(a.mode) - modeRank(b.mode) || a.mode.localeCompare(b.mode) || engineRank(a.engine) - engineRank(b.engine));
    if (selected.length === 0) continue;
    const body = selected.map((row) => {
      const ratio = row.engine === 'silt' ? ratios.find((r) => r.workload === workload && r.mode === row.mode) : undefined;
      const latency = row.latency;
      const perBatch = latency?.unit === 'batch' ? '*' : '';
      return [
        row.engine,
        row.mode,
        formatRate(row.ops),
        formatRate(row.opsPerSec),
        formatMicros(row.usPerOp),
        latency ? formatMicros(latency.p50Us) + perBatch : '-',
        latency ? formatMicros(latency.p99Us) + perBatch : '-',
        ratio?.siltOverLeveldb != null ? formatRatio(ratio.siltOverLeveldb) : '',
        ratio?.siltOverLmdb != null ? formatRatio(ratio.siltOverLmdb) : '',
      ];
    });
    const unit = workload === 'readseq' ? 'entries/s' : 'ops/s';
    out.push(`## ${workload}${notes.has(workload) ? ` — ${notes.get(workload)!}` : ''}`);
    out.push(
      table(
        ['engine', 'mode', 'ops', unit, 'µs/op', 'p50 µs', 'p99 µs', 'silt/leveldb', 'silt/lmdb'],
        body,
        [false, false, true, true, true, true, true, true, true],
      ),
    );
    if (selected.some((row) => row.latency?.unit === 'batch')) out.push('  * latency of one whole batch, not of one op');
    out.push('');
  }
  return out.join('\n');
}

export function formatTargets(targets: readonly TargetResult[]): string {
  const body = targets.map((t) => [t.status === 'pass' ? 'PASS' : t.status === 'miss' ? 'MISS' : 'n/a', t.description, t.measured, t.required]);
  return `## targets (Silt)\n${table(['', 'target', 'measured', 'required'], body, [false, false, false, false])}\n`;
}
