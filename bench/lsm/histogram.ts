/**
 * Latency recording for db-bench: an HDR histogram (hdr-histogram-js, pure-JS 64-bit buckets — the
 * "packed" and WebAssembly builds are slower to record on Node 20) of nanoseconds, summarised in µs.
 *
 * Reading the clock costs ~0.2 µs here (performance.now() on this VM), which is a large fraction of a
 * 2–3 µs point read. So cheap operations are timed one in `sampleEvery` (a fixed stride, chosen before
 * the loop) and the throughput figure comes from the wall time of the whole loop, not from the samples.
 */
import * as hdr from 'hdr-histogram-js';

/** 60 s: a single operation slower than this is recorded as this. */
const LATENCY_NS_MAX = 60_000_000_000;
const SIGNIFICANT_DIGITS = 3;

export interface LatencySummary {
  /** What one sample measures: one operation, or one write batch. */
  unit: 'op' | 'batch';
  samples: number;
  /** One in `sampleEvery` operations was timed. */
  sampleEvery: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  meanUs: number;
}

export class LatencyRecorder {
  readonly #histogram = hdr.build({
    bitBucketSize: 64,
    lowestDiscernibleValue: 1,
    highestTrackableValue: LATENCY_NS_MAX,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });

  constructor(
    readonly unit: 'op' | 'batch',
    readonly sampleEvery: number,
  ) {
    if (!(Number.isSafeInteger(sampleEvery) && sampleEvery >= 1)) throw new RangeError('sampleEvery must be a positive integer');
  }

  /** Records one duration given in milliseconds (performance.now() differences). */
  recordMs(durationMs: number): void {
    const ns = Math.round(durationMs * 1e6);
    this.#histogram.recordValue(Math.min(Math.max(ns, 1), LATENCY_NS_MAX));
  }

  get samples(): number {
    return this.#histogram.totalCount;
  }

  summary(): LatencySummary | undefined {
    const h = this.#histogram;
    if (h.totalCount === 0) return undefined;
    const us = (ns: number): number => ns / 1000;
    // A percentile is reported as its bucket's highest equivalent value, which can pass the exact
    // maximum by the bucket's width (0.1%); clamp so that p50 ≤ p99 ≤ p99.9 ≤ max always holds.
    const percentile = (p: number): number => us(Math.min(h.getValueAtPercentile(p), h.maxValue));
    return {
      unit: this.unit,
      samples: h.totalCount,
      sampleEvery: this.sampleEvery,
      p50Us: percentile(50),
      p99Us: percentile(99),
      p999Us: percentile(99.9),
      maxUs: us(h.maxValue),
      meanUs: us(h.mean),
    };
  }
}
