/**
 * Latency histograms of `silt bench`: HDR histograms (hdr-histogram-js, pure-JS 32-bit buckets) of
 * microseconds, one per operation per worker, plus one per operation per timeline interval.
 * Workers encode them (`encodeIntoCompressedBase64`) and the main thread merges them EXACTLY by
 * decoding and `add`ing, so a merged percentile is the percentile of every sample recorded anywhere.
 *
 * Concurrency: one recorder per thread; encoded strings cross threads by structured clone.
 * Invariants:
 * 1. Every value recorded is an integer in [1, LATENCY_US_MAX] (clamped, never dropped).
 * 2. Percentiles reported never exceed the histogram's max (bucket upper bounds are clamped),
 *    so p50 ≤ p90 ≤ p99 ≤ p999 ≤ max always holds.
 */
import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { Percentiles } from './result.js';

/** 10 minutes: a request slower than this is recorded as this. */
export const LATENCY_US_MAX = 600_000_000;
const SIGNIFICANT_DIGITS = 3;
const BIT_BUCKET_SIZE = 32;

export function newLatencyHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: BIT_BUCKET_SIZE,
    lowestDiscernibleValue: 1,
    highestTrackableValue: LATENCY_US_MAX,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    autoResize: false,
    useWebAssembly: false,
  });
}

/** Records a latency given in (fractional) milliseconds, as whole microseconds. */
export function recordLatencyMs(histogram: Histogram, latencyMs: number): void {
  const us = Math.round(latencyMs * 1000);
  histogram.recordValue(us < 1 ? 1 : us > LATENCY_US_MAX ? LATENCY_US_MAX : us);
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, BIT_BUCKET_SIZE, false);
}

/** The exact merge of encoded histograms: decode each, add into one fresh histogram. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const merged = newLatencyHistogram();
  for (const text of encoded) {
    const part = decodeHistogram(text);
    merged.add(part);
    part.destroy();
  }
  return merged;
}

export function percentilesOf(histogram: Histogram): Percentiles {
  if (histogram.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const max = histogram.maxValue;
  const at = (p: number): number => Math.min(histogram.getValueAtPercentile(p), max);
  return { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max, mean: Math.round(histogram.mean * 100) / 100 };
}

/** An empty histogram, encoded: for results that carry only summary numbers (the kv target). */
export function emptyEncodedHistogram(): string {
  const histogram = newLatencyHistogram();
  const encoded = encodeHistogram(histogram);
  histogram.destroy();
  return encoded;
}
