/**
 * The table every micro-benchmark prints: ns and ops/s per operation, where a task may run an
 * operation `batch` times per iteration (so timer cost does not swamp sub-microsecond work).
 */
import type { Bench } from 'tinybench';

export type PerOpRow = Record<string, string | number>;

export function perOpRows(bench: Bench, batchOf: (taskName: string) => number): PerOpRow[] {
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') return { task: task.name, state: result.state };
    const nsPerOp = (result.latency.mean * 1e6) / batchOf(task.name);
    return {
      task: task.name,
      'ns/op': nsPerOp.toFixed(0),
      'ops/s': Math.round(1e9 / nsPerOp).toLocaleString('en-US'),
      samples: result.latency.samplesCount,
    };
  });
}
