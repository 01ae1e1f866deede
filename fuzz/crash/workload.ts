/**
 * Seeded concurrent write workloads with a history, for the crash campaign and the crash tests: a
 * workload is a deterministic function of its seed; running it records which batches were submitted
 * (in submission order, which group commit keeps as commit order) and which acknowledged. Values name
 * themselves (idValue), so a recovered state fingerprints as `key=id` pairs and is compared with the
 * fingerprint after every prefix of the submitted batches.
 */
import type { WriteOp } from '../../engine/lsm/index.js';
import { SeededRandom, type Random } from '../../engine/util/random.js';
import { bytesEqual, bytesOf, compareText, textOf, valueBytes, type FuzzStore } from '../lsm/model.js';

export type WorkloadStep = { kind: 'write'; ops: WriteOp[] } | { kind: 'flush' } | { kind: 'compact' };

export interface WorkloadOptions {
  /** Number of write batches. */
  batchCount: number;
  /** Keys are 'k000'..: few enough that overwrites and deletes hit. */
  keyCount: number;
  /** Most batches in flight at once (drawn per submission from 1..writersMax). */
  writersMax: number;
  valueBytesMax: number;
  /** Chance per step of an explicit flush (and a fifth of that of compactUntilIdle). */
  maintenanceChance: number;
}

export const DEFAULT_WORKLOAD: WorkloadOptions = { batchCount: 60, keyCount: 60, writersMax: 8, valueBytesMax: 2500, maintenanceChance: 0.04 };

const VALUE_ID_BYTES = 4;

/** A value that names itself: its first 4 bytes are a unique id, the rest a pattern of the id. */
export function idValue(id: number, size: number): Uint8Array {
  const bytes = valueBytes({ tag: id, size: Math.max(size, VALUE_ID_BYTES) });
  new DataView(bytes.buffer).setUint32(0, id, true);
  return bytes;
}

/** The id of a value made by idValue, or undefined when the bytes are not exactly such a value. */
export function valueId(bytes: Uint8Array): number | undefined {
  if (bytes.length < VALUE_ID_BYTES) return undefined;
  const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  return bytesEqual(bytes, idValue(id, bytes.length)) ? id : undefined;
}

export function workloadKey(index: number): string {
  return `k${String(index).padStart(3, '0')}`;
}

/** A deterministic workload from a seed: the same seed gives the same steps. */
export function seededWorkload(seed: number, options: WorkloadOptions = DEFAULT_WORKLOAD): WorkloadStep[] {
  const random = new SeededRandom(seed);
  const steps: WorkloadStep[] = [];
  let nextId = 1;
  for (let batch = 0; batch < options.batchCount; batch++) {
    if (random.next() < options.maintenanceChance) steps.push({ kind: random.int(5) === 0 ? 'compact' : 'flush' });
    const count = 1 + (random.int(4) === 0 ? random.int(8) : random.int(2));
    const ops: WriteOp[] = [];
    for (let i = 0; i < count; i++) {
      const key = bytesOf(workloadKey(random.int(options.keyCount)));
      if (random.int(5) === 0) {
        ops.push({ type: 'delete', key });
      } else {
        const size = random.int(8) === 0 ? random.int(options.valueBytesMax + 1) : 4 + random.int(60);
        ops.push({ type: 'put', key, value: idValue(nextId++, size) });
      }
    }
    steps.push({ kind: 'write', ops });
  }
  return steps;
}

/** Write batches in submission order, with which were acknowledged, and how the run ended. */
export interface WorkloadHistory {
  /** Batches submitted, in submission order (which group commit keeps as commit order). */
  submitted: WriteOp[][];
  acked: boolean[];
  /** The first error a write or maintenance call saw, if any. */
  firstError: unknown;
}

/** Number of acknowledged batches; asserts they are a prefix of the submissions (no ack after a failure). */
export function ackedPrefixLength(history: WorkloadHistory): number {
  const count = history.acked.filter(Boolean).length;
  for (let i = 0; i < count; i++) {
    if (!history.acked[i]) throw new Error(`batch ${i} was not acknowledged but a later batch was`);
  }
  return count;
}

const SETTLE_TURNS_MAX = 100_000;

/** Awaits `promise`, but fails instead of hanging when the event loop runs dry of work for it. */
export async function settleOrHang<T>(promise: Promise<T>, what: string): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  tracked.catch(() => undefined); // observed below; prevents an unhandled-rejection report meanwhile
  for (let turn = 0; turn < SETTLE_TURNS_MAX && !done; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
  if (!done) throw new Error(`${what} never settled (hang)`);
  return tracked;
}

/**
 * Runs the steps on an open store with up to `writersMax` batches in flight (the in-flight limit is
 * drawn from `random` per submission; the oldest in-flight call is awaited when at the limit). Stops
 * submitting at the first error. Never throws for a write's failure: that is recorded in the history.
 */
export async function runWorkload(store: FuzzStore, steps: readonly WorkloadStep[], random: Random, writersMax: number): Promise<WorkloadHistory> {
  const history: WorkloadHistory = { submitted: [], acked: [], firstError: undefined };
  const inFlight: Promise<void>[] = [];
  const record = (error: unknown): void => {
    history.firstError ??= error;
  };
  for (const step of steps) {
    if (history.firstError !== undefined) break;
    const limit = 1 + random.int(writersMax);
    while (inFlight.length >= limit) await inFlight.shift();
    if (history.firstError !== undefined) break;
    if (step.kind === 'write') {
      const index = history.submitted.length;
      history.submitted.push(step.ops);
      history.acked.push(false);
      inFlight.push(
        store.write(step.ops).then(() => {
          history.acked[index] = true;
        }, record),
      );
    } else {
      inFlight.push((step.kind === 'flush' ? store.flush() : store.compactUntilIdle()).catch(record));
    }
  }
  await settleOrHang(Promise.all(inFlight), 'in-flight writes');
  return history;
}

/**
 * Fingerprints of the state after each prefix of the submitted batches: entry j is the state after
 * batches 0..j-1 (so entry 0 is the empty store). Values are identified by idValue ids.
 */
export function prefixFingerprints(batches: readonly (readonly WriteOp[])[]): string[] {
  const state = new Map<string, number>();
  const fingerprint = (): string =>
    [...state.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([key, id]) => `${key}=${id}`)
      .join(',');
  const result = [fingerprint()];
  for (const ops of batches) {
    for (const op of ops) {
      if (op.type === 'put') state.set(textOf(op.key), valueIdOrThrow(op.value));
      else state.delete(textOf(op.key));
    }
    result.push(fingerprint());
  }
  return result;
}

function valueIdOrThrow(value: Uint8Array): number {
  const id = valueId(value);
  if (id === undefined) throw new Error('workload values must come from idValue');
  return id;
}

/** The fingerprint of a store's state (full scan), or an Error describing a value no batch wrote. */
export function storeFingerprint(store: FuzzStore): string {
  const parts: string[] = [];
  for (const [key, value] of store.scan()) {
    const id = valueId(value);
    if (id === undefined) throw new Error(`key ${JSON.stringify(textOf(key))} holds a ${value.length}-byte value no batch wrote`);
    parts.push(`${textOf(key)}=${id}`);
  }
  return parts.join(',');
}

/** The smallest j >= from with prefixes[j] === fingerprint, or -1. */
export function matchingPrefix(prefixes: readonly string[], fingerprint: string, from = 0): number {
  for (let j = from; j < prefixes.length; j++) if (prefixes[j] === fingerprint) return j;
  return -1;
}
