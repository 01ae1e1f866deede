/**
 * `--threshold`: every form parses to the right limit, malformed rules fail with a clear error,
 * and evaluation passes and fails where it should (per operation for latency, per phase total
 * for ops/errors/throttles, scoped rules, nothing matched = fail).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateThreshold, evaluateThresholds, formatVerdicts, parseThreshold, ThresholdParseError } from '../../../bench/report/threshold.js';
import { plainOperation, plainResult } from './fixtures.js';

describe('parseThreshold', () => {
  it('parses every form', () => {
    const cases: [string, object][] = [
      ['p99<5ms', { scope: null, metric: 'p99', comparator: '<', limit: 5000, percent: false }],
      ['p99.9<20ms', { metric: 'p99.9', limit: 20_000 }],
      ['p999 <= 1.5 s', { metric: 'p99.9', comparator: '<=', limit: 1_500_000 }],
      ['p50<800us', { metric: 'p50', limit: 800 }],
      ['p90<800µs', { metric: 'p90', limit: 800 }],
      ['max≤100ms', { metric: 'max', comparator: '<=', limit: 100_000 }],
      ['mean<1ms', { metric: 'mean', limit: 1000 }],
      ['ops>10000', { metric: 'ops', comparator: '>', limit: 10_000 }],
      ['ops>=10k', { metric: 'ops', comparator: '>=', limit: 10_000 }],
      ['ops≥1.5M', { metric: 'ops', comparator: '>=', limit: 1_500_000 }],
      ['ops>10_000', { limit: 10_000 }],
      ['errors=0', { metric: 'errors', comparator: '=', limit: 0, percent: false }],
      ['errors==0', { comparator: '=' }],
      ['throttles<1%', { metric: 'throttles', comparator: '<', limit: 1, percent: true }],
      ['GetItem:p99<2ms', { scope: { phase: null, operation: 'GetItem' }, metric: 'p99', limit: 2000 }],
      ['ycsb-a/GetItem:p99<2ms', { scope: { phase: 'ycsb-a', operation: 'GetItem' } }],
      ['ycsb-a/*: errors = 0', { scope: { phase: 'ycsb-a', operation: null }, metric: 'errors' }],
    ];
    for (const [text, expected] of cases) expect(parseThreshold(text), text).toMatchObject({ text: text.trim(), ...expected });
  });

  it('rejects malformed rules with a clear message', () => {
    const bad: [string, RegExp][] = [
      ['p99', /expected \[scope:\]metric/],
      ['p99<', /expected/],
      ['p99<5', /p99 needs a unit/],
      ['p99<5kg', /not a time unit/],
      ['p42<5ms', /unknown metric 'p42'/],
      ['latency<5ms', /unknown metric/],
      ['ops>10ms', /ops takes a plain number or k\/M/],
      ['errors<1.5', /whole number/],
      ['errors<150%', /at most 100/],
      ['throttles<1ms', /count or a percentage/],
      ['*:p99<5ms', /a scope is/],
      ['/GetItem:p99<5ms', /a scope is/],
      ['p99<<5ms', /expected/],
      ['', /expected/],
    ];
    for (const [text, message] of bad) {
      expect(() => parseThreshold(text), text).toThrow(ThresholdParseError);
      expect(() => parseThreshold(text), text).toThrow(message);
    }
  });

  it('a latency rule in ms equals the same rule in µs (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (us) => {
        expect(parseThreshold(`p99<${us / 1000}ms`).limit).toBeCloseTo(parseThreshold(`p99<${us}us`).limit, 6);
      }),
    );
  });
});

describe('evaluateThreshold', () => {
  const result = plainResult({
    'ycsb-a': {
      GetItem: plainOperation({ opsPerSecond: 6000, p50: 100, p90: 300, p99: 1900, p999: 4000, max: 9000, count: 1000, errors: 0, throttles: 5 }),
      UpdateItem: plainOperation({ opsPerSecond: 5000, p50: 200, p90: 500, p99: 4500, p999: 9000, max: 20_000, count: 1000, errors: 2, throttles: 0 }),
    },
    'ycsb-c': { GetItem: plainOperation({ opsPerSecond: 20_000, p50: 50, p90: 80, p99: 150, p999: 300, max: 900, count: 2000 }) },
  });
  const check = (text: string): boolean => evaluateThreshold(result, parseThreshold(text)).pass;

  it('latency rules hold on every operation of every phase', () => {
    expect(check('p99<5ms')).toBe(true);
    expect(check('p99<4.5ms')).toBe(false); // UpdateItem is exactly 4.5 ms
    expect(check('p99<=4.5ms')).toBe(true);
    expect(evaluateThreshold(result, parseThreshold('p99<5ms')).checks.map((c) => c.subject)).toEqual(['ycsb-a/GetItem', 'ycsb-a/UpdateItem', 'ycsb-c/GetItem']);
  });

  it('ops, errors and throttles rules hold on each phase total', () => {
    expect(check('ops>10000')).toBe(true); // 11,000 and 20,000
    expect(check('ops>11000')).toBe(false);
    expect(check('errors=0')).toBe(false);
    expect(check('errors<=2')).toBe(true);
    expect(check('throttles<1%')).toBe(true); // 5 of 2,000 = 0.25%
    expect(check('throttles<0.25%')).toBe(false);
    expect(evaluateThreshold(result, parseThreshold('ops>1')).checks.map((c) => c.subject)).toEqual(['ycsb-a', 'ycsb-c']);
  });

  it('scoped rules judge only what they name', () => {
    expect(check('GetItem:p99<2ms')).toBe(true);
    expect(check('UpdateItem:p99<2ms')).toBe(false);
    expect(check('ycsb-c/GetItem:p99<0.2ms')).toBe(true);
    expect(check('ycsb-a/GetItem:p99<0.2ms')).toBe(false);
    expect(check('GetItem:throttles<1%')).toBe(true); // 5 of 1,000 = 0.5%
    expect(check('GetItem:throttles<0.5%')).toBe(false);
    expect(check('ycsb-a/*:ops>5500')).toBe(false); // UpdateItem 5,000
    expect(check('ycsb-c/*:errors=0')).toBe(true);
  });

  it('a rule that matches nothing fails', () => {
    const verdict = evaluateThreshold(result, parseThreshold('Scan:p99<1s'));
    expect(verdict.pass).toBe(false);
    expect(verdict.checks).toEqual([]);
    expect(formatVerdicts([verdict])).toContain("FAIL  Scan:p99<1s  nothing matches operation 'Scan'");
  });

  it('an operation with no successful request fails a latency rule', () => {
    const failed = plainResult({ p: { X: plainOperation({ opsPerSecond: 10, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, count: 10, errors: 10 }) } });
    const verdict = evaluateThreshold(failed, parseThreshold('p99<5ms'));
    expect(verdict.pass).toBe(false);
    expect(formatVerdicts([verdict])).toContain('p/X no successful request');
  });

  it('prints PASS with the worst check and FAIL with every failing one', () => {
    const text = formatVerdicts(evaluateThresholds(result, ['p99<5ms', 'p99<1ms', 'ops>10k', 'errors=0'].map(parseThreshold)));
    expect(text.split('\n')).toEqual([
      'PASS  p99<5ms   worst ycsb-a/UpdateItem 4.50 ms (3 checked)',
      'FAIL  p99<1ms   ycsb-a/GetItem 1.90 ms; ycsb-a/UpdateItem 4.50 ms',
      'PASS  ops>10k   worst ycsb-a 11,000 ops/s (2 checked)',
      'FAIL  errors=0  ycsb-a 2',
      '',
    ]);
  });
});

describe('scopes name a phase by its name or its workload', () => {
  it('ycsb-a/GetItem matches the phase whose workload is ycsb-a, whatever its name', () => {
    const result = plainResult({ 'YCSB A (50% read, 50% update)': { GetItem: plainOperation({ opsPerSecond: 100, p50: 100, p90: 200, p99: 3000, p999: 4000, max: 5000 }) } });
    result.phases[0]!.workload = 'ycsb-a';
    expect(evaluateThreshold(result, parseThreshold('ycsb-a/GetItem:p99<2ms')).checks).toEqual([{ subject: 'YCSB A (50% read, 50% update)/GetItem', measured: 3000, pass: false }]);
    expect(evaluateThreshold(result, parseThreshold('YCSB A (50% read, 50% update)/GetItem:p99<5ms')).pass).toBe(true);
    expect(evaluateThreshold(result, parseThreshold('ycsb-b/GetItem:p99<5ms')).checks).toEqual([]);
  });
});
