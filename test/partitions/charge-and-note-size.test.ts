/**
 * PartitionManager.chargeAndNoteSize (the single-call hot path of a write's base charge) against
 * its definition, charge then noteSize: two managers fed the same random operations — tickets
 * charged at once or held across size splits and across a replaced map — must describe the same
 * partitions, splits, throttles, balances and hot keys at every step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Store } from '../../engine/lsm/index.js';
import { encodeStorageKey } from '../../engine/model/storage-key.js';
import { isThrottle, PartitionManager, type Admission, type ThroughputSettings } from '../../engine/partitions/index.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';

const SETTINGS: ThroughputSettings = { billingMode: 'PROVISIONED', readUnitsPerSecond: 500, writeUnitsPerSecond: 500 };
const PREFIX_BYTES = 6;

type Op =
  | { type: 'write'; key: number; units: number; deltaBytes: number; hold: boolean }
  | { type: 'chargeHeld' }
  | { type: 'advance'; ms: number }
  | { type: 'idle' }
  | { type: 'replaceMap' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ type: fc.constant('write' as const), key: fc.nat(40), units: fc.integer({ min: 0, max: 5 }), deltaBytes: fc.integer({ min: -200, max: 600 }), hold: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant({ type: 'chargeHeld' as const }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 1500 }) }) },
  { weight: 2, arbitrary: fc.constant({ type: 'idle' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'replaceMap' as const }) },
);

async function open(clock: ManualClock): Promise<PartitionManager> {
  const store = await Store.open({ path: '/db', sync: 'none', env: { fs: new MemoryFileSystem(), clock, random: new SeededRandom(1) } });
  const manager = await PartitionManager.open(store, clock, { mode: 'modelled', splitSizeBytes: 1000, topKeys: 3 });
  await manager.createMap(1, 0, SETTINGS, false, 'S');
  return manager;
}

/** Whole storage keys: the manager reads their suffix at PREFIX_BYTES, as the table layer passes them. */
const KEYS = Array.from({ length: 41 }, (_, i) => encodeStorageKey(1, 0, { S: `key${i}` }, []));

describe('PartitionManager.chargeAndNoteSize', () => {
  it('does what charge then noteSize do, tickets held across splits and map replacement included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 80 }), async (ops) => {
        const clock = new ManualClock(1_000_000);
        const reference = await open(clock);
        const fast = await open(clock);
        type Held = { key: Uint8Array; units: number; deltaBytes: number; tickets: [Admission, Admission] };
        let held: Held[] = [];
        const chargeBoth = (h: Held): void => {
          reference.charge(1, 0, h.tickets[0], 'write', h.units, h.key, PREFIX_BYTES);
          if (h.deltaBytes !== 0) reference.noteSize(1, 0, h.key, h.deltaBytes, PREFIX_BYTES);
          fast.chargeAndNoteSize(1, 0, h.tickets[1], 'write', h.units, h.key, PREFIX_BYTES, h.deltaBytes);
        };
        for (const step of ops) {
          if (step.type === 'write') {
            const key = KEYS[step.key]!;
            const a = reference.admit(1, 0, 'write', key, PREFIX_BYTES);
            const b = fast.admit(1, 0, 'write', key, PREFIX_BYTES);
            expect(isThrottle(a)).toBe(isThrottle(b));
            if (isThrottle(a) || isThrottle(b)) continue;
            const h: Held = { key, units: step.units, deltaBytes: step.deltaBytes, tickets: [a, b] };
            if (step.hold) held.push(h);
            else chargeBoth(h);
          } else if (step.type === 'chargeHeld') {
            for (const h of held) chargeBoth(h);
            held = [];
          } else if (step.type === 'advance') {
            clock.advance(step.ms);
          } else if (step.type === 'idle') {
            await reference.idle();
            await fast.idle();
          } else {
            await reference.createMap(1, 0, SETTINGS, false, 'S');
            await fast.createMap(1, 0, SETTINGS, false, 'S');
          }
          await reference.idle();
          await fast.idle();
          expect(fast.describe(1)).toEqual(reference.describe(1));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a ticket held across a size split notes its size on the child that now holds the key', async () => {
    const clock = new ManualClock(1_000_000);
    const manager = await open(clock);
    const key = KEYS[0]!;
    const ticket = manager.admit(1, 0, 'write', key, PREFIX_BYTES);
    if (isThrottle(ticket)) throw new Error('admitted');
    manager.noteSize(1, 0, key, 1200, PREFIX_BYTES); // splits in two halves of 600
    await manager.idle();
    expect(manager.describe(1).length).toBe(2);
    manager.chargeAndNoteSize(1, 0, ticket, 'write', 1, key, PREFIX_BYTES, 500); // the child: 1100, splits
    await manager.idle();
    expect(manager.describe(1).length).toBe(3);
  });
});
