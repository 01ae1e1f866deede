/**
 * The concurrency campaign's checkers on hand-made histories: valid ones pass, each kind of
 * violation is caught (stale read, lost update, two successful CAS on one value, real-time order;
 * incompatible list orders, aborted reads, garbage, G0/G1c/G2 cycles, internal inconsistency).
 */
import { describe, expect, it } from 'vitest';
import { checkRegisterHistory, type RegisterOp, type TimedOp } from '../../../fuzz/concurrency/linearizability.js';
import { checkListAppendHistory, type Txn } from '../../../fuzz/concurrency/list-append.js';

const op = (label: string, invokedAt: number, completedAt: number, o: RegisterOp): TimedOp<RegisterOp> => ({ label, invokedAt, completedAt, op: o });

describe('linearizability checker (single-key register)', () => {
  it('accepts a sequential history', () => {
    const result = checkRegisterHistory([op('w1', 0, 1, { kind: 'write', value: 'a', old: undefined }), op('r', 2, 3, { kind: 'read', value: 'a' }), op('d', 4, 5, { kind: 'delete', old: 'a' }), op('r2', 6, 7, { kind: 'read', value: undefined })]);
    expect(result).toEqual({ ok: true, order: ['w1', 'r', 'd', 'r2'] });
  });

  it('accepts concurrent operations in either order', () => {
    // w(a) and w(b) overlap; reads after both see b, so w(a) came first — but w(b) saw old a.
    const history = [op('wa', 0, 10, { kind: 'write', value: 'a', old: undefined }), op('wb', 1, 9, { kind: 'write', value: 'b', old: 'a' }), op('r', 11, 12, { kind: 'read', value: 'b' })];
    expect(checkRegisterHistory(history).ok).toBe(true);
    // A read overlapping a write may see the old or the new value.
    expect(checkRegisterHistory([op('w', 0, 10, { kind: 'write', value: 'a', old: undefined }), op('r', 1, 2, { kind: 'read', value: undefined })]).ok).toBe(true);
    expect(checkRegisterHistory([op('w', 0, 10, { kind: 'write', value: 'a', old: undefined }), op('r', 1, 2, { kind: 'read', value: 'a' })]).ok).toBe(true);
  });

  it('rejects a stale read after a completed write', () => {
    expect(checkRegisterHistory([op('w', 0, 1, { kind: 'write', value: 'a', old: undefined }), op('r', 2, 3, { kind: 'read', value: undefined })]).ok).toBe(false);
  });

  it('rejects a read going back in time', () => {
    const history = [op('w1', 0, 1, { kind: 'write', value: 'a', old: undefined }), op('w2', 2, 20, { kind: 'write', value: 'b', old: 'a' }), op('r1', 3, 4, { kind: 'read', value: 'b' }), op('r2', 5, 6, { kind: 'read', value: 'a' })];
    expect(checkRegisterHistory(history).ok).toBe(false);
  });

  it('rejects two successful compare-and-sets from the same value (lost update)', () => {
    const history = [op('w', 0, 1, { kind: 'write', value: 'a', old: undefined }), op('c1', 2, 10, { kind: 'cas', expected: 'a', value: 'b', ok: true }), op('c2', 3, 9, { kind: 'cas', expected: 'a', value: 'c', ok: true })];
    expect(checkRegisterHistory(history).ok).toBe(false);
  });

  it('rejects a failed compare-and-set whose expected value was certainly there', () => {
    expect(checkRegisterHistory([op('w', 0, 1, { kind: 'write', value: 'a', old: undefined }), op('c', 2, 3, { kind: 'cas', expected: 'a', value: 'b', ok: false })]).ok).toBe(false);
  });


  it('rejects a write reporting a wrong old value', () => {
    expect(checkRegisterHistory([op('w1', 0, 1, { kind: 'write', value: 'a', old: undefined }), op('w2', 2, 3, { kind: 'write', value: 'b', old: undefined })]).ok).toBe(false);
  });
});

const txn = (label: string, invokedAt: number, completedAt: number, ops: Txn['ops'], committed = true): Txn => ({ label, invokedAt, completedAt, committed, ops });

describe('list-append serializability checker (Elle)', () => {
  it('accepts a serial history', () => {
    const history = [
      txn('T1', 0, 1, [{ kind: 'append', key: 'x', value: 1 }, { kind: 'append', key: 'y', value: 1 }]),
      txn('T2', 2, 3, [{ kind: 'append', key: 'x', value: 2 }, { kind: 'read', key: 'x', list: [1, 2] }]),
      txn('T3', 4, 5, [{ kind: 'read', key: 'x', list: [1, 2] }, { kind: 'read', key: 'y', list: [1] }]),
    ];
    expect(checkListAppendHistory(history)).toEqual({ ok: true, anomalies: [] });
  });

  it('rejects incompatible orders', () => {
    const history = [txn('A', 0, 1, [{ kind: 'append', key: 'x', value: 1 }]), txn('B', 0, 1, [{ kind: 'append', key: 'x', value: 2 }]), txn('R1', 2, 3, [{ kind: 'read', key: 'x', list: [1, 2] }]), txn('R2', 2, 3, [{ kind: 'read', key: 'x', list: [2, 1] }])];
    expect(checkListAppendHistory(history).anomalies[0]).toMatch(/incompatible order/);
  });

  it('rejects an aborted read and garbage', () => {
    const aborted = [txn('A', 0, 1, [{ kind: 'append', key: 'x', value: 1 }], false), txn('R', 2, 3, [{ kind: 'read', key: 'x', list: [1] }])];
    expect(checkListAppendHistory(aborted).anomalies[0]).toMatch(/G1a/);
    expect(checkListAppendHistory([txn('R', 0, 1, [{ kind: 'read', key: 'x', list: [7] }])]).anomalies[0]).toMatch(/garbage/);
  });

  it('rejects a transaction that does not see its own append', () => {
    const history = [txn('T', 0, 1, [{ kind: 'append', key: 'x', value: 1 }, { kind: 'read', key: 'x', list: [] }])];
    expect(checkListAppendHistory(history).anomalies[0]).toMatch(/internal/);
  });

  it('rejects a write skew (G2: a cycle of rw edges)', () => {
    // T1 reads x empty and appends to y; T2 reads y empty and appends to x; both commit.
    const history = [
      txn('T1', 0, 10, [{ kind: 'read', key: 'x', list: [] }, { kind: 'append', key: 'y', value: 1 }]),
      txn('T2', 0, 10, [{ kind: 'read', key: 'y', list: [] }, { kind: 'append', key: 'x', value: 1 }]),
      txn('R', 11, 12, [{ kind: 'read', key: 'x', list: [1] }, { kind: 'read', key: 'y', list: [1] }]),
    ];
    expect(checkListAppendHistory(history).cycle).toMatch(/-rw->.*-rw->/);
  });

  it('rejects a G1c cycle (ww then wr back)', () => {
    const history = [
      txn('T1', 0, 10, [{ kind: 'append', key: 'x', value: 1 }, { kind: 'read', key: 'y', list: [2] }]),
      txn('T2', 0, 10, [{ kind: 'append', key: 'x', value: 2 }, { kind: 'append', key: 'y', value: 2 }]),
      txn('R', 11, 12, [{ kind: 'read', key: 'x', list: [1, 2] }]),
    ];
    expect(checkListAppendHistory(history).ok).toBe(false);
  });

  it('real-time edges: a read that misses a completed append is a cycle only under strict serializability', () => {
    const history = [txn('W', 0, 1, [{ kind: 'append', key: 'x', value: 1 }]), txn('R', 2, 3, [{ kind: 'read', key: 'x', list: [] }])];
    expect(checkListAppendHistory(history, { realTime: false }).ok).toBe(true);
    expect(checkListAppendHistory(history).cycle).toMatch(/R -rw-> W|W -rt-> R/);
  });
});
