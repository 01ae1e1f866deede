import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../engine/lsm/index.js';
import { WriteCoordinator } from '../../engine/table/write-coordinator.js';
import { hash32 } from '../../engine/util/hash.js';
import { testEnv } from '../../fuzz/lsm/model.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
/** Two keys whose hash32 collide (found by search): the overlay must chain them, not confuse them. */
const COLLIDING = [bytes('key-99561'), bytes('key-120759')] as const;

describe('WriteCoordinator', () => {
  let store: Store;
  let coordinator: WriteCoordinator;
  beforeEach(async () => {
    store = await Store.open({ path: '/db', env: testEnv(), sync: 'none' });
    coordinator = new WriteCoordinator(store);
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps keys whose hashes collide apart, while in flight and after', async () => {
    const [a, b] = COLLIDING;
    expect(hash32(a)).toBe(hash32(b));
    const first = coordinator.submit([{ type: 'put', key: a, value: bytes('A') }]);
    expect(coordinator.read(b)).toBeUndefined();
    const second = coordinator.submit([{ type: 'put', key: b, value: bytes('B') }], true);
    expect(coordinator.read(a)).toEqual(bytes('A'));
    expect(coordinator.read(b)).toEqual(bytes('B'));
    expect(coordinator.inTransaction(a)).toBe(false);
    expect(coordinator.inTransaction(b)).toBe(true);
    const third = coordinator.submit([{ type: 'delete', key: a }]);
    expect(coordinator.read(a)).toBeUndefined();
    expect(coordinator.read(b)).toEqual(bytes('B'));
    await Promise.all([first, second, third]);
    expect(coordinator.inTransaction(b)).toBe(false);
    expect(coordinator.read(a)).toBeUndefined();
    expect(coordinator.read(b)).toEqual(bytes('B'));
  });

  it('a write the store commits on the spot takes no overlay entry: reading it observes nothing in flight', async () => {
    const write = coordinator.submit([{ type: 'put', key: bytes('now'), value: bytes('1') }]);
    expect(store.get(bytes('now'))).toEqual(bytes('1')); // committed before submit returned
    expect(coordinator.read(bytes('now'))).toEqual(bytes('1'));
    expect(coordinator.takeObserved()).toBeUndefined();
    await write;
  });

  it('while anything is in flight, a write takes the overlay: it shadows the in-flight one and is observed', async () => {
    const transaction = coordinator.submit([{ type: 'put', key: bytes('k'), value: bytes('t') }], true);
    const later = coordinator.submit([{ type: 'put', key: bytes('k'), value: bytes('w') }]);
    expect(coordinator.read(bytes('k'))).toEqual(bytes('w'));
    expect(coordinator.takeObserved()).toBeDefined();
    await Promise.all([transaction, later]);
    expect(coordinator.read(bytes('k'))).toEqual(bytes('w'));
    expect(coordinator.takeObserved()).toBeUndefined();
  });

  it('read() is the last submitted state of every key, at every point (model)', async () => {
    const keys = [...COLLIDING, bytes('x'), bytes('y'), new Uint8Array(0)];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            ops: fc.array(fc.record({ key: fc.nat({ max: keys.length - 1 }), value: fc.option(fc.nat({ max: 9 }), { nil: undefined }) }), { minLength: 1, maxLength: 3 }),
            transactional: fc.boolean(),
            awaitIt: fc.boolean(),
          }),
          { maxLength: 12 },
        ),
        async (batches) => {
          const model = new Map<number, Uint8Array | undefined>();
          for (const [index, key] of keys.entries()) model.set(index, coordinator.read(key));
          const inFlight: Promise<void>[] = [];
          for (const batch of batches) {
            const ops = batch.ops.map(({ key, value }) =>
              value === undefined ? { type: 'delete' as const, key: keys[key]! } : { type: 'put' as const, key: keys[key]!, value: Uint8Array.of(value) },
            );
            const done = coordinator.submit(ops, batch.transactional);
            for (const { key, value } of batch.ops) model.set(key, value === undefined ? undefined : Uint8Array.of(value));
            for (const [index, key] of keys.entries()) expect(coordinator.read(key)).toEqual(model.get(index));
            if (batch.awaitIt) await done;
            else inFlight.push(done);
          }
          await Promise.all(inFlight);
          for (const [index, key] of keys.entries()) {
            expect(coordinator.read(key)).toEqual(model.get(index));
            expect(store.get(key)).toEqual(model.get(index));
            expect(coordinator.inTransaction(key)).toBe(false);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
