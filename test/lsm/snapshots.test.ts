/**
 * SnapshotList: reference counts per sequence, oldest() with and without live snapshots, release
 * semantics (idempotent, the other snapshots at the same sequence stay), and use after release.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnapshotList, type Snapshot } from '../../engine/lsm/snapshots.js';
import { ClosedError } from '../../engine/util/errors.js';

describe('SnapshotList', () => {
  it('reports the fallback when no snapshot is live', () => {
    const list = new SnapshotList();
    expect(list.oldest(42)).toBe(42);
    expect(list.size).toBe(0);
  });

  it('oldest is the smallest live sequence, never above the fallback', () => {
    const list = new SnapshotList();
    const a = list.create(10);
    const b = list.create(5);
    const c = list.create(20);
    expect(list.oldest(100)).toBe(5);
    expect(list.oldest(3)).toBe(3); // the fallback is the last sequence: nothing can be older
    b.release();
    expect(list.oldest(100)).toBe(10);
    a.release();
    c.release();
    expect(list.oldest(100)).toBe(100);
  });

  it('counts several snapshots at one sequence; releasing one keeps the others', () => {
    const list = new SnapshotList();
    const first = list.create(7);
    const second = list.create(7);
    expect(list.size).toBe(2);
    first.release();
    expect(list.size).toBe(1);
    expect(list.oldest(50)).toBe(7);
    first.release(); // idempotent: must not drop `second`'s reference
    expect(list.size).toBe(1);
    expect(list.oldest(50)).toBe(7);
    second.release();
    expect(list.size).toBe(0);
    expect(list.oldest(50)).toBe(50);
  });

  it('a released snapshot refuses reads; a live one does not', () => {
    const list = new SnapshotList();
    const snapshot = list.create(3);
    expect(() => snapshot.requireLive()).not.toThrow();
    expect(snapshot.released).toBe(false);
    snapshot.release();
    expect(snapshot.released).toBe(true);
    expect(() => snapshot.requireLive()).toThrow(ClosedError);
    expect(snapshot.sequence).toBe(3);
  });

  it('matches a multiset model under random create/release', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.record({ create: fc.nat({ max: 30 }) }), fc.record({ release: fc.nat() })), { maxLength: 80 }), (ops) => {
        const list = new SnapshotList();
        const live: Snapshot[] = [];
        const all: Snapshot[] = [];
        for (const op of ops) {
          if ('create' in op) {
            const snapshot = list.create(op.create);
            live.push(snapshot);
            all.push(snapshot);
          } else if (all.length > 0) {
            const snapshot = all[op.release % all.length]!;
            snapshot.release();
            const index = live.indexOf(snapshot);
            if (index >= 0) live.splice(index, 1);
          }
          expect(list.size).toBe(live.length);
          expect(list.oldest(1000)).toBe(Math.min(1000, ...live.map((s) => s.sequence)));
        }
      }),
    );
  });
});
