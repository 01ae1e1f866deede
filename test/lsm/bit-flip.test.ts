/**
 * Single-bit flips in every kind of file the store writes, on fixed bases and the full fixed set of
 * positions (the machinery and the rule are in fuzz/crash/bit-flip.ts; the crash campaign's bit-flip
 * mode samples other bases and positions). Here nothing may be harmless: every flip is reported.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../engine/util/random.js';
import {
  buildFlipBase,
  buildImageWithOlderWal,
  filesOf,
  flipAndCheck,
  flipTargets,
  KEY_COUNT,
  olderWalTargets,
  truthOf,
  type FileKind,
  type FlipTarget,
  type Outcome,
} from '../../fuzz/crash/bit-flip.js';
import type { MemoryFileSystem } from '../../engine/vfs/memory.js';

const outcomes = new Map<FileKind, Record<Outcome, number>>();
const harmless: string[] = [];

afterAll(() => {
  for (const [kind, counts] of outcomes) {
    console.log(`bit-flip ${kind}: detected at open ${counts.open}, at read ${counts.read}, by verify ${counts.verify}, harmless ${counts.harmless}`);
  }
  for (const line of harmless.slice(0, 20)) console.log(`  harmless: ${line}`);
});

async function checkAll(base: MemoryFileSystem, targets: readonly FlipTarget[]): Promise<void> {
  const truth = await truthOf(base);
  expect(truth.length).toBeGreaterThan(0);
  for (const target of targets) {
    const outcome = await flipAndCheck(base, target.path, target.bit, truth, target.isTable);
    const counts = outcomes.get(target.kind) ?? { open: 0, read: 0, verify: 0, harmless: 0 };
    counts[outcome]++;
    outcomes.set(target.kind, counts);
    if (outcome === 'harmless') harmless.push(`${target.kind} ${target.path} bit ${target.bit}`);
  }
}

describe('single-bit flips', () => {
  it('are reported or harmless in the newest WAL, SSTables, MANIFEST and CURRENT', async () => {
    const base = await buildFlipBase(7);
    expect((await truthOf(base)).length).toBeGreaterThan(KEY_COUNT / 2);
    const wals = filesOf(base, 'wal');
    expect(wals.length).toBe(1);
    expect(filesOf(base, 'table').length).toBeGreaterThanOrEqual(4);
    expect(base.files.get(wals[0]!.path)!.length).toBeGreaterThan(200); // holds records, not just its header
    await checkAll(base, flipTargets(base, new SeededRandom(0xb17f)));
    expect(harmless).toEqual([]);
  });

  it('are reported in an older WAL that recovery still needs', async () => {
    const base = await buildImageWithOlderWal(11);
    const wals = filesOf(base, 'wal');
    expect(wals.length).toBeGreaterThanOrEqual(2);
    expect(base.files.get(wals[wals.length - 2]!.path)!.length).toBeGreaterThan(200);
    await checkAll(base, olderWalTargets(base, new SeededRandom(0x01d), 500));
    expect(harmless).toEqual([]);
  });
});
