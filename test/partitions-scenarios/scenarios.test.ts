/**
 * Data-driven capacity scenarios (runner.ts describes the file format): each
 * `scenarios/<name>.scenario.json` runs through the real Database on a ManualClock and its timeline
 * must equal `scenarios/<name>.expected.json` exactly. After an intended change to the model,
 * regenerate the expectations and review the diff:
 *
 *   SILT_REWRITE=1 npx vitest run test/partitions-scenarios
 *
 * Besides the exact comparison, each scenario states the property it exists for (CHECKS below), so a
 * rewrite cannot quietly bless a wrong timeline.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarios, runScenario, type IntervalReport, type Timeline } from './runner.js';

const REWRITE = process.env['SILT_REWRITE'] === '1';

function throttledCount(interval: IntervalReport): number {
  return Object.values(interval.throttled).reduce((sum, count) => sum + count, 0);
}

function total(timeline: Timeline, phase?: string): number {
  return timeline.intervals.filter((interval) => phase === undefined || interval.phase === phase).reduce((sum, interval) => sum + throttledCount(interval), 0);
}

function last(timeline: Timeline): IntervalReport {
  return timeline.intervals[timeline.intervals.length - 1]!;
}

const CHECKS: Record<string, (timeline: Timeline) => void> = {
  'uniform-provisioned': (timeline) => {
    expect(total(timeline)).toBe(0);
  },
  'burst-spike': (timeline) => {
    const spike = timeline.intervals.filter((interval) => interval.phase === 'spike');
    expect(throttledCount(spike[0]!)).toBe(0); // the burst absorbs the start of the spike
    expect(throttledCount(spike[spike.length - 1]!)).toBeGreaterThan(0); // and is spent by the end
    expect(spike[spike.length - 1]!.admitted.write).toBeLessThanOrEqual(10 * 10 + 10); // about the provisioned 10/s
  },
  'hot-partition-adaptive': (timeline) => {
    expect(total(timeline)).toBeGreaterThan(0);
    // Lifted: the boost tracks the demand, so at most a stray throttle as it settles (static: 300 per interval).
    for (const interval of timeline.intervals.slice(-3)) expect(throttledCount(interval)).toBeLessThanOrEqual(2);
    expect(last(timeline).maxAllocated.write).toBeGreaterThan(10); // boosted above its 10-WCU share
  },
  'hot-partition-static': (timeline) => {
    expect(throttledCount(last(timeline))).toBeGreaterThan(0); // keeps throttling
    expect(last(timeline).maxAllocated.write).toBe(10);
  },
  'heat-split': (timeline) => {
    expect(total(timeline)).toBeGreaterThan(0);
    expect(last(timeline).splits['heat']).toBeGreaterThanOrEqual(1);
    expect(last(timeline).partitions.table).toBeGreaterThan(8);
    expect(throttledCount(last(timeline))).toBe(0);
  },
  'single-hot-item': (timeline) => {
    expect(last(timeline).splits['heat']).toBeUndefined();
    expect(throttledCount(last(timeline))).toBeGreaterThan(0);
  },
  'sequential-sort-keys': (timeline) => {
    expect(last(timeline).splits['heat']).toBeUndefined();
  },
  'lsi-collection': (timeline) => {
    // The collection is never split (boundaries inside it are checked in test/partitions-integration)
    // nor isolated: it stays capped at the partition ceiling and keeps throttling.
    expect(last(timeline).splits['isolation']).toBeUndefined();
    expect(throttledCount(last(timeline))).toBeGreaterThan(100);
  },
  'on-demand-peak': (timeline) => {
    expect(total(timeline, 'steady')).toBe(0);
    expect(total(timeline, 'double')).toBe(0); // within twice the previous peak: served at once
    expect(total(timeline, 'jump')).toBeGreaterThan(0);
    // Scaled: the new peak is adopted and the hot partitions split; at most a stray throttle remains
    // (40 KB items make per-second partition load lumpy).
    const tail = timeline.intervals.slice(-3).reduce((sum, interval) => sum + throttledCount(interval), 0);
    expect(tail).toBeLessThanOrEqual(5);
    expect(last(timeline).partitions.table).toBeGreaterThan(8);
  },
  'gsi-underprovisioned': (timeline) => {
    const reasons = new Set(timeline.intervals.flatMap((interval) => Object.keys(interval.throttled)));
    expect([...reasons]).toEqual(['IndexWriteProvisionedThroughputExceeded']);
    // The unindexed line is never throttled: at least its 20/s pass in every 10 s interval.
    for (const interval of timeline.intervals) expect(interval.admitted.write).toBeGreaterThanOrEqual(200);
  },
  'update-table-raise': (timeline) => {
    expect(total(timeline, 'before')).toBeGreaterThan(0);
    expect(last(timeline).partitions.table).toBe(4);
    expect(throttledCount(last(timeline))).toBe(0);
  },
};

describe('capacity scenarios', () => {
  for (const { name, spec, expectedPath } of loadScenarios()) {
    it(name, async () => {
      const timeline = await runScenario(spec);
      if (REWRITE) writeFileSync(expectedPath, `${JSON.stringify(timeline, null, 2)}\n`);
      CHECKS[name]?.(timeline);
      if (!existsSync(expectedPath)) throw new Error(`${expectedPath} is missing: run SILT_REWRITE=1 npx vitest run test/partitions-scenarios`);
      expect(timeline).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')) as Timeline);
    }, 60_000);
  }

  it('every scenario states what it checks', () => {
    for (const { name } of loadScenarios()) expect(Object.keys(CHECKS)).toContain(name);
  });
});
