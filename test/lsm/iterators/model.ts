/**
 * Shared pieces of the iterator model tests: arbitraries for small internal-entry sets (user keys
 * from a tiny alphabet so prefixes, the empty key and many versions per key are common), a reference
 * cursor over a sorted array, and a decorator that records what a child iterator was asked to do.
 */
import fc from 'fast-check';
import { compareBytes } from '../../../engine/util/bytes.js';
import { ValueType } from '../../../engine/lsm/internal-key.js';
import type { InternalIterator } from '../../../engine/lsm/iterator.js';
import { compareInternalEntries, type InternalEntry } from '../../../engine/lsm/iterators/array-iterator.js';

export const SEQ_MAX_IN_TESTS = 40;

/** Keys over {0x00, 0x01, 0xff} of length 0..3: the empty key, prefixes, and bytes at both ends. */
export const userKeyArb: fc.Arbitrary<Uint8Array> = fc
  .array(fc.constantFrom(0x00, 0x01, 0xff), { maxLength: 3 })
  .map((bytes) => Uint8Array.from(bytes));

export const seqArb = fc.integer({ min: 0, max: SEQ_MAX_IN_TESTS });

export interface ChildEntry extends InternalEntry {
  child: number;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * Entries spread over `childCount` children. With `uniqueAcrossChildren`, (userKey, seq) is unique
 * over all children (as in a real store); otherwise only within each child, so identical internal
 * keys in several children exercise the merge's tie-break.
 */
export function childEntriesArb(uniqueAcrossChildren: boolean, maxChildren = 8): fc.Arbitrary<{ childCount: number; entries: ChildEntry[] }> {
  return fc.integer({ min: 1, max: maxChildren }).chain((childCount) =>
    fc
      .uniqueArray(
        fc.record({
          userKey: userKeyArb,
          seq: uniqueAcrossChildren ? seqArb : fc.integer({ min: 0, max: 4 }),
          type: fc.constantFrom<ValueType>(ValueType.Put, ValueType.Put, ValueType.Delete),
          value: fc.uint8Array({ maxLength: 3 }),
          child: fc.integer({ min: 0, max: childCount - 1 }),
        }),
        {
          maxLength: 60,
          selector: (entry) => (uniqueAcrossChildren ? '' : `${entry.child}/`) + `${hex(entry.userKey)}:${entry.seq}`,
        },
      )
      .map((entries) => ({ childCount, entries })),
  );
}

/** Internal order with ties broken by child index, as MergingIterator promises. */
export function compareChildEntries(a: ChildEntry, b: ChildEntry): number {
  return compareInternalEntries(a, b) || a.child - b.child;
}

export function sortedEntries<T extends InternalEntry>(entries: readonly T[]): T[] {
  return [...entries].sort(compareInternalEntries);
}

export function splitByChild(childCount: number, entries: readonly ChildEntry[]): InternalEntry[][] {
  const children: InternalEntry[][] = Array.from({ length: childCount }, () => []);
  for (const entry of entries) children[entry.child]!.push(entry);
  return children.map((child) => sortedEntries(child));
}

/** Index of the first entry >= (userKey, seq) by a linear scan: the contract, stated plainly. */
export function referenceSeek(sorted: readonly InternalEntry[], userKey: Uint8Array, seq: number): number {
  for (let i = 0; i < sorted.length; i++) {
    const entry = sorted[i]!;
    const byUser = compareBytes(entry.userKey, userKey);
    if (byUser > 0 || (byUser === 0 && entry.seq <= seq)) return i;
  }
  return sorted.length;
}

export type Op =
  | { kind: 'seekToFirst' }
  | { kind: 'seekToLast' }
  | { kind: 'seek'; userKey: Uint8Array; seq: number }
  | { kind: 'next' }
  | { kind: 'prev' };

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant<Op>({ kind: 'seekToFirst' }), weight: 1 },
  { arbitrary: fc.constant<Op>({ kind: 'seekToLast' }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('seek' as const), userKey: userKeyArb, seq: seqArb }), weight: 2 },
  { arbitrary: fc.constant<Op>({ kind: 'next' }), weight: 5 },
  { arbitrary: fc.constant<Op>({ kind: 'prev' }), weight: 5 },
);

/**
 * Applies `ops` to the iterator under test and to a plain index over `sorted`, and checks after each
 * step that both agree. next/prev are skipped while invalid (the contract forbids them).
 * `check` may add extra per-step assertions.
 */
export function runOps(
  iterator: InternalIterator,
  sorted: readonly InternalEntry[],
  ops: readonly Op[],
  check?: () => void,
): void {
  let index = sorted.length;
  const valid = (): boolean => index >= 0 && index < sorted.length;
  for (const op of ops) {
    switch (op.kind) {
      case 'seekToFirst':
        iterator.seekToFirst();
        index = 0;
        break;
      case 'seekToLast':
        iterator.seekToLast();
        index = sorted.length - 1;
        break;
      case 'seek':
        iterator.seek(op.userKey, op.seq);
        index = referenceSeek(sorted, op.userKey, op.seq);
        break;
      case 'next':
        if (!valid()) continue;
        iterator.next();
        index++;
        break;
      case 'prev':
        if (!valid()) continue;
        iterator.prev();
        index--;
        break;
    }
    expectAt(iterator, valid() ? sorted[index] : undefined, op);
    check?.();
  }
}

export function expectAt(iterator: InternalIterator, expected: InternalEntry | undefined, context: unknown): void {
  const where = JSON.stringify(context);
  if (expected === undefined) {
    if (iterator.valid()) throw new Error(`expected invalid after ${where}, at ${describe(iterator)}`);
    return;
  }
  if (!iterator.valid()) throw new Error(`expected ${describeEntry(expected)} after ${where}, got invalid`);
  const actual = describe(iterator);
  if (actual !== describeEntry(expected)) throw new Error(`expected ${describeEntry(expected)} after ${where}, got ${actual}`);
}

function describe(iterator: InternalIterator): string {
  return `${hex(iterator.userKey())}@${iterator.sequence()}/${iterator.valueType()}=${hex(iterator.value())}`;
}

function describeEntry(entry: InternalEntry): string {
  return `${hex(entry.userKey)}@${entry.seq}/${entry.type}=${hex(entry.value)}`;
}

/** Wraps an iterator, counting close() calls and recording whether it is open. */
export class TrackedIterator implements InternalIterator {
  closeCount = 0;
  constructor(private readonly inner: InternalIterator) {}
  valid(): boolean {
    return this.inner.valid();
  }
  seekToFirst(): void {
    this.assertOpen();
    this.inner.seekToFirst();
  }
  seekToLast(): void {
    this.assertOpen();
    this.inner.seekToLast();
  }
  seek(userKey: Uint8Array, seq: number): void {
    this.assertOpen();
    this.inner.seek(userKey, seq);
  }
  next(): void {
    this.assertOpen();
    this.inner.next();
  }
  prev(): void {
    this.assertOpen();
    this.inner.prev();
  }
  userKey(): Uint8Array {
    return this.inner.userKey();
  }
  sequence(): number {
    return this.inner.sequence();
  }
  valueType(): ValueType {
    return this.inner.valueType();
  }
  value(): Uint8Array {
    return this.inner.value();
  }
  close(): void {
    this.closeCount++;
    this.inner.close();
  }
  private assertOpen(): void {
    if (this.closeCount > 0) throw new Error('iterator used after close');
  }
}
