/**
 * Store command sequences for model-based and metamorphic fuzzing: the command type, fast-check
 * arbitraries that generate (and shrink) them, and the readable script a counterexample prints as
 * (`put "ab" v3x40`, `flush`, `scan gte "a" reverse limit 2 @snapshot 1`).
 *
 * Keys come from a 14-key alphabet so overwrites, deletes and duplicate keys in a batch are common;
 * values are specs ({ tag, size }) expanded by valueBytes. Commands are plain JSON: a counterexample
 * is stored as-is in a regression file and replayed without search.
 */
import fc from 'fast-check';
import type { WriteOp } from '../../engine/lsm/index.js';
import { bytesOf, valueBytes, type ModelScanOptions, type ValueSpec } from './model.js';

/**
 * Keys from a small alphabet so overwrites and deletes hit: the empty key, keys that are prefixes of
 * one another, and the extreme bytes 0x00 and 0xff. Shrinks towards 'a'.
 */
export const MODEL_KEYS: readonly string[] = ['a', '', 'ab', 'abc', 'b', 'a\x00', 'aa', 'b\xff', '\x00', '\xff', 'ba', 'abd', 'c', '\xff\xff'];

export type BatchOpSpec = { type: 'put'; key: string; value: ValueSpec } | { type: 'delete'; key: string };

export type StoreCommand =
  | { kind: 'put'; key: string; value: ValueSpec }
  | { kind: 'delete'; key: string }
  | { kind: 'batch'; ops: BatchOpSpec[] }
  /** Batches submitted back to back without awaiting in between (group commit), then awaited. */
  | { kind: 'concurrent'; batches: BatchOpSpec[][] }
  /** `snapshot`: index (mod the number live) of the snapshot to read through; omitted: latest. */
  | { kind: 'get'; key: string; snapshot?: number }
  | { kind: 'scan'; options: ModelScanOptions; snapshot?: number }
  | { kind: 'snapshot' }
  | { kind: 'release'; snapshot: number }
  | { kind: 'flush' }
  | { kind: 'compact' }
  | { kind: 'reopen' };

export const keyArbitrary: fc.Arbitrary<string> = fc.constantFrom(...MODEL_KEYS);

/** Mostly small values, some spanning a 256-byte block, a few of several KB. */
export const valueSpecArbitrary: fc.Arbitrary<ValueSpec> = fc.record({
  tag: fc.nat(255),
  size: fc.oneof(
    { weight: 6, arbitrary: fc.nat(24) },
    { weight: 3, arbitrary: fc.integer({ min: 25, max: 600 }) },
    { weight: 1, arbitrary: fc.integer({ min: 601, max: 3000 }) },
  ),
});

export const batchOpArbitrary: fc.Arbitrary<BatchOpSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('put' as const), key: keyArbitrary, value: valueSpecArbitrary }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('delete' as const), key: keyArbitrary }) },
);

/** Up to 8 ops; duplicate keys within a batch are common with this alphabet. */
export const batchArbitrary: fc.Arbitrary<BatchOpSpec[]> = fc.array(batchOpArbitrary, { minLength: 1, maxLength: 8 });

export const scanOptionsArbitrary: fc.Arbitrary<ModelScanOptions> = fc
  .record({
    lower: fc.option(fc.record({ inclusive: fc.boolean(), key: keyArbitrary }), { nil: undefined }),
    upper: fc.option(fc.record({ inclusive: fc.boolean(), key: keyArbitrary }), { nil: undefined }),
    reverse: fc.boolean(),
    limit: fc.option(fc.nat(6), { nil: undefined }),
  })
  .map(({ lower, upper, reverse, limit }) => {
    const options: ModelScanOptions = {};
    if (lower !== undefined) options[lower.inclusive ? 'gte' : 'gt'] = lower.key;
    if (upper !== undefined) options[upper.inclusive ? 'lte' : 'lt'] = upper.key;
    if (reverse) options.reverse = true;
    if (limit !== undefined) options.limit = limit;
    return options;
  });

const snapshotIndex = fc.option(fc.nat(7), { nil: undefined });

export const storeCommandArbitrary: fc.Arbitrary<StoreCommand> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('put' as const), key: keyArbitrary, value: valueSpecArbitrary }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: keyArbitrary }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('batch' as const), ops: batchArbitrary }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('concurrent' as const), batches: fc.array(batchArbitrary, { minLength: 2, maxLength: 6 }) }) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(keyArbitrary, snapshotIndex)
      .map(([key, snapshot]): StoreCommand => (snapshot === undefined ? { kind: 'get', key } : { kind: 'get', key, snapshot })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(scanOptionsArbitrary, snapshotIndex)
      .map(([options, snapshot]): StoreCommand => (snapshot === undefined ? { kind: 'scan', options } : { kind: 'scan', options, snapshot })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'snapshot' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), snapshot: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

export function storeCommandsArbitrary(maxLength: number, minLength = 1): fc.Arbitrary<StoreCommand[]> {
  return fc.array(storeCommandArbitrary, { minLength, maxLength, size: 'max' });
}

export function toWriteOps(ops: readonly BatchOpSpec[]): WriteOp[] {
  return ops.map((op) =>
    op.type === 'put' ? { type: 'put', key: bytesOf(op.key), value: valueBytes(op.value) } : { type: 'delete', key: bytesOf(op.key) },
  );
}

/** The write batches a command submits (several for 'concurrent'), or none for a read or maintenance. */
export function commandWrites(command: StoreCommand): WriteOp[][] {
  switch (command.kind) {
    case 'put':
      return [[{ type: 'put', key: bytesOf(command.key), value: valueBytes(command.value) }]];
    case 'delete':
      return [[{ type: 'delete', key: bytesOf(command.key) }]];
    case 'batch':
      return [toWriteOps(command.ops)];
    case 'concurrent':
      return command.batches.map(toWriteOps);
    default:
      return [];
  }
}

// ---- readable scripts ----------------------------------------------------------------------------

/** A key as a JSON string literal, so the empty key and bytes 0x00/0xff stay visible. */
export function showKey(key: string): string {
  return JSON.stringify(key);
}

export function showValue(value: ValueSpec): string {
  return `v${value.tag}x${value.size}`;
}

function showBatch(ops: readonly BatchOpSpec[]): string {
  return ops.map((op) => (op.type === 'put' ? `put ${showKey(op.key)} ${showValue(op.value)}` : `delete ${showKey(op.key)}`)).join('; ');
}

export function showScanOptions(options: ModelScanOptions): string {
  const parts: string[] = [];
  for (const bound of ['gte', 'gt', 'lte', 'lt'] as const) {
    const key = options[bound];
    if (key !== undefined) parts.push(`${bound} ${showKey(key)}`);
  }
  if (options.reverse === true) parts.push('reverse');
  if (options.limit !== undefined) parts.push(`limit ${options.limit}`);
  return parts.join(' ');
}

/** One line per command, e.g. `batch [put "a" v3x40; delete "ab"]` or `get "a" @snapshot 0`. */
export function showCommand(command: StoreCommand): string {
  const at = (snapshot: number | undefined): string => (snapshot === undefined ? '' : ` @snapshot ${snapshot}`);
  switch (command.kind) {
    case 'put':
      return `put ${showKey(command.key)} ${showValue(command.value)}`;
    case 'delete':
      return `delete ${showKey(command.key)}`;
    case 'batch':
      return `batch [${showBatch(command.ops)}]`;
    case 'concurrent':
      return `concurrent ${command.batches.map((ops) => `[${showBatch(ops)}]`).join(' ')}`;
    case 'get':
      return `get ${showKey(command.key)}${at(command.snapshot)}`;
    case 'scan':
      return `scan ${showScanOptions(command.options)}`.trimEnd() + at(command.snapshot);
    case 'release':
      return `release snapshot ${command.snapshot}`;
    default:
      return command.kind;
  }
}

/** A numbered script, one command a line. */
export function showCommands(commands: readonly StoreCommand[]): string {
  return commands.map((command, step) => `${String(step).padStart(3)}  ${showCommand(command)}`).join('\n');
}
