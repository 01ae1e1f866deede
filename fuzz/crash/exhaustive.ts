/**
 * The crash campaign's exhaustive mode (after CrashMonkey's small-workload testing): every sequence
 * of 1 to 3 operations from a small alphabet, each run with sync 'always' and crashed after EVERY
 * file operation it makes (opening the store included), both images checked by the oracle.
 *
 * The alphabet covers what moves data between files: a small put, a put big enough that two of them
 * switch the memtable, a delete, a flush, a compaction, and a clean close-and-reopen. Writes are
 * awaited one at a time, so every write before the crash point is acknowledged.
 *
 * The cases form one list (sequence-major, crash point minor), enumerated lazily from any start
 * index, so a budget covers a slice and successive seeds cover the rest.
 */
import type { WriteOp } from '../../engine/lsm/index.js';
import { SeededRandom } from '../../engine/util/random.js';
import { FaultFileSystem } from '../../engine/vfs/fault.js';
import { bytesOf } from '../lsm/model.js';
import { checkImage, describeOperation, isCrashFallout, openCrashStore, plainFaultFileSystem, prefixSequences, type CrashFileSystemFactory } from './oracle.js';
import { idValue, prefixFingerprints } from './workload.js';

export const EXHAUSTIVE_ALPHABET = ['put ka', 'put kb-big', 'delete ka', 'flush', 'compact', 'reopen'] as const;
export type ExhaustiveOperation = (typeof EXHAUSTIVE_ALPHABET)[number];
export const EXHAUSTIVE_LENGTH_MAX = 3;

const BIG_VALUE_BYTES = 2500;

/** Every sequence of 1..EXHAUSTIVE_LENGTH_MAX operations, shortest first. */
export function exhaustiveSequences(): ExhaustiveOperation[][] {
  const result: ExhaustiveOperation[][] = [];
  let frontier: ExhaustiveOperation[][] = [[]];
  for (let length = 1; length <= EXHAUSTIVE_LENGTH_MAX; length++) {
    frontier = frontier.flatMap((sequence) => EXHAUSTIVE_ALPHABET.map((op) => [...sequence, op]));
    result.push(...frontier);
  }
  return result;
}

/** The write batch of an operation (ids count up through the sequence, so values are distinct), or undefined. */
function writeOf(operation: ExhaustiveOperation, id: number): WriteOp[] | undefined {
  switch (operation) {
    case 'put ka':
      return [{ type: 'put', key: bytesOf('ka'), value: idValue(id, 8) }];
    case 'put kb-big':
      return [{ type: 'put', key: bytesOf('kb'), value: idValue(id, BIG_VALUE_BYTES) }];
    case 'delete ka':
      return [{ type: 'delete', key: bytesOf('ka') }];
    default:
      return undefined;
  }
}

function batchesOf(sequence: readonly ExhaustiveOperation[]): WriteOp[][] {
  return sequence.flatMap((operation, i) => {
    const ops = writeOf(operation, i + 1);
    return ops === undefined ? [] : [ops];
  });
}

interface SequenceRun {
  fault: FaultFileSystem;
  acked: number;
}

/** Runs `sequence` (opened, the operations, closed), crashing after operation `crashAfter` if given. */
async function runSequence(sequence: readonly ExhaustiveOperation[], makeFs: CrashFileSystemFactory, crashAfter?: number): Promise<SequenceRun> {
  const fault = new FaultFileSystem();
  if (crashAfter !== undefined) fault.crashAfter(crashAfter);
  const fs = makeFs(fault);
  let acked = 0;
  try {
    let store = await openCrashStore(fs, 'always', 1);
    for (const [i, operation] of sequence.entries()) {
      const ops = writeOf(operation, i + 1);
      if (ops !== undefined) {
        await store.write(ops);
        acked++;
      } else if (operation === 'flush') {
        await store.flush();
      } else if (operation === 'compact') {
        await store.compactUntilIdle();
      } else {
        await store.close();
        store = await openCrashStore(fs, 'always', 1);
      }
    }
    await store.close();
  } catch (error) {
    if (crashAfter === undefined || !isCrashFallout(error)) throw error;
  }
  return { fault, acked };
}

export interface ExhaustiveCase {
  sequence: ExhaustiveOperation[];
  crashAfter: number;
}

/** File operations of each sequence's clean run, learned once per process (the runs are deterministic). */
const operationCounts = new Map<string, number>();

async function operationCountOf(sequence: readonly ExhaustiveOperation[], makeFs: CrashFileSystemFactory): Promise<number> {
  const key = sequence.join(',');
  const known = makeFs === plainFaultFileSystem ? operationCounts.get(key) : undefined;
  if (known !== undefined) return known;
  const count = (await runSequence(sequence, makeFs)).fault.operationCount;
  if (makeFs === plainFaultFileSystem) operationCounts.set(key, count);
  return count;
}

/**
 * Enumerates cases from sequence index `start` (mod the number of sequences) on, every crash point
 * of each; stops when `next` returns false. Resolves to the number of sequences covered completely.
 */
export async function forEachExhaustiveCase(
  start: number,
  makeFs: CrashFileSystemFactory,
  next: (value: ExhaustiveCase) => Promise<boolean>,
): Promise<number> {
  const sequences = exhaustiveSequences();
  for (let i = 0; i < sequences.length; i++) {
    const sequence = sequences[(start + i) % sequences.length]!;
    const total = await operationCountOf(sequence, makeFs);
    for (let n = 1; n <= total; n++) if (!(await next({ sequence, crashAfter: n }))) return i;
  }
  return sequences.length;
}

/** One case through the oracle; throws at the first violation. */
export async function checkExhaustiveCase(value: ExhaustiveCase, makeFs: CrashFileSystemFactory = plainFaultFileSystem): Promise<void> {
  const run = await runSequence(value.sequence, makeFs, value.crashAfter);
  const batches = batchesOf(value.sequence);
  const label = `${value.sequence.join(', ')}; ${describeOperation(run.fault.operationLog, value.crashAfter)}; ${run.acked} of ${batches.length} writes acknowledged`;
  const expectation = { prefixes: prefixFingerprints(batches), sequences: prefixSequences(batches), minimum: run.acked };
  await checkImage(run.fault.crashImage('process'), 'always', 1, { ...expectation, label: `${label}, process image` });
  await checkImage(run.fault.crashImage('power', new SeededRandom(value.crashAfter)), 'always', 1, { ...expectation, label: `${label}, power image` });
}

export function exhaustiveScript(value: ExhaustiveCase): string {
  return [`# sync 'always', each write awaited`, ...value.sequence, `crash after op ${value.crashAfter}; check process and power images`].join('\n');
}
