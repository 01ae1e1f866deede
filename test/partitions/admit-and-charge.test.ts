/**
 * PartitionManager.admitAndCharge (GetItem's single-call hot path: it reads, then admits and charges
 * at once) against its definition, admit then charge at the same instant: two managers fed the same
 * random reads and writes, on provisioned and on-demand maps (with an OnDemandThroughput cap), over
 * simulated time that runs them into the per-second ceilings, the buckets and the cap, must throttle
 * the same requests and describe the same partitions, balances, throttles and hot keys at every step.
 * At the runtime level, every slot of every lane's row is compared, across map changes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Store } from '../../engine/lsm/index.js';
import { encodeStorageKey } from '../../engine/model/storage-key.js';
import { isThrottle, PartitionManager, type AccessKind, type ThroughputSettings } from '../../engine/partitions/index.js';
import { MapRuntime, PartitionState, type RuntimeOptions } from '../../engine/partitions/map-runtime.js';
import { partitionCountFor } from '../../engine/partitions/partition-manager.js';
import { growTo, initialMap } from '../../engine/partitions/partition-map.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';

const PREFIX_BYTES = 6;
const PROVISIONED: ThroughputSettings = { billingMode: 'PROVISIONED', readUnitsPerSecond: 300, writeUnitsPerSecond: 100 };
/** Provisioned over 6 partitions (the rule of thumb: 9,000 / 3,000 + 3,000 / 1,000). */
const PROVISIONED_WIDE: ThroughputSettings = { billingMode: 'PROVISIONED', readUnitsPerSecond: 9000, writeUnitsPerSecond: 3000 };
const ON_DEMAND: ThroughputSettings = { billingMode: 'PAY_PER_REQUEST', readUnitsPerSecond: 12_000, writeUnitsPerSecond: 4000, maxReadUnitsPerSecond: 400 };

type Op = { type: 'access'; kind: AccessKind; key: number; units: number; repeat: number } | { type: 'advance'; ms: number };
/** The runtime-level property also changes the map (`partitions` more of them), or installs it again. */
type RuntimeOp = Op | { type: 'grow'; partitions: number } | { type: 'reinstall' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant('access' as const),
      kind: fc.constantFrom<AccessKind>('read', 'write'),
      key: fc.nat(30),
      units: fc.constantFrom(0, 0.5, 1, 2, 4, 50),
      repeat: fc.integer({ min: 1, max: 40 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 70_000 }) }) },
);

async function open(clock: ManualClock, settings: ThroughputSettings): Promise<PartitionManager> {
  const store = await Store.open({ path: '/db', sync: 'none', env: { fs: new MemoryFileSystem(), clock, random: new SeededRandom(1) } });
  const manager = await PartitionManager.open(store, clock, { mode: 'modelled', topKeys: 3 });
  await manager.createMap(1, 0, settings, false, 'S');
  return manager;
}

const KEYS = Array.from({ length: 31 }, (_, i) => encodeStorageKey(1, 0, { S: `key${i % 4 === 0 ? 'hot' : i}` }, [{ N: String(i) }]));

describe('PartitionManager.admitAndCharge', () => {
  it('throttles and accounts exactly as admit then charge at the same instant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(PROVISIONED, ON_DEMAND), fc.array(op, { minLength: 1, maxLength: 60 }), async (settings, ops) => {
        const clock = new ManualClock(1_000_000);
        const reference = await open(clock, settings);
        const fast = await open(clock, settings);
        for (const step of ops) {
          if (step.type === 'advance') {
            clock.advance(step.ms);
          } else {
            const key = KEYS[step.key]!;
            for (let i = 0; i < step.repeat; i++) {
              const admitted = reference.admit(1, 0, step.kind, key, PREFIX_BYTES);
              if (!isThrottle(admitted) && step.units !== 0) reference.charge(1, 0, admitted, step.kind, step.units, key, PREFIX_BYTES);
              const throttle = fast.admitAndCharge(1, 0, step.kind, key, PREFIX_BYTES, step.units);
              expect(throttle).toEqual(isThrottle(admitted) ? admitted : undefined);
            }
          }
          await reference.idle();
          await fast.idle();
          expect(fast.describe(1)).toEqual(reference.describe(1));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('leaves every lane figure (balances, windows, last units, sample countdown, heat) as admit then charge leave it, across map changes', () => {
    // At the runtime: admitAndCharge's row fast path against the object path, compared slot by slot,
    // also after map changes (more partitions, or the same map installed again).
    const options: RuntimeOptions = { adaptive: true, heatThresholdFraction: 0.8, heatWindowMs: 2000, controllerIntervalMs: 1000, onDemandScaleWindowMs: 60_000, topKeys: 3 };
    const steps: fc.Arbitrary<RuntimeOp> = fc.oneof(
      { weight: 10, arbitrary: op },
      { weight: 1, arbitrary: fc.record({ type: fc.constant('grow' as const), partitions: fc.integer({ min: 1, max: 3 }) }) },
      { weight: 1, arbitrary: fc.constant({ type: 'reinstall' as const }) },
    );
    fc.assert(
      fc.property(fc.constantFrom(PROVISIONED, PROVISIONED_WIDE, ON_DEMAND), fc.array(steps, { minLength: 1, maxLength: 60 }), (settings, ops) => {
        const runtime = (): MapRuntime => new MapRuntime(initialMap(1, 0, { ...settings }, false, 'S', partitionCountFor(settings)), 1_000_000, options, () => {});
        const reference = runtime();
        const fast = runtime();
        let now = 1_000_000;
        for (const step of ops) {
          if (step.type === 'advance') {
            now += step.ms;
            continue;
          }
          if (step.type === 'grow') {
            for (const r of [reference, fast]) r.install(growTo(r.map, r.map.partitions.length + step.partitions, 'throughput', now), now, new Map());
            continue;
          }
          if (step.type === 'reinstall') {
            // The same map again, on the fast runtime only: its lanes must keep every value.
            // Installing refills each provisioned lane to `now`, so the reference's are refilled to match.
            fast.install(fast.map, now, new Map());
            for (const state of reference.states) for (const lane of [state.read, state.write]) if (lane.provisioned) lane.refill(now);
            continue;
          }
          const key = KEYS[step.key]!;
          for (let i = 0; i < step.repeat; i++) {
            const admitted = reference.admit(step.kind, key, PREFIX_BYTES, now);
            if (admitted instanceof PartitionState && step.units !== 0) reference.charge(admitted, step.kind, step.units, key, PREFIX_BYTES, now);
            expect(fast.admitAndCharge(step.kind, key, PREFIX_BYTES, now, step.units)).toEqual(admitted instanceof PartitionState ? undefined : admitted);
          }
          for (let p = 0; p < reference.states.length; p++) {
            expect(Array.from(fast.states[p]!.read.row)).toEqual(Array.from(reference.states[p]!.read.row));
            expect(Array.from(fast.states[p]!.write.row)).toEqual(Array.from(reference.states[p]!.write.row));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('unlimited: admits everything and records nothing', async () => {
    const clock = new ManualClock(0);
    const store = await Store.open({ path: '/db', sync: 'none', env: { fs: new MemoryFileSystem(), clock, random: new SeededRandom(1) } });
    const manager = await PartitionManager.open(store, clock, { mode: 'unlimited' });
    for (let i = 0; i < 10_000; i++) expect(manager.admitAndCharge(1, 0, 'read', KEYS[0]!, PREFIX_BYTES, 1000)).toBeUndefined();
  });
});
