/**
 * Reading the latency histograms of a `silt-bench/1` result (hdr-histogram-js
 * `encodeIntoCompressedBase64`, values in µs): decode, merge, and sample the percentile spectrum
 * that HdrHistogram's plotter draws (x = percentile on a log scale of 1 / (1 − p)).
 *
 * Decoding is not free (a few hundred µs per histogram); reporters call it once per operation.
 */
import * as hdr from 'hdr-histogram-js';

/** The most a report will merge into: 1 hour in µs (results larger than this are clamped by hdr). */
const MERGED_VALUE_US_MAX = 3_600_000_000;

export function decodeHistogram(encoded: string): hdr.Histogram {
  // 64-bit buckets: counts of a long run at hundreds of thousands of ops/s must not overflow.
  return hdr.decodeFromCompressedBase64(encoded, 64, false);
}

/** The exact merge of several encoded histograms (hdr `add`, bucket by bucket). */
export function mergeHistograms(encoded: readonly string[]): hdr.Histogram {
  const merged = hdr.build({
    bitBucketSize: 64,
    useWebAssembly: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: MERGED_VALUE_US_MAX,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
  for (const text of encoded) if (text !== '') merged.add(decodeHistogram(text));
  return merged;
}

/**
 * A percentile of a histogram, clamped to its maximum: hdr reports a bucket's highest equivalent
 * value, which can pass the exact max by the bucket width, and p99 ≤ max must hold in a report.
 */
export function percentileUs(histogram: hdr.Histogram, percentile: number): number {
  if (histogram.totalCount === 0) return 0;
  return Math.min(histogram.getValueAtPercentile(percentile), histogram.maxValue);
}

/** The spectrum's x for a percentile: −log10(1 − p/100); 0 → 0, 90 → 1, 99 → 2, 99.9 → 3 … */
export function spectrumX(percentile: number): number {
  return -Math.log10(1 - percentile / 100);
}

/** The highest percentile the spectrum shows: 99.999 (x = 5). */
export const SPECTRUM_X_MAX = 5;

/**
 * Samples (x, latency µs) along the spectrum from p0 to p99.999, `steps` + 1 points evenly spaced in x,
 * stopping early once the histogram has no more distinct values to show (a short run's tail is its max).
 */
export function percentileSpectrum(histogram: hdr.Histogram, steps = 100): [number, number][] {
  const points: [number, number][] = [];
  if (histogram.totalCount === 0) return points;
  // Past 1 − 1/count, every percentile is the max: draw up to there and one point at it.
  const xLimit = Math.min(SPECTRUM_X_MAX, Math.log10(histogram.totalCount));
  for (let step = 0; step <= steps; step++) {
    const x = (xLimit * step) / steps;
    const percentile = 100 * (1 - 10 ** -x);
    // At x = log10(count) only the slowest request remains: that is the max, whatever hdr's rounding says.
    points.push([x, step === steps && xLimit < SPECTRUM_X_MAX ? histogram.maxValue : percentileUs(histogram, percentile)]);
  }
  return points;
}
