/**
 * Model test: a Memtable against a sorted array of (key, seq, type, value) in internal order.
 * Keys come from a small alphabet and short lengths so that equal keys, keys that are prefixes of
 * each other ([], [1], [1,0], [1,0,0]) and keys that tie on the tree's cached prefix (six bytes
 * after up to 16 leading zeros) are common.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Memtable } from '../../../engine/lsm/memtable/memtable.js';
import { DELETED, ValueType, compareUserKeySeq, type LookupResult } from '../../../engine/lsm/internal-key.js';
import type { InternalIterator } from '../../../engine/lsm/iterator.js';
import { SeededRandom } from '../../../engine/util/random.js';
import { bytesEqual } from '../../../engine/util/bytes.js';

interface Entry {
  key: Uint8Array;
  seq: number;
  type: ValueType;
  value: Uint8Array;
}

const keyArbitrary = fc.oneof(
  fc.constantFrom(
    new Uint8Array(0),
    Uint8Array.of(1),
    Uint8Array.of(1, 0),
    Uint8Array.of(1, 0, 0),
    Uint8Array.of(1, 0, 0, 0, 0, 0),
    Uint8Array.of(1, 0, 0, 0, 0, 0, 0),
    Uint8Array.of(255),
  ),
  fc.uint8Array({ minLength: 0, maxLength: 9 }).map((raw) => raw.map((byte) => [0, 1, 2, 255][byte % 4]!)),
  // Runs of leading zeros (the prefix skips up to 16) before a short tail: keys that tie on the
  // prefix's six-byte window after the zeros and differ later, as storage keys of one table do.
  fc
    .tuple(fc.integer({ min: 0, max: 18 }), fc.uint8Array({ minLength: 0, maxLength: 10 }).map((raw) => raw.map((byte) => [0, 1, 255][byte % 3]!)))
    .map(([zeros, tail]) => Uint8Array.from([...new Array<number>(zeros).fill(0), ...tail])),
);
const seqArbitrary = fc.integer({ min: 0, max: 60 });

const operationsArbitrary = fc.array(fc.record({ key: keyArbitrary, seq: seqArbitrary, delete: fc.boolean() }), {
  maxLength: 120,
});

function compareEntries(a: Entry, b: Entry): number {
  return compareUserKeySeq(a.key, a.seq, b.key, b.seq);
}

/** Builds both sides; a repeated (key, seq) is skipped, as the caller guarantees uniqueness. */
function build(seed: number, operations: readonly { key: Uint8Array; seq: number; delete: boolean }[]): [Memtable, Entry[]] {
  const memtable = new Memtable(new SeededRandom(seed));
  const model: Entry[] = [];
  operations.forEach((operation, index) => {
    if (model.some((entry) => entry.seq === operation.seq && bytesEqual(entry.key, operation.key))) return;
    const type = operation.delete ? ValueType.Delete : ValueType.Put;
    const value = operation.delete ? new Uint8Array(0) : Uint8Array.of(index & 0xff, index >> 8);
    memtable.add(operation.seq, type, operation.key, value);
    model.push({ key: operation.key, seq: operation.seq, type, value });
  });
  model.sort(compareEntries);
  return [memtable, model];
}

function modelGet(model: readonly Entry[], key: Uint8Array, seq: number): LookupResult {
  const entry = model.find((candidate) => bytesEqual(candidate.key, key) && candidate.seq <= seq);
  if (entry === undefined) return undefined;
  return entry.type === ValueType.Delete ? DELETED : entry.value;
}

/** Index of the first model entry >= (key, seq); model.length when none. */
function modelSeek(model: readonly Entry[], key: Uint8Array, seq: number): number {
  const index = model.findIndex((entry) => compareUserKeySeq(entry.key, entry.seq, key, seq) >= 0);
  return index === -1 ? model.length : index;
}

function current(iterator: InternalIterator): Entry {
  return { key: iterator.userKey(), seq: iterator.sequence(), type: iterator.valueType(), value: iterator.value() };
}

function expectSame(actual: Entry, expected: Entry | undefined): void {
  expect(expected).toBeDefined();
  expect([Array.from(actual.key), actual.seq, actual.type, Array.from(actual.value)]).toEqual([
    Array.from(expected!.key),
    expected!.seq,
    expected!.type,
    Array.from(expected!.value),
  ]);
}

describe('Memtable model', () => {
  it('get matches the model for every key and sequence', () => {
    fc.assert(
      fc.property(fc.integer(), operationsArbitrary, fc.array(fc.tuple(keyArbitrary, seqArbitrary), { maxLength: 40 }), (seed, operations, probes) => {
        const [memtable, model] = build(seed, operations);
        expect(memtable.entryCount).toBe(model.length);
        const probeList = [...probes, ...model.map((entry): [Uint8Array, number] => [entry.key, entry.seq])];
        for (const [key, seq] of probeList) {
          for (const at of [seq, seq - 1, seq + 1]) {
            const actual = memtable.get(key, at);
            const expected = modelGet(model, key, at);
            if (expected === undefined || expected === DELETED) expect(actual).toBe(expected);
            else expect(actual).toEqual(expected);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('forward and backward iteration match the model', () => {
    fc.assert(
      fc.property(fc.integer(), operationsArbitrary, (seed, operations) => {
        const [memtable, model] = build(seed, operations);
        const iterator = memtable.iterator();
        let index = 0;
        for (iterator.seekToFirst(); iterator.valid(); iterator.next()) expectSame(current(iterator), model[index++]);
        expect(index).toBe(model.length);
        index = model.length;
        for (iterator.seekToLast(); iterator.valid(); iterator.prev()) expectSame(current(iterator), model[--index]);
        expect(index).toBe(0);
        iterator.close();
      }),
      { numRuns: 300 },
    );
  });

  it('seek, then a walk of next/prev steps, matches the model', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        operationsArbitrary,
        fc.array(fc.tuple(keyArbitrary, seqArbitrary, fc.array(fc.boolean(), { maxLength: 6 })), { maxLength: 30 }),
        (seed, operations, seeks) => {
          const [memtable, model] = build(seed, operations);
          const iterator = memtable.iterator();
          for (const [key, seq, steps] of seeks) {
            iterator.seek(key, seq);
            let index = modelSeek(model, key, seq);
            for (const forwardStep of [undefined, ...steps]) {
              if (forwardStep !== undefined) {
                if (!iterator.valid()) break;
                if (forwardStep) {
                  iterator.next();
                  index++;
                } else {
                  iterator.prev();
                  index--;
                }
              }
              const inRange = index >= 0 && index < model.length;
              expect(iterator.valid()).toBe(inRange);
              if (inRange) expectSame(current(iterator), model[index]);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an iterator created early stays ordered while adds continue', () => {
    fc.assert(
      fc.property(fc.integer(), operationsArbitrary, operationsArbitrary, (seed, before, after) => {
        const [memtable, model] = build(seed, before);
        const iterator = memtable.iterator();
        iterator.seekToFirst();
        const seen: Entry[] = [];
        const added = new Set(model.map((entry) => `${Array.from(entry.key).join(',')}@${entry.seq}`));
        for (const [step, operation] of after.entries()) {
          const id = `${Array.from(operation.key).join(',')}@${operation.seq}`;
          if (!added.has(id)) {
            added.add(id);
            memtable.add(operation.seq, ValueType.Put, operation.key, new Uint8Array(0));
          }
          if (step % 2 === 0 && iterator.valid()) {
            seen.push(current(iterator));
            iterator.next();
          }
        }
        for (; iterator.valid(); iterator.next()) seen.push(current(iterator));
        for (let i = 1; i < seen.length; i++) expect(compareEntries(seen[i - 1]!, seen[i]!)).toBeLessThan(0);
        // Every entry present before the iterator was created is visited.
        if (model.length > 0) expect(seen.length).toBeGreaterThanOrEqual(model.length);
        expect(memtable.entryCount).toBe(added.size);
      }),
      { numRuns: 200 },
    );
  });

  it('at thousands of entries (inner splits), a walking iterator interleaved with adds matches the model', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 2_000, max: 6_000 }), (seed, count) => {
        const random = new SeededRandom(seed);
        const memtable = new Memtable(random);
        const model: Entry[] = [];
        const iterator = memtable.iterator();
        const walked: Entry[] = [];
        for (let i = 0; i < count; i++) {
          const key = new Uint8Array(random.int(10));
          for (let j = 0; j < key.length; j++) key[j] = [0, 1, 2, 255][random.int(4)]!;
          const entry: Entry = { key, seq: i, type: random.int(3) === 0 ? ValueType.Delete : ValueType.Put, value: Uint8Array.of(i & 0xff) };
          memtable.add(entry.seq, entry.type, entry.key, entry.value);
          model.push(entry);
          // Every 97th add, restart a forward walk; otherwise step it once (relocating after the add).
          if (i % 97 === 0) iterator.seekToFirst();
          else if (iterator.valid()) {
            const before = current(iterator);
            iterator.next();
            if (iterator.valid()) expect(compareEntries(before, current(iterator))).toBeLessThan(0);
            walked.push(before);
          }
        }
        expect(walked.length).toBeGreaterThan(0);
        model.sort(compareEntries);
        for (let probe = 0; probe < 200; probe++) {
          const target = model[random.int(model.length)]!;
          const seq = target.seq + random.int(3) - 1;
          const expected = modelGet(model, target.key, seq);
          const actual = memtable.get(target.key, seq);
          if (expected === undefined || expected === DELETED) expect(actual).toBe(expected);
          else expect(actual).toEqual(expected);
          iterator.seek(target.key, seq);
          const index = modelSeek(model, target.key, seq);
          if (index < model.length) expectSame(current(iterator), model[index]);
          else expect(iterator.valid()).toBe(false);
          if (index > 0 && index < model.length) {
            iterator.prev();
            expectSame(current(iterator), model[index - 1]);
          }
        }
        let index = model.length;
        for (iterator.seekToLast(); iterator.valid(); iterator.prev()) expectSame(current(iterator), model[--index]);
        expect(index).toBe(0);
      }),
      { numRuns: 8 },
    );
  });
});
