/**
 * The JSON result file: stable key order whatever the producer's insertion order, round trip, and
 * clear errors for files that are not `silt-bench/1` results.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResult, readResultJson, ResultFormatError, stringifyResult, writeResultJson } from '../../../bench/report/json.js';
import { makeResult } from './fixtures.js';

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

function shuffleKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shuffleKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, shuffleKeys(inner)]));
}

describe('json', () => {
  it('writes keys in the contract’s order, whatever order they were built in', () => {
    const result = makeResult();
    const text = stringifyResult(result);
    expect(stringifyResult(shuffleKeys(result) as typeof result)).toBe(text);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['schema', 'startedAt', 'environment', 'config', 'selfCheck', 'phases']);
    const phase = (JSON.parse(text) as { phases: Record<string, unknown>[] }).phases[0]!;
    expect(Object.keys(phase).slice(0, 3)).toEqual(['name', 'workload', 'target']);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "environment": {\n    "cpuModel"');
  });

  it('round-trips through a file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'silt-bench-json-'));
    directories.push(directory);
    const path = join(directory, 'nested', 'run.json');
    const result = makeResult();
    await writeResultJson(path, result);
    expect(await readResultJson(path)).toEqual(result);
    expect(await readFile(path, 'utf8')).toBe(stringifyResult(result));
    await writeFile(join(directory, 'bad.json'), '{"schema": "silt-db-bench/1"}');
    await expect(readResultJson(join(directory, 'bad.json'))).rejects.toThrow(/not a silt-bench\/1 result \(schema: "silt-db-bench\/1"\)/);
    await expect(readResultJson(join(directory, 'missing.json'))).rejects.toThrow(ResultFormatError);
  });

  it('names what is wrong with a malformed document', () => {
    expect(() => parseResult('{', 'x.json')).toThrow(/x\.json: not JSON/);
    expect(() => parseResult('[]', 'x.json')).toThrow(/top level is not an object/);
    const broken = JSON.parse(stringifyResult(makeResult())) as { phases: { operations: Record<string, { latency: Record<string, unknown> }> }[] };
    broken.phases[0]!.operations['GetItem']!.latency['p99'] = '1ms';
    expect(() => parseResult(JSON.stringify(broken), 'x.json')).toThrow('x.json: phase ycsb-a, operation GetItem: latency.p99 is not a number');
  });
});
