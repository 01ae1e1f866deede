/**
 * CPU profiling for db-bench's --profile: records a V8 CPU profile (node:inspector, in this process)
 * around one timed run, and ranks functions by self time — where the time goes.
 *
 * Self time of a function = the sampling intervals whose sample landed in it (not in a callee),
 * summed over every call site of the same function (name + script + line).
 */
import type { Profiler, Runtime } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** µs between samples: fine enough for µs-scale operations, coarse enough to stay cheap. */
const SAMPLING_INTERVAL_US = 100;

export async function withCpuProfile<T>(run: () => Promise<T>): Promise<{ result: T; profile: Profiler.Profile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await session.post('Profiler.start');
    let result: T;
    try {
      result = await run();
    } catch (error) {
      // Stop sampling before reporting the failure.
      await session.post('Profiler.stop');
      throw error;
    }
    const { profile } = await session.post('Profiler.stop');
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

export interface SelfTimeRow {
  functionName: string;
  /** script:line, relative to the working directory when it is a local file. */
  location: string;
  selfMs: number;
  selfPercent: number;
}

function describeLocation(frame: Runtime.CallFrame): string {
  if (frame.url === '') return '';
  let path = frame.url;
  if (path.startsWith('file://')) path = relative(process.cwd(), fileURLToPath(path));
  return `${path}:${frame.lineNumber + 1}`;
}

/** The `limit` functions with the most self time, and the profile's total sampled time. */
export function topSelfTime(profile: Profiler.Profile, limit: number): { rows: SelfTimeRow[]; totalMs: number } {
  const nodeById = new Map<number, Profiler.ProfileNode>();
  for (const node of profile.nodes) nodeById.set(node.id, node);
  const selfUsByFunction = new Map<string, { frame: Runtime.CallFrame; us: number }>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let totalUs = 0;
  for (let i = 0; i < samples.length; i++) {
    const node = nodeById.get(samples[i]!);
    // timeDeltas[i] is the time since the previous sample; attribute the interval that ends at sample i+1 to sample i.
    const us = deltas[i + 1] ?? 0;
    if (node === undefined || us <= 0) continue;
    totalUs += us;
    const frame = node.callFrame;
    const key = `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}`;
    const entry = selfUsByFunction.get(key);
    if (entry === undefined) selfUsByFunction.set(key, { frame, us });
    else entry.us += us;
  }
  const rows = [...selfUsByFunction.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map(({ frame, us }) => ({
      functionName: frame.functionName === '' ? '(anonymous)' : frame.functionName,
      location: describeLocation(frame),
      selfMs: us / 1000,
      selfPercent: totalUs > 0 ? (100 * us) / totalUs : 0,
    }));
  return { rows, totalMs: totalUs / 1000 };
}

export function formatSelfTime(rows: readonly SelfTimeRow[], totalMs: number): string {
  const lines = [`top ${rows.length} functions by self time (of ${totalMs.toFixed(0)} ms sampled)`];
  lines.push(`${'self ms'.padStart(9)}  ${'self %'.padStart(6)}  function  (location)`);
  for (const row of rows) {
    lines.push(`${row.selfMs.toFixed(1).padStart(9)}  ${row.selfPercent.toFixed(1).padStart(6)}  ${row.functionName}${row.location ? `  (${row.location})` : ''}`);
  }
  return lines.join('\n');
}
