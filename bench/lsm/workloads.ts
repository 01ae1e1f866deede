/**
 * The timed loops of db-bench. Each takes an open engine and a precomputed key order, runs one
 * workload, checks what it read (a benchmark that reads wrong answers fast is not a result), and
 * returns the operation count, wall time and latency summary.
 *
 * Timing: wall time of the whole loop with performance.now(); per-operation latency is sampled (see
 * histogram.ts): every operation for durable writes and batches, one in SAMPLE_EVERY otherwise.
 * Write keys are fresh buffers (engines may keep them); read keys reuse one buffer, as db_bench does.
 */
import type { Engine } from './adapters.js';
import { formatKeyInto, formatMissingKeyInto, KEY_BYTES, makeKey, MISSING_KEY_BYTES, type ValueGenerator } from './data-gen.js';
import { LatencyRecorder, type LatencySummary } from './histogram.js';

/** Sampling stride for operations that take a few µs, where reading the clock would distort the rate. */
export const SAMPLE_EVERY = 16;
/** db_bench seekrandom reads this many entries after each seek (`FLAGS_seek_nexts` style). */
export const SEEK_NEXT_ENTRIES = 10;

export interface Measurement {
  /** Operations completed: writes, reads, seeks, or entries for a scan. */
  ops: number;
  elapsedMs: number;
  latency: LatencySummary | undefined;
}

/** One awaited put at a time. */
export async function writeSerial(engine: Engine, order: Uint32Array, values: ValueGenerator): Promise<Measurement> {
  const recorder = new LatencyRecorder('op', SAMPLE_EVERY);
  const start = performance.now();
  for (let i = 0; i < order.length; i++) {
    const key = makeKey(order[i]!);
    const value = values.next();
    if (i % SAMPLE_EVERY === 0) {
      const opStart = performance.now();
      await engine.put(key, value);
      recorder.recordMs(performance.now() - opStart);
    } else {
      await engine.put(key, value);
    }
  }
  return { ops: order.length, elapsedMs: performance.now() - start, latency: recorder.summary() };
}

/** Awaited atomic batches of `batchSize` puts; latency is per batch. */
export async function writeBatched(engine: Engine, order: Uint32Array, values: ValueGenerator, batchSize: number): Promise<Measurement> {
  const recorder = new LatencyRecorder('batch', 1);
  const start = performance.now();
  for (let first = 0; first < order.length; first += batchSize) {
    const end = Math.min(first + batchSize, order.length);
    const keys: Uint8Array[] = [];
    const batchValues: Uint8Array[] = [];
    for (let i = first; i < end; i++) {
      keys.push(makeKey(order[i]!));
      batchValues.push(values.next());
    }
    const batchStart = performance.now();
    await engine.putBatch(keys, batchValues);
    recorder.recordMs(performance.now() - batchStart);
  }
  return { ops: order.length, elapsedMs: performance.now() - start, latency: recorder.summary() };
}

/**
 * `writers` concurrent loops, each awaiting its own put, sharing one cursor over `order`. Every put
 * is timed. Writers stop claiming keys once `timeLimitMs` has passed, so a slow durable path cannot
 * stall the whole run; `ops` is what completed (always a prefix of `order`).
 */
export async function writeConcurrent(
  engine: Engine,
  order: Uint32Array,
  values: ValueGenerator,
  writers: number,
  timeLimitMs: number,
): Promise<Measurement> {
  const recorder = new LatencyRecorder('op', 1);
  const start = performance.now();
  const deadline = start + timeLimitMs;
  let cursor = 0;
  let timedOut = false;
  const writer = async (): Promise<void> => {
    while (cursor < order.length && !timedOut) {
      const key = makeKey(order[cursor++]!);
      const value = values.next();
      const opStart = performance.now();
      await engine.put(key, value);
      const opEnd = performance.now();
      recorder.recordMs(opEnd - opStart);
      if (opEnd >= deadline) timedOut = true;
    }
  };
  const running: Promise<void>[] = [];
  for (let i = 0; i < writers; i++) running.push(writer());
  await Promise.all(running);
  return { ops: cursor, elapsedMs: performance.now() - start, latency: recorder.summary() };
}

export type ReadStyle = 'sync' | 'awaited';

/**
 * Point reads of the given key numbers (`missing`: of the never-written key just after each). Checks
 * that every read of an existing key found a value and every missing read found none.
 */
export async function readPoints(engine: Engine, keyNumbers: Uint32Array, missing: boolean, style: ReadStyle): Promise<Measurement> {
  const recorder = new LatencyRecorder('op', SAMPLE_EVERY);
  const key = new Uint8Array(missing ? MISSING_KEY_BYTES : KEY_BYTES);
  const format = missing ? formatMissingKeyInto : formatKeyInto;
  let found = 0;
  const start = performance.now();
  if (style === 'sync') {
    for (let i = 0; i < keyNumbers.length; i++) {
      format(keyNumbers[i]!, key);
      if (i % SAMPLE_EVERY === 0) {
        const opStart = performance.now();
        const value = engine.getSync(key);
        recorder.recordMs(performance.now() - opStart);
        if (value !== undefined) found++;
      } else if (engine.getSync(key) !== undefined) {
        found++;
      }
    }
  } else {
    for (let i = 0; i < keyNumbers.length; i++) {
      format(keyNumbers[i]!, key);
      if (i % SAMPLE_EVERY === 0) {
        const opStart = performance.now();
        const value = await engine.getAwaitable(key);
        recorder.recordMs(performance.now() - opStart);
        if (value !== undefined) found++;
      } else if ((await engine.getAwaitable(key)) !== undefined) {
        found++;
      }
    }
  }
  const elapsedMs = performance.now() - start;
  const expected = missing ? 0 : keyNumbers.length;
  if (found !== expected) {
    throw new Error(`${engine.name}: ${missing ? 'readmissing' : 'readrandom'} (${style}) found ${found} of ${keyNumbers.length} keys, expected ${expected}`);
  }
  return { ops: keyNumbers.length, elapsedMs, latency: recorder.summary() };
}

/** Seeks to each key number and reads the next SEEK_NEXT_ENTRIES entries; the store holds keys 0..keyCount-1. */
export async function seekRandom(engine: Engine, keyNumbers: Uint32Array, keyCount: number): Promise<Measurement> {
  const recorder = new LatencyRecorder('op', SAMPLE_EVERY);
  const key = new Uint8Array(KEY_BYTES);
  let entries = 0;
  let expected = 0;
  const start = performance.now();
  for (let i = 0; i < keyNumbers.length; i++) {
    const target = keyNumbers[i]!;
    expected += Math.min(SEEK_NEXT_ENTRIES, keyCount - target);
    formatKeyInto(target, key);
    const opStart = i % SAMPLE_EVERY === 0 ? performance.now() : 0;
    let read = engine.seekRead(key, SEEK_NEXT_ENTRIES);
    if (typeof read !== 'number') read = await read;
    if (i % SAMPLE_EVERY === 0) recorder.recordMs(performance.now() - opStart);
    entries += read;
  }
  const elapsedMs = performance.now() - start;
  if (entries !== expected) throw new Error(`${engine.name}: seekrandom read ${entries} entries, expected ${expected}`);
  return { ops: keyNumbers.length, elapsedMs, latency: recorder.summary() };
}

/** One full forward scan; ops = entries. No per-entry latency (a scan step is far below clock cost). */
export async function readSequential(engine: Engine, keyCount: number): Promise<Measurement> {
  const start = performance.now();
  let result = engine.scanAll();
  if (result instanceof Promise) result = await result;
  const elapsedMs = performance.now() - start;
  const [entries] = result;
  if (entries !== keyCount) throw new Error(`${engine.name}: readseq saw ${entries} entries, expected ${keyCount}`);
  return { ops: entries, elapsedMs, latency: undefined };
}
