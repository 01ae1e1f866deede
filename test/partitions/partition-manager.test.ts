/**
 * The partition manager end to end over a real Store (in memory) and a ManualClock: admission and
 * throttle reasons, burst, ceilings, adaptive capacity, splits for throughput, size, heat and
 * isolation, durability across reopen, unlimited mode, and failure reporting from idle().
 */
import { describe, expect, it } from 'vitest';
import { Store } from '../../engine/lsm/index.js';
import { encodeStorageKey } from '../../engine/model/storage-key.js';
import { isThrottle, PartitionManager, partitionCountFor, type PartitionOptions, type ThroughputSettings } from '../../engine/partitions/index.js';
import { hashBoundary, hashOfKey } from '../../engine/partitions/key-space.js';
import { ManualClock } from '../../engine/util/clock.js';
import { InvalidArgumentError } from '../../engine/util/errors.js';
import { SeededRandom } from '../../engine/util/random.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';

const PROVISIONED = (read: number, write: number): ThroughputSettings => ({ billingMode: 'PROVISIONED', readUnitsPerSecond: read, writeUnitsPerSecond: write });
const ON_DEMAND: ThroughputSettings = { billingMode: 'PAY_PER_REQUEST', readUnitsPerSecond: 0, writeUnitsPerSecond: 0 };

async function setup(options: Partial<PartitionOptions> = {}, fs = new MemoryFileSystem(), clock = new ManualClock(1_000_000)) {
  const store = await Store.open({ path: '/db', sync: 'none', env: { fs, clock, random: new SeededRandom(1) } });
  const manager = await PartitionManager.open(store, clock, { mode: 'modelled', ...options });
  return { store, manager, clock, fs };
}

function suffix(pk: string, sk?: string): Uint8Array {
  return encodeStorageKey(1, 0, { S: pk }, sk === undefined ? [] : [{ S: sk }]).subarray(6);
}

/** Distinct partition keys whose hash is below `hashLimit` (so they share the first partition). */
function keysBelow(hashLimit: number, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; out.length < count; i++) {
    const key = suffix(`k${i}`);
    if (hashOfKey(key) < hashLimit) out.push(key);
  }
  return out;
}

/**
 * `perSecond` one-unit writes spread evenly over each of `seconds` seconds, on keys chosen by `pick`;
 * returns throttles per second by reason.
 */
function drive(manager: PartitionManager, clock: ManualClock, seconds: number, perSecond: number, pick: (i: number) => Uint8Array, kind: 'read' | 'write' = 'write'): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  let n = 0;
  for (let s = 0; s < seconds; s++) {
    const counts: Record<string, number> = {};
    for (let i = 0; i < perSecond; i++) {
      const key = pick(n++);
      const result = manager.admit(1, 0, kind, key);
      if (isThrottle(result)) counts[result.reason] = (counts[result.reason] ?? 0) + 1;
      else manager.charge(1, 0, result, kind, 1, key);
      clock.advance(1000 / perSecond);
    }
    out.push(counts);
  }
  return out;
}

describe('PartitionManager', () => {
  it('creates maps with the rule-of-thumb partition count, evenly over the hash space', async () => {
    const { manager } = await setup();
    expect(partitionCountFor(PROVISIONED(100, 100))).toBe(1);
    expect(partitionCountFor(PROVISIONED(6000, 2000))).toBe(4);
    expect(partitionCountFor(ON_DEMAND)).toBe(8);
    await manager.createMap(1, 0, PROVISIONED(6000, 2000), false, 'S');
    await manager.createMap(1, 1, PROVISIONED(5, 5), false, 'S');
    const described = manager.describe(1);
    expect(described.map((p) => p.indexId)).toEqual([0, 0, 0, 0, 1]);
    expect(described[0]!.startKey).toEqual(new Uint8Array(0));
    expect(described[1]!.startKey).toEqual(hashBoundary(2 ** 30));
    expect(described[3]!.endKey).toBeNull();
    expect(described[0]!.allocatedReadUnits).toBe(1500);
    expect(described[0]!.allocatedWriteUnits).toBe(500);
    expect(described[0]!.burstWriteBalance).toBe(500 * 300);
    expect(() => manager.admit(2, 0, 'read', suffix('a'))).toThrow(InvalidArgumentError);
    await expect(manager.createMap(3, 0, PROVISIONED(0, 5), false)).rejects.toThrow(InvalidArgumentError);
  });

  it('provisioned: burst absorbs a spike; once spent, requests throttle with the table reason', async () => {
    const { manager, clock } = await setup();
    await manager.createMap(1, 0, PROVISIONED(10, 10), false, 'S');
    await manager.createMap(1, 2, PROVISIONED(10, 10), false, 'S');
    // 10 WCU: 10 allocated + 3,000 burst. 100/s for 30 s consumes 3,000 - 300 of burst: no throttles.
    const spike = drive(manager, clock, 30, 100, (i) => suffix(`p${i % 50}`));
    expect(spike.every((c) => Object.keys(c).length === 0)).toBe(true);
    const after = drive(manager, clock, 10, 100, (i) => suffix(`p${i % 50}`));
    const reasons = Object.keys(after.at(-1)!);
    expect(reasons).toEqual(['TableWriteProvisionedThroughputExceeded']);
    expect(after.at(-1)!.TableWriteProvisionedThroughputExceeded).toBeGreaterThanOrEqual(85);
    const throttle = manager.admit(1, 0, 'write', suffix('p1'));
    expect(isThrottle(throttle) && throttle.exception).toBe('ProvisionedThroughputExceededException');
    // Reads are tracked independently, and an index reports Index*.
    expect(isThrottle(manager.admit(1, 0, 'read', suffix('p1')))).toBe(false);
    const key = suffix('i');
    for (let i = 0; i < 4; i++) {
      manager.charge(1, 2, manager.admit(1, 2, 'write', key) as never, 'write', 900, key); // under the ceiling
      clock.advance(1000);
    }
    // The burst is overdrawn; the allocated bucket's one second of 10 units admits, then it throttles.
    manager.charge(1, 2, manager.admit(1, 2, 'write', key) as never, 'write', 10, key);
    const indexThrottle = manager.admit(1, 2, 'write', key);
    expect(isThrottle(indexThrottle) && indexThrottle.reason).toBe('IndexWriteProvisionedThroughputExceeded');
    expect(manager.describe(1)[0]!.throttles.TableWriteProvisionedThroughputExceeded).toBeGreaterThan(0);
  });

  it('a partition never exceeds its per-second ceiling, even with burst (KeyRangeThroughputExceeded)', async () => {
    const { manager, clock } = await setup();
    await manager.createMap(1, 0, PROVISIONED(1500, 500), false, 'S');
    const seconds = drive(manager, clock, 3, 1500, (i) => suffix(`c${i}`));
    for (const counts of seconds) expect(counts.TableWriteKeyRangeThroughputExceeded).toBe(500);
  });

  it('adaptive capacity lifts a hot partition while the table has headroom; without it, it keeps throttling', async () => {
    const results: number[] = [];
    for (const adaptive of [true, false]) {
      const { manager, clock } = await setup({ adaptive, splitOnHeat: false });
      await manager.createMap(1, 0, PROVISIONED(3000, 3000), false, 'S');
      await manager.setThroughput(1, 0, PROVISIONED(100, 400)); // 4 partitions stay: 100 WCU each
      expect(manager.describe(1).length).toBe(4);
      const hot = keysBelow(2 ** 30, 20);
      // Spend the hot partition's burst at once (a request charged after it ran may overdraw).
      const first = manager.admit(1, 0, 'write', hot[0]!);
      manager.charge(1, 0, first as never, 'write', 100 * 300 + 100, hot[0]!);
      const seconds = drive(manager, clock, 30, 150, (i) => hot[i % hot.length]!);
      const lateThrottles = seconds.slice(-5).reduce((a, c) => a + (c.TableWriteKeyRangeThroughputExceeded ?? 0) + (c.TableWriteProvisionedThroughputExceeded ?? 0), 0);
      results.push(lateThrottles);
      if (adaptive) expect(manager.describe(1)[0]!.allocatedWriteUnits).toBeGreaterThan(145);
      else expect(seconds.at(-1)!.TableWriteKeyRangeThroughputExceeded).toBeGreaterThan(40);
    }
    expect(results[0]).toBeLessThanOrEqual(5);
    expect(results[1]).toBeGreaterThan(200);
  });

  it('sustained heat splits the partition at the sketch point, and describe shows the split', async () => {
    const { manager, clock } = await setup({ heatWindowMs: 5000 });
    await manager.createMap(1, 0, ON_DEMAND, false, 'S');
    const hot = keysBelow(2 ** 29, 200);
    drive(manager, clock, 10, 950, (i) => hot[(i * 7919) % hot.length]!);
    await manager.idle();
    const described = manager.describe(1);
    expect(described.length).toBe(9);
    const children = described.filter((p) => p.splits.length > 0);
    expect(children.length).toBe(2);
    expect(children.every((p) => p.splits[0]!.cause === 'heat' && p.splits[0]!.from === 0)).toBe(true);
    expect(children[1]!.startKey.length).toBe(4);
    drive(manager, clock, 1, 100, (i) => hot[i % hot.length]!);
    expect(manager.describe(1).some((p) => p.hotKeys.length > 0 && p.splits.length > 0)).toBe(true);
  });

  it('a single hot item is isolated in a partition of its own, never split for heat', async () => {
    const { manager, clock } = await setup({ heatWindowMs: 5000 });
    await manager.createMap(1, 0, ON_DEMAND, false, 'S');
    const [item] = keysBelow(2 ** 29, 1);
    const others = keysBelow(2 ** 29, 40).slice(1);
    drive(manager, clock, 10, 990, (i) => (i % 10 === 0 ? others[i % others.length]! : item!));
    await manager.idle();
    const described = manager.describe(1);
    const causes = described.flatMap((p) => p.splits.map((s) => s.cause));
    expect(causes).not.toContain('heat');
    expect(causes).toContain('isolation');
    const h = hashOfKey(item!);
    const alone = described.find((p) => p.startKey.length === 4 && hashOfKey(p.startKey) === h);
    expect(alone?.endKey).toEqual(hashBoundary(h + 1));
    // The hot key's bytes are reported as enc(pk) ("k<i>" then the 00 01 terminator).
    drive(manager, clock, 1, 100, () => item!);
    const top = manager.describe(1).find((p) => p.partitionId === alone!.partitionId)!.hotKeys[0]!;
    expect(top.key).toEqual(item!.subarray(4));
    expect(top.units).toBeGreaterThan(0);
  });

  it('top keys: every charge of a quiet lane; one in TOP_KEYS_SAMPLE_ONE_IN of a busy one, weighted to stay unbiased', async () => {
    const quiet = await setup();
    await quiet.manager.createMap(1, 0, ON_DEMAND, false, 'S');
    const [a, b] = keysBelow(2 ** 29, 2);
    // 100 writes a second, below TOP_KEYS_EXACT_BELOW_UNITS_PER_SECOND: counted exactly.
    drive(quiet.manager, quiet.clock, 3, 100, (i) => (i % 4 === 0 ? b! : a!));
    const counted = quiet.manager.describe(1).flatMap((p) => p.hotKeys);
    expect(counted.map((hit) => hit.units).sort((x, y) => x - y)).toEqual([75, 225]);

    const busy = await setup();
    await busy.manager.createMap(1, 0, ON_DEMAND, false, 'S');
    const keys = keysBelow(2 ** 29, 8);
    // 2,000 one-unit reads a second for 20 s: the first second exactly, then sampled.
    drive(busy.manager, busy.clock, 20, 2000, (i) => keys[i % keys.length]!, 'read');
    const hits = busy.manager.describe(1).flatMap((p) => p.hotKeys);
    const total = hits.reduce((sum, hit) => sum + hit.units, 0);
    expect(total).not.toBe(40_000); // sampled, not counted
    expect(Math.abs(total - 40_000)).toBeLessThan(4000); // unbiased: ~3.5% standard error at this count
    expect(hits.every((hit) => hit.units > 2000)).toBe(true); // every key seen, each with a fair share
  });

  it('sequential sort-key traffic does not split; with LSIs a hot collection splits only at its edge', async () => {
    const sequential = await setup({ heatWindowMs: 5000 });
    await sequential.manager.createMap(1, 0, ON_DEMAND, false, 'S');
    drive(sequential.manager, sequential.clock, 10, 950, (i) => suffix('pk0', `s${String(i).padStart(8, '0')}`));
    await sequential.manager.idle();
    expect(sequential.manager.describe(1).length).toBe(8);

    const lsi = await setup({ heatWindowMs: 5000 });
    await lsi.manager.createMap(1, 0, ON_DEMAND, true, 'S');
    const pk = 'pk0';
    const h = hashOfKey(suffix(pk));
    drive(lsi.manager, lsi.clock, 10, 950, (i) => suffix(pk, `s${(i * 7919) % 1000}`));
    await lsi.manager.idle();
    const described = lsi.manager.describe(1);
    for (const p of described) expect(p.startKey.length === 0 || p.startKey.length === 4).toBe(true);
    expect(described.some((p) => p.startKey.length === 4 && hashOfKey(p.startKey) === h)).toBe(true);
  });

  it('splits for size at the hash midpoint, once, and the map survives a reopen', async () => {
    const fs = new MemoryFileSystem();
    const clock = new ManualClock(5000);
    const first = await setup({ splitSizeBytes: 1000 }, fs, clock);
    await first.manager.createMap(1, 0, PROVISIONED(5, 5), false, 'S');
    await first.manager.createMap(2, 0, PROVISIONED(5, 5), false, 'S');
    first.manager.noteSize(1, 0, suffix('a'), 600);
    first.manager.noteSize(1, 0, suffix('b'), 600);
    first.manager.noteSize(1, 0, suffix('c'), 600); // already pending: one split
    await first.manager.idle();
    const before = first.manager.describe(1);
    expect(before.map((p) => p.splits.map((s) => s.cause))).toEqual([['size'], ['size']]);
    expect(before[1]!.startKey).toEqual(hashBoundary(2 ** 31));
    await first.manager.dropTable(2);
    await first.store.close();
    const second = await setup({}, fs, clock);
    const after = second.manager.describe(1);
    expect(after.map((p) => [p.partitionId, p.startKey, p.endKey, p.splits])).toEqual(before.map((p) => [p.partitionId, p.startKey, p.endKey, p.splits]));
    expect(second.manager.describe(2)).toEqual([]);
    await second.store.close();
  });

  it('raising throughput adds partitions (throughput splits); lowering it never merges', async () => {
    const { manager } = await setup();
    await manager.createMap(1, 0, PROVISIONED(100, 100), false, 'S');
    await manager.setThroughput(1, 0, PROVISIONED(9000, 1000));
    expect(manager.describe(1).length).toBe(4);
    expect(manager.describe(1)[0]!.splits[0]!.cause).toBe('throughput');
    await manager.setThroughput(1, 0, PROVISIONED(10, 10));
    expect(manager.describe(1).length).toBe(4);
    expect(manager.describe(1)[0]!.allocatedWriteUnits).toBe(2.5);
  });

  it('a ticket from before a split is charged to the partition that now holds the key', async () => {
    const { manager } = await setup({ splitSizeBytes: 10 });
    await manager.createMap(1, 0, PROVISIONED(100, 100), false, 'S');
    const key = suffix('zz');
    const ticket = manager.admit(1, 0, 'read', key);
    manager.noteSize(1, 0, key, 100);
    await manager.idle();
    expect(() => manager.charge(1, 0, ticket as never, 'read', 1, key)).not.toThrow();
    const holder = manager.describe(1).find((p) => p.hotKeys.length > 0);
    expect(holder?.partitionId).not.toBe(0);
  });

  it('unlimited mode admits everything and still keeps durable maps', async () => {
    const { manager, clock } = await setup({ mode: 'unlimited' });
    await manager.createMap(1, 0, PROVISIONED(1, 1), false);
    const seconds = drive(manager, clock, 2, 5000, (i) => suffix(`u${i}`));
    expect(seconds.every((c) => Object.keys(c).length === 0)).toBe(true);
    expect(manager.describe(1).length).toBe(1);
    expect(manager.mode).toBe('unlimited');
  });

  it('reads time through the clock\'s coarseNow when modelled, and only now() when unlimited', async () => {
    /** now() runs on the ManualClock; coarseNow() is a second, separately set time. */
    class TwoTimeClock extends ManualClock {
      coarseMs = 1_000_000;
      coarseReads = 0;
      coarseNow(): number {
        this.coarseReads++;
        return this.coarseMs;
      }
    }
    const clock = new TwoTimeClock(1_000_000);
    const { manager } = await setup({}, new MemoryFileSystem(), clock);
    await manager.createMap(1, 0, PROVISIONED(1, 1), false, 'S');
    const key = suffix('k');
    const spend = (): boolean => manager.admitAndCharge(1, 0, 'write', key, 0, 1) === undefined;
    // A full write bucket holds 1 s + 300 s of burst at 1 WCU/s: spend it all at one coarse instant.
    let admitted = 0;
    while (spend()) admitted++;
    expect(admitted).toBeGreaterThan(200);
    // now() moving on refills nothing: the hot path never reads it.
    clock.advance(10_000);
    expect(spend()).toBe(false);
    clock.coarseMs += 10_000;
    expect(spend()).toBe(true);
    expect(clock.coarseReads).toBeGreaterThan(admitted);

    const unlimited = new TwoTimeClock(1_000_000);
    const other = await setup({ mode: 'unlimited' }, new MemoryFileSystem(), unlimited);
    await other.manager.createMap(1, 0, PROVISIONED(1, 1), false, 'S');
    expect(other.manager.admitAndCharge(1, 0, 'write', key, 0, 1)).toBeUndefined();
    expect(unlimited.coarseReads).toBe(0); // no ticker started for a database that models nothing
  });

  it('a background split that fails is reported by idle(), not swallowed', async () => {
    const { manager, store } = await setup({ splitSizeBytes: 10 });
    await manager.createMap(1, 0, PROVISIONED(5, 5), false);
    await store.close();
    manager.noteSize(1, 0, suffix('x'), 100);
    await expect(manager.idle()).rejects.toThrow();
    await expect(manager.idle()).rejects.toThrow();
    expect(manager.describe(1).length).toBe(1); // the in-memory map did not change
  });
});
