/**
 * parseBenchConfig: defaults resolved, shorthand accepted, and every problem reported at once with
 * its path; parseBenchSuite; DEFAULT_SUITE is valid and about a minute long.
 */
import { describe, expect, it } from 'vitest';
import { BenchConfigError, DEFAULT_SUITE, parseBenchConfig, parseBenchSuite } from '../../../bench/harness/config.js';

function issuesOf(json: unknown): readonly string[] {
  try {
    parseBenchConfig(json);
  } catch (error) {
    if (error instanceof BenchConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a BenchConfigError');
}

describe('parseBenchConfig', () => {
  it('resolves defaults and shorthands', () => {
    const config = parseBenchConfig({ workload: 'A', target: 'embedded' });
    expect(config.workload).toMatchObject({ name: 'ycsb-a', fieldCount: 10, fieldBytes: 100, distribution: 'zipfian' });
    expect(config.target).toEqual({ kind: 'embedded', path: null, inMemory: false, sync: 'none', capacity: 'unlimited' });
    expect(config).toMatchObject({ model: 'closed', concurrency: 64, workers: 1, durationMs: 10_000, warmupMs: 2_000, recordCount: 100_000, selfCheck: false, ratePerSecond: null });
    expect(parseBenchConfig({ workload: 'ycsb-d' }).workload.distribution).toBe('latest');
    expect(parseBenchConfig({ workload: 'large-item' }).recordCount).toBe(200);
    expect(parseBenchConfig({ target: { kind: 'http', url: 'http://127.0.0.1:8000' } }).workers).toBe(2);
    expect(parseBenchConfig({ target: 'embedded-single' }).workers).toBe(0);
    // https endpoints (DynamoDB itself): the region an AWS endpoint names is the default.
    expect(parseBenchConfig({ target: { kind: 'http', url: 'https://dynamodb.eu-west-1.amazonaws.com' } }).target).toMatchObject({ region: 'eu-west-1', sessionToken: null });
    expect(parseBenchConfig({ target: { kind: 'http', url: 'https://dynamodb.eu-west-1.amazonaws.com', region: 'us-east-2', sessionToken: 'T' } }).target).toMatchObject({ region: 'us-east-2', sessionToken: 'T' });
    expect(parseBenchConfig({ target: { kind: 'http', url: 'https://alternator.example:8043' } }).target).toMatchObject({ region: 'us-east-1' });
    expect(parseBenchConfig({ workload: { name: 'hot-key', hotKeyShare: 0.5 } }).workload.hotKeyShare).toBe(0.5);
  });

  it('reports every problem with its path', () => {
    const issues = issuesOf({ workload: { name: 'ycsb-a', fieldCount: 0, colour: 'red' }, model: 'open', durationMs: -5, target: { kind: 'http' }, extra: 1 });
    expect(issues.some((issue) => issue.startsWith('workload.fieldCount: must be an integer ≥ 1'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('workload.colour: unknown setting'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('ratePerSecond: required'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('durationMs: must be an integer ≥ 1'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('target.url: required'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('extra: unknown setting'))).toBe(true);
    expect(issues).toHaveLength(6);
  });

  it('refuses contradictions and bad values', () => {
    expect(issuesOf('ycsb-a')[0]).toMatch(/must be a JSON object/);
    expect(issuesOf({ workload: 'ycsb-z' })[0]).toMatch(/^workload\.name: must be one of/);
    expect(issuesOf({ target: 'embedded-single', workers: 2 })[0]).toMatch(/^workers: the embedded-single target runs in the main thread/);
    expect(issuesOf({ target: 'embedded', workers: 0 })[0]).toMatch(/^workers: the embedded target needs/);
    expect(issuesOf({ target: { kind: 'embedded', inMemory: true, path: '/tmp/x' } })[0]).toMatch(/exclude each other/);
    expect(issuesOf({ target: { kind: 'http', url: 'ftp://dynamodb.us-east-1.amazonaws.com' } })[0]).toMatch(/^target\.url: must be an http:\/\/ or https:\/\//);
    expect(issuesOf({ workload: { name: 'large-item', fieldBytes: 100_000 } })[0]).toMatch(/400 KB/);
    expect(issuesOf({ target: { kind: 'kv', engines: ['rocksdb'] } })[0]).toMatch(/^target\.engines: must be a non-empty list/);
    expect(issuesOf({ model: 'closed', concurrency: 1, workers: 2, target: 'embedded' })[0]).toMatch(/^concurrency:/);
    expect(() => parseBenchConfig({ model: 'open', ratePerSecond: 1000 })).not.toThrow();
  });
});

describe('parseBenchSuite', () => {
  it('takes one object, a list, or { phases }, and prefixes problems with the phase', () => {
    expect(parseBenchSuite({ workload: 'c' })).toHaveLength(1);
    expect(parseBenchSuite([{ workload: 'a' }, { workload: 'b' }])).toHaveLength(2);
    expect(parseBenchSuite({ phases: [{ workload: 'e' }] })[0]!.workload.name).toBe('ycsb-e');
    expect(() => parseBenchSuite([])).toThrow(BenchConfigError);
    try {
      parseBenchSuite([{ workload: 'a' }, { seed: -1 }]);
      expect.unreachable();
    } catch (error) {
      expect((error as BenchConfigError).issues).toEqual([expect.stringMatching(/^phases\[1\]\.seed: must be an integer ≥ 0/)]);
    }
  });
});

describe('DEFAULT_SUITE', () => {
  it('is YCSB A, B, C and durable writes on the embedded default, about a minute with its self-check', () => {
    expect(DEFAULT_SUITE.map((config) => config.workload.name)).toEqual(['ycsb-a', 'ycsb-b', 'ycsb-c', 'durable-write']);
    expect(DEFAULT_SUITE.every((config) => config.target.kind === 'embedded')).toBe(true);
    expect(DEFAULT_SUITE[0]!.selfCheck).toBe(true);
    const measuredMs = DEFAULT_SUITE.reduce((sum, config) => sum + config.durationMs + config.warmupMs, 0);
    expect(measuredMs).toBeGreaterThanOrEqual(40_000);
    expect(measuredMs).toBeLessThanOrEqual(60_000);
  });
});
