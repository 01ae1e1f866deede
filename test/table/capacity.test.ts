import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CapacityMeter,
  indexWriteUnits,
  readUnitsForBytes,
  readUnitsForItem,
  writeUnitsForItem,
} from '../../engine/table/capacity.js';
import { AssertionError } from '../../engine/util/assert.js';

const KB = 1024;

describe('read units', () => {
  it.each([
    // [size, consistent, transactional, units]
    [0, false, false, 0.5], // a missing item still costs the minimum
    [0, true, false, 1],
    [0, false, true, 2],
    [1, false, false, 0.5],
    [4 * KB, true, false, 1],
    [4 * KB + 1, true, false, 2],
    [3.5 * KB, true, false, 1], // 3.5 KB → 4 KB
    [10 * KB, true, false, 3], // 10 KB → 12 KB
    [10 * KB, false, false, 1.5],
    [10 * KB, false, true, 6], // transactions: 2 per 4 KB whatever the consistency flag says
    [400 * KB, true, false, 100],
  ])('item of %d bytes (consistent %s, transactional %s) costs %d', (size, consistent, transactional, units) => {
    expect(readUnitsForItem(size, consistent, transactional)).toBe(units);
  });

  it('Query/Scan sums the items then rounds once (§4.4 examples)', () => {
    // 10 items totalling 40.8 KB → 44 KB → 11 RCU strongly consistent.
    const sizes = Array.from({ length: 10 }, () => 4.08 * KB);
    const total = Math.round(sizes.reduce((a, b) => a + b, 0));
    expect(readUnitsForBytes(total, true)).toBe(11);
    expect(readUnitsForBytes(total, false)).toBe(5.5);
    // 1,500 items × 64 B = 96,000 B → 96 KB (93.75 KB rounded up) → 24 RCU.
    expect(readUnitsForBytes(1500 * 64, true)).toBe(24);
    expect(readUnitsForBytes(1500 * 64, false)).toBe(12);
    // Rounding each item separately instead would have charged 1,500.
    expect(1500 * readUnitsForItem(64, true)).toBe(1500);
  });

  it('an eventually consistent 1 MB Scan page reports 128.5 when the crossing item is included', () => {
    expect(readUnitsForBytes(1024 * KB, false)).toBe(128);
    expect(readUnitsForBytes(1024 * KB + 1, false)).toBe(128.5);
    expect(readUnitsForBytes(1024 * KB + 1, true)).toBe(257);
  });

  it('an empty page still costs the minimum', () => {
    expect(readUnitsForBytes(0, false)).toBe(0.5);
    expect(readUnitsForBytes(0, true)).toBe(1);
  });

  it('a GSI query of 8 × 2000 B costs 2 RCU eventually consistent (§11.1)', () => {
    expect(readUnitsForBytes(8 * 2000, false)).toBe(2);
  });

  it('BatchGetItem rounds each item separately: 1.5 KB + 6.5 KB → 12 KB', () => {
    expect(readUnitsForItem(1.5 * KB, true) + readUnitsForItem(6.5 * KB, true)).toBe(3);
  });

  it('rejects impossible sizes as bugs', () => {
    expect(() => readUnitsForItem(-1, true)).toThrow(AssertionError);
    expect(() => readUnitsForBytes(0.5, true)).toThrow(AssertionError);
    expect(() => writeUnitsForItem(Number.NaN)).toThrow(AssertionError);
  });

  it('property: units are monotone in size, a multiple of 0.5, and the page charge never exceeds per-item rounding', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 400 * KB }), { minLength: 1, maxLength: 50 }), fc.boolean(), (sizes, consistent) => {
        const total = sizes.reduce((a, b) => a + b, 0);
        const page = readUnitsForBytes(total, consistent);
        const perItem = sizes.reduce((sum, size) => sum + readUnitsForItem(size, consistent), 0);
        expect(page).toBeLessThanOrEqual(perItem);
        expect(Number.isInteger(page * 2)).toBe(true);
        expect(readUnitsForBytes(total + 1, consistent)).toBeGreaterThanOrEqual(page);
        expect(page).toBe((consistent ? 1 : 0.5) * Math.max(1, Math.ceil(total / (4 * KB))));
      }),
    );
  });
});

describe('write units', () => {
  it.each([
    [0, false, 1], // deleting a missing item costs 1
    [1, false, 1],
    [KB, false, 1],
    [KB + 1, false, 2],
    [1638, false, 2], // a 1.6 KB write costs 2
    [500, true, 2], // 3 × 500 B transactional → 6 WCU
    [400 * KB, false, 400],
    [400 * KB, true, 800],
  ])('item of %d bytes (transactional %s) costs %d', (size, transactional, units) => {
    expect(writeUnitsForItem(size, transactional)).toBe(units);
  });

  it('BatchWriteItem rounds per item: 500 B + 3.5 KB → 5 KB', () => {
    expect(writeUnitsForItem(500) + writeUnitsForItem(3.5 * KB)).toBe(5);
  });

  it('three 500 B transactional writes cost 6 WCU (§6.1)', () => {
    expect(3 * writeUnitsForItem(500, true)).toBe(6);
  });
});

describe('indexWriteUnits', () => {
  it.each([
    [undefined, undefined, false, true, 0],
    [undefined, 100, false, true, 1], // new entry: one put
    [undefined, 2.5 * KB, false, true, 3],
    [1500, undefined, false, true, 2], // indexed attribute removed: one delete of the old entry
    [500, 3.5 * KB, true, true, 5], // key changed: delete old (1) + put new (4), each rounded alone
    [1.5 * KB, 1.5 * KB, true, true, 4],
    [500, 3.5 * KB, false, true, 4], // same key: one write, the larger entry
    [3.5 * KB, 500, false, true, 4],
    [500, 500, false, false, 0], // projected entry unchanged: the index is not written
  ])('old %s, new %s, key changed %s, entry changed %s → %d', (oldBytes, newBytes, keyChanged, entryChanged, units) => {
    expect(indexWriteUnits(oldBytes, newBytes, keyChanged, entryChanged)).toBe(units);
  });

  it('the entry flag defaults to changed', () => {
    expect(indexWriteUnits(500, 500, false)).toBe(1);
  });
});

describe('CapacityMeter', () => {
  it('NONE renders nothing but still counts', () => {
    const meter = new CapacityMeter('NONE');
    meter.addRead('t', 0.5);
    expect(meter.forTable('t')).toBeUndefined();
    expect(meter.all()).toBeUndefined();
    expect(meter.totalUnits).toBe(0.5);
  });

  it('TOTAL: TableName and CapacityUnits with the kind consumed', () => {
    const meter = new CapacityMeter('TOTAL');
    meter.addRead('Music', 0.5);
    expect(meter.forTable('Music')).toStrictEqual({ TableName: 'Music', CapacityUnits: 0.5, ReadCapacityUnits: 0.5 });
    const writes = new CapacityMeter('TOTAL');
    writes.addWrite('Music', 2);
    writes.addWrite('Music', 1, { name: 'byAlbum', global: true });
    expect(writes.forTable('Music')).toStrictEqual({ TableName: 'Music', CapacityUnits: 3, WriteCapacityUnits: 3 });
  });

  it('TOTAL for a table nothing was charged to reports zero', () => {
    expect(new CapacityMeter('TOTAL').forTable('t')).toStrictEqual({ TableName: 't', CapacityUnits: 0 });
  });

  it('INDEXES: the table part, each LSI and GSI apart, and the sum on top (observed TransactWriteItems shape)', () => {
    const meter = new CapacityMeter('INDEXES');
    meter.addWrite('my-table', 6);
    meter.addWrite('my-table', 2, { name: 'gsi1', global: true });
    expect(meter.forTable('my-table')).toStrictEqual({
      TableName: 'my-table',
      CapacityUnits: 8,
      WriteCapacityUnits: 8,
      Table: { CapacityUnits: 6, WriteCapacityUnits: 6 },
      GlobalSecondaryIndexes: { gsi1: { CapacityUnits: 2, WriteCapacityUnits: 2 } },
    });
  });

  it('INDEXES: a query on an index leaves the table part at zero', () => {
    const meter = new CapacityMeter('INDEXES');
    meter.addRead('t', 0.5, { name: 'byDate', global: false });
    meter.addRead('t', 1, { name: 'byDate', global: false });
    expect(meter.forTable('t')).toStrictEqual({
      TableName: 't',
      CapacityUnits: 1.5,
      ReadCapacityUnits: 1.5,
      Table: { CapacityUnits: 0 },
      LocalSecondaryIndexes: { byDate: { CapacityUnits: 1.5, ReadCapacityUnits: 1.5 } },
    });
  });

  it('INDEXES: reads and writes on one table (a transaction with a condition check) report both kinds', () => {
    const meter = new CapacityMeter('INDEXES');
    meter.addRead('t', 2);
    meter.addWrite('t', 4);
    expect(meter.forTable('t')).toStrictEqual({
      TableName: 't',
      CapacityUnits: 6,
      ReadCapacityUnits: 2,
      WriteCapacityUnits: 4,
      Table: { CapacityUnits: 6, ReadCapacityUnits: 2, WriteCapacityUnits: 4 },
    });
  });

  it('all() lists one entry per table in first-charged order', () => {
    const meter = new CapacityMeter('TOTAL');
    meter.addRead('b', 1);
    meter.addRead('a', 0.5);
    meter.addRead('b', 3);
    expect(meter.all()).toStrictEqual([
      { TableName: 'b', CapacityUnits: 4, ReadCapacityUnits: 4 },
      { TableName: 'a', CapacityUnits: 0.5, ReadCapacityUnits: 0.5 },
    ]);
    expect(meter.totalUnits).toBe(4.5);
  });

  it('rejects units that are not multiples of 0.5', () => {
    expect(() => new CapacityMeter('TOTAL').addRead('t', 0.3)).toThrow(AssertionError);
    expect(() => new CapacityMeter('TOTAL').addWrite('t', -1)).toThrow(AssertionError);
  });

  it('property: the top-level total is the sum of the table and index parts', () => {
    const charge = fc.record({
      table: fc.constantFrom('a', 'b'),
      kind: fc.constantFrom('read' as const, 'write' as const),
      halves: fc.nat({ max: 1000 }),
      index: fc.option(fc.record({ name: fc.constantFrom('i1', 'i2'), global: fc.boolean() }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(charge, { maxLength: 30 }), (charges) => {
        const meter = new CapacityMeter('INDEXES');
        let expected = 0;
        for (const c of charges) {
          if (c.kind === 'read') meter.addRead(c.table, c.halves / 2, c.index);
          else meter.addWrite(c.table, c.halves / 2, c.index);
          expected += c.halves / 2;
        }
        let sum = 0;
        for (const consumed of meter.all()!) {
          let parts = consumed.Table!.CapacityUnits;
          for (const capacity of Object.values(consumed.LocalSecondaryIndexes ?? {})) parts += capacity.CapacityUnits;
          for (const capacity of Object.values(consumed.GlobalSecondaryIndexes ?? {})) parts += capacity.CapacityUnits;
          expect(parts).toBe(consumed.CapacityUnits);
          expect((consumed.ReadCapacityUnits ?? 0) + (consumed.WriteCapacityUnits ?? 0)).toBe(consumed.CapacityUnits);
          sum += consumed.CapacityUnits;
        }
        expect(sum).toBe(expected);
        expect(meter.totalUnits).toBe(expected);
      }),
    );
  });
});
