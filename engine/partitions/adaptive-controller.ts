/**
 * Adaptive capacity: the proportional controller of ATC 2022 §4.1.2, for one table (or index) and
 * one kind (reads or writes). It runs at most once per controller interval, from the hot path, on
 * the rates measured over the interval just ended; it only changes each partition's boost (the
 * rate above its equal share of the table's provisioned throughput).
 *
 * Per run, with R the table's rate, s the share (R / partitions), c the ceiling (3,000 / 1,000):
 *   - if the table consumed more than R: cut the boosts, in proportion to each, by the overshoot
 *     (the paper: "lower the boost when the table exceeds its provisioned total");
 *   - otherwise the headroom H = R − Σ consumed(non-throttled) − Σ s(throttled) is what the
 *     throttled partitions may borrow. Each throttled partition's target boost is its excess demand
 *     e = min(c, demand) − s, scaled down so the targets fit H (shares proportional to e); its boost
 *     moves `gain` of the way to the target. A partition that did not throttle keeps at most the
 *     boost it used (boosts decay toward consumption, never grow without throttling).
 * The target depends on demand and the others' consumption, not on the boost itself, so repeated
 * runs converge geometrically (factor 1 − gain) and never oscillate.
 *
 * Pure and synchronous: it reads and writes the `boostPerSecond` of the given records, nothing else.
 * Invariants (tested): 1. 0 <= boost <= max(0, c − s). 2. With steady demand, boosts converge and
 *   Σ consumed stays <= R. 3. When the table consumes more than R, no boost grows.
 */
import { assert } from '../util/assert.js';

export interface ControlledPartition {
  /** In and out: the rate granted above the share. */
  boostPerSecond: number;
  /** Units per second consumed over the interval. */
  consumedPerSecond: number;
  /** Units per second refused by throttling over the interval (an estimate of unmet demand). */
  throttledPerSecond: number;
}

export interface ControlInput {
  tableRatePerSecond: number;
  sharePerSecond: number;
  ceilingPerSecond: number;
  partitions: readonly ControlledPartition[];
}

export function adjustBoosts(input: ControlInput, gain: number): void {
  const { tableRatePerSecond: rate, sharePerSecond: share, ceilingPerSecond: ceiling, partitions } = input;
  assert(gain > 0 && gain <= 1 && rate >= 0 && share >= 0 && ceiling > 0, 'controller inputs');
  const boostMax = ceiling > share ? ceiling - share : 0;
  let consumed = 0;
  let boostTotal = 0;
  for (const p of partitions) {
    consumed += p.consumedPerSecond;
    boostTotal += p.boostPerSecond;
  }
  if (consumed > rate) {
    if (boostTotal <= 0) return;
    const cut = Math.min(boostTotal, consumed - rate);
    for (const p of partitions) p.boostPerSecond = clamp(p.boostPerSecond - (cut * p.boostPerSecond) / boostTotal, boostMax);
    return;
  }
  let headroom = rate;
  let excessTotal = 0;
  for (const p of partitions) {
    if (p.throttledPerSecond > 0) {
      headroom -= share;
      excessTotal += excessOf(p, share, ceiling);
    } else {
      headroom -= p.consumedPerSecond;
    }
  }
  if (headroom < 0) headroom = 0;
  const scale = excessTotal > headroom ? headroom / excessTotal : 1;
  for (const p of partitions) {
    if (p.throttledPerSecond > 0) {
      const target = excessOf(p, share, ceiling) * scale;
      p.boostPerSecond = clamp(p.boostPerSecond + gain * (target - p.boostPerSecond), boostMax);
    } else {
      const used = p.consumedPerSecond - share;
      if (p.boostPerSecond > used) p.boostPerSecond = clamp(p.boostPerSecond - gain * (p.boostPerSecond - used), boostMax);
    }
  }
}

function excessOf(p: ControlledPartition, share: number, ceiling: number): number {
  const demand = p.consumedPerSecond + p.throttledPerSecond;
  const wanted = demand < ceiling ? demand : ceiling;
  return wanted > share ? wanted - share : 0;
}

function clamp(boost: number, boostMax: number): number {
  // Tiny residues from the proportional steps are dropped so an idle boost reaches exactly zero.
  if (!(boost > 1e-9)) return 0;
  return boost < boostMax ? boost : boostMax;
}
