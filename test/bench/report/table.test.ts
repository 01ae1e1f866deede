/**
 * The terminal report: number formatting, golden snippets of the environment header, the
 * self-check line and a phase table, the merged `total` row, and the generator-bound flag.
 */
import { describe, expect, it } from 'vitest';
import { formatCount, formatMs, formatSigned, textTable } from '../../../bench/report/format.js';
import { mergeHistograms, percentileUs } from '../../../bench/report/histogram.js';
import { formatEnvironment, formatPhase, formatReport, formatSelfCheckLine, generatorShare, phaseTotal } from '../../../bench/report/table.js';
import { makeResult, plainOperation, plainResult, sampledOperation } from './fixtures.js';

describe('format', () => {
  it('shows ms with three significant digits below 10 ms and separators above 1 s', () => {
    expect([5, 123, 999, 1000, 1234, 9999, 12_345, 123_456, 1_234_567].map(formatMs)).toEqual([
      '0.005', '0.123', '0.999', '1.00', '1.23', '10.00', '12.3', '123', '1,235',
    ]);
    expect(formatCount(1234567.6)).toBe('1,234,568');
    expect(formatSigned(-0.0001, 2)).toBe('0.00');
    expect(formatSigned(1.5, 1)).toBe('+1.5');
  });

  it('aligns a text table', () => {
    expect(textTable(['a', 'bb'], [['xyz', '1'], ['q', '22']], ['left', 'right'])).toBe(['a    bb', '---  --', 'xyz   1', 'q    22'].join('\n'));
  });
});

describe('terminal report', () => {
  it('header: cpu, cores, memory, Node, commit, load average, options', () => {
    const result = makeResult();
    result.environment.gitDirty = true;
    expect(formatEnvironment(result)).toBe(
      [
        '# silt bench — 2025-03-01T12:00:00.000Z',
        'cpu: AMD EPYC 7B13 × 2 cores, 8.0 GiB · linux x64 · Node v20.20.2 · commit be90875aaa (uncommitted changes)',
        'load average (1 min): 0.42 at start, 1.87 at end',
        'options: --workload ycsb-a --duration 10s',
      ].join('\n'),
    );
    expect(formatSelfCheckLine(result.selfCheck[0]!)).toBe(
      'generator self-check: the generator drives 250,000 ops/s (embedded, 2 workers, p99 0.040 ms) against a null target; results near that are generator-bound',
    );
  });

  it('phase table golden snippet: columns, ms precision, errors and throttles apart', () => {
    const result = plainResult({
      'ycsb-c': { GetItem: plainOperation({ opsPerSecond: 123_456.7, p50: 85, p90: 140, p99: 1_234, p999: 12_345, max: 150_000, count: 1_234_567, errors: 2, throttles: 17 }) },
    });
    const text = formatPhase(result, result.phases[0]!);
    expect(text).toContain(
      [
        'operation    ops/s      count  p50 ms  p90 ms  p99 ms  p99.9 ms  max ms  errors  throttles',
        '---------  -------  ---------  ------  ------  ------  --------  ------  ------  ---------',
        'GetItem    123,457  1,234,567   0.085   0.140    1.23      12.3     150       2         17',
      ].join('\n'),
    );
    expect(text.split('\n')[0]).toBe('## ycsb-c — embedded (Silt Database on disk, sync none) · closed loop, 64 in flight · 2 workers · 10 s after 2 s warm-up');
    // No total row for a single operation; no generator flag far below the self-check.
    expect(text).not.toContain('total');
    expect(text).not.toContain('generator-bound');
  });

  it('open-loop phases say so, with the rate and the coordinated-omission correction', () => {
    const text = formatReport(makeResult());
    expect(text).toContain('open loop at 2,000/s, latency from intended start (coordinated omission corrected)');
    expect(text).toContain('errors and throttles by name: PutItem ValidationException ×3');
  });

  it('the total row is the exact merge of the operations’ histograms', () => {
    const a = sampledOperation({ count: 5000, medianUs: 100, sigma: 0.5, durationMs: 1000, seed: 7 });
    const b = sampledOperation({ count: 3000, medianUs: 900, sigma: 0.3, durationMs: 1000, seed: 8 });
    const result = plainResult({ mixed: { A: a.result, B: b.result } });
    const total = phaseTotal(result.phases[0]!);
    const all = mergeHistograms([a.result.histogram, b.result.histogram]);
    expect(all.totalCount).toBe(8000);
    expect(total.count).toBe(8000);
    expect(total.opsPerSecond).toBe(8000);
    expect(total.latency.p99).toBe(percentileUs(all, 99));
    expect(total.latency.max).toBe(Math.max(...a.samplesUs, ...b.samplesUs));
    // p50 of the mix lies between the two medians: a sum or a mean of percentiles would not be exact.
    const sorted = [...a.samplesUs, ...b.samplesUs].sort((x, y) => x - y);
    expect(Math.abs(total.latency.p50 - sorted[3999]!) / sorted[3999]!).toBeLessThan(0.002);
    expect(formatPhase(result, result.phases[0]!)).toMatch(/\ntotal +8,000 +8,000 /);
  });

  it('flags phases at ≥ 80% of the generator’s null-target rate', () => {
    const result = plainResult({
      fast: { GetItem: plainOperation({ opsPerSecond: 200_000, p50: 5, p90: 8, p99: 20, p999: 40, max: 90 }) },
      slow: { GetItem: plainOperation({ opsPerSecond: 199_999 * 0.5, p50: 5, p90: 8, p99: 20, p999: 40, max: 90 }) },
    });
    expect(generatorShare(result, result.phases[0]!)).toBe(0.8);
    expect(formatPhase(result, result.phases[0]!)).toContain('! generator-bound: 200,000 ops/s is 80% of the generator');
    expect(formatPhase(result, result.phases[1]!)).not.toContain('generator-bound');
    // kv does not use the generator; http phases need an http self-check.
    result.phases[0]!.target.kind = 'kv';
    expect(generatorShare(result, result.phases[0]!)).toBeNull();
    result.phases[0]!.target.kind = 'http';
    expect(generatorShare(result, result.phases[0]!)).toBeNull();
  });

  it('says when no self-check ran', () => {
    const result = makeResult();
    result.selfCheck = [];
    expect(formatReport(result)).toContain('generator self-check: not run');
  });
});
