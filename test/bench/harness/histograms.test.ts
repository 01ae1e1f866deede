/**
 * Exact merging: recording samples into several histograms, encoding them (as workers do) and
 * merging the decoded ones gives the same histogram as recording every sample into one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHistogram, encodeHistogram, LATENCY_US_MAX, mergeEncoded, newLatencyHistogram, percentilesOf, recordLatencyMs } from '../../../bench/harness/histograms.js';

const PERCENTILES = [0, 10, 50, 90, 99, 99.9, 99.99, 100];

describe('histogram merging', () => {
  it('equals recording all samples in one histogram', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0, max: 5_000, noNaN: true }), { maxLength: 300 }), { minLength: 1, maxLength: 6 }),
        (parts) => {
          const single = newLatencyHistogram();
          const encoded: string[] = [];
          for (const samples of parts) {
            const part = newLatencyHistogram();
            for (const ms of samples) {
              recordLatencyMs(part, ms);
              recordLatencyMs(single, ms);
            }
            encoded.push(encodeHistogram(part));
          }
          const merged = mergeEncoded(encoded);
          // Every reported histogram crosses an encoding (workers encode even when alone), which keeps
          // the exact counts but reports the max and the min at their buckets' resolution (2 µs from
          // 2,048 µs up: a recorded 2,885 comes back as 2,884): compare those with the single histogram
          // as reported, and its percentiles with the raw one too.
          const reference = decodeHistogram(encodeHistogram(single));
          expect(merged.totalCount).toBe(single.totalCount);
          if (single.totalCount > 0) {
            expect(merged.maxValue).toBe(reference.maxValue);
            expect(merged.minNonZeroValue).toBe(reference.minNonZeroValue);
            expect(merged.mean).toBeCloseTo(reference.mean, 6);
            for (const p of PERCENTILES) {
              expect(merged.getValueAtPercentile(p)).toBe(reference.getValueAtPercentile(p));
              expect(merged.getValueAtPercentile(p)).toBe(single.getValueAtPercentile(p));
            }
            expect(percentilesOf(merged)).toEqual(percentilesOf(reference));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports the min of merged parts at its bucket\'s resolution, as an encoded single histogram does (seed -1646598762 found 2.8845 ms)', () => {
    const single = newLatencyHistogram();
    recordLatencyMs(single, 2.8845); // 2,885 µs, in a bucket of two: [2,884, 2,885]
    const merged = mergeEncoded([encodeHistogram(single)]);
    expect(merged.minNonZeroValue).toBe(decodeHistogram(encodeHistogram(single)).minNonZeroValue);
    expect(merged.minNonZeroValue).toBe(2884);
    expect(merged.getValueAtPercentile(50)).toBe(single.getValueAtPercentile(50));
  });

  it('survives an encode/decode round trip and clamps out-of-range values', () => {
    const histogram = newLatencyHistogram();
    recordLatencyMs(histogram, 0);
    recordLatencyMs(histogram, 1e12);
    recordLatencyMs(histogram, 1.5);
    const decoded = decodeHistogram(encodeHistogram(histogram));
    expect(decoded.totalCount).toBe(3);
    expect(decoded.minNonZeroValue).toBe(1);
    expect(decoded.maxValue).toBeGreaterThanOrEqual(LATENCY_US_MAX);
    expect(decoded.getValueAtPercentile(50)).toBeGreaterThanOrEqual(1500);
    expect(decoded.getValueAtPercentile(50)).toBeLessThanOrEqual(1502);
  });

  it('reports percentiles in order, never past the max', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 200 }), (values) => {
        const histogram = newLatencyHistogram();
        for (const us of values) recordLatencyMs(histogram, us / 1000);
        const p = percentilesOf(histogram);
        expect(p.p50).toBeLessThanOrEqual(p.p90);
        expect(p.p90).toBeLessThanOrEqual(p.p99);
        expect(p.p99).toBeLessThanOrEqual(p.p999);
        expect(p.p999).toBeLessThanOrEqual(p.max);
      }),
      { numRuns: 50 },
    );
  });
});
