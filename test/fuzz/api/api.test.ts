/**
 * The `api` campaign's parts: the replay codec round-trips bytes, scripts are readable, a sequence
 * replays, and materialize renames tables and shifts TTL values to the shared clock.
 * (The campaign itself runs at a test budget in test/api-model/api-model.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { apiCampaign } from '../../../fuzz/api/index.js';
import { materialize } from '../../../fuzz/api/runner.js';
import { fromReplayJson, sequenceScript, toReplayJson } from '../../../fuzz/api/script.js';
import { START_MS, type Op } from '../../../fuzz/api/ops.js';
import type { TableSpec } from '../../../fuzz/api/model.js';

const specs: TableSpec[] = [{ name: 'Table0', pk: { name: 'pk', type: 'B' }, sk: { name: 'sk', type: 'N' }, ttlAttribute: 'ttl' }];
const ops: Op[] = [
  { kind: 'put', table: 'Table0', item: { pk: { B: new Uint8Array([255, 0]) }, sk: { N: '1' }, ttl: { N: String(START_MS / 1000 + 30) } }, condition: { kind: 'notExists', attribute: 'pk' }, returnOld: true, oldOnFailure: false },
  { kind: 'update', table: 'Table0', key: { pk: { B: new Uint8Array([255, 0]) }, sk: { N: '1' } }, actions: [{ kind: 'add', attribute: 'a', value: 2 }], condition: { kind: 'compare', attribute: 'a', op: '<', value: 3 }, returnValues: 'ALL_NEW' },
  { kind: 'tick', advanceSeconds: 60 },
  { kind: 'query', table: 'Table0', partition: { B: new Uint8Array([255, 0]) }, forward: true, limit: 1 },
];

describe('api campaign parts', () => {
  it('the replay codec round-trips binary values', () => {
    const json = toReplayJson({ specs, ops });
    expect(JSON.stringify(json)).toContain('"$bytes":"ff00"');
    expect(fromReplayJson(json)).toEqual({ specs, ops });
  });

  it('scripts show one readable line per schema and operation', () => {
    const script = sequenceScript(specs, ops);
    expect(script.split('\n')).toEqual([
      'table Table0 (pk B, sk N); ttl ttl',
      `  1. PutItem Table0 {pk: 0xff00, sk: 1, ttl: ${START_MS / 1000 + 30}} IF attribute_not_exists(pk) RETURN ALL_OLD`,
      '  2. UpdateItem Table0 {pk: 0xff00, sk: 1} ADD a 2 IF a < 3 RETURN ALL_NEW',
      '  3. clock +60s; TTL sweep',
      '  4. Query Table0 partition 0xff00 forward Limit 1',
    ]);
  });

  it('materialize prefixes table names and moves TTL values to the shared clock', () => {
    const out = materialize(specs, ops, 's7_', START_MS + 3_600_000);
    expect(out.specs[0]!.name).toBe('s7_Table0');
    expect(out.ops.every((op) => op.kind === 'tick' || ('table' in op && op.table === 's7_Table0'))).toBe(true);
    expect((out.ops[0] as Extract<Op, { kind: 'put' }>).item['ttl']).toEqual({ N: String(START_MS / 1000 + 30 + 3600) });
    expect(specs[0]!.name).toBe('Table0');
  });

  it('a recorded sequence replays and passes', async () => {
    const result = await apiCampaign.replay({ version: 1, specs: toReplayJson(specs), ops: toReplayJson(ops) });
    expect(result.failure, result.failure?.message).toBeNull();
  });

  it('a small budget passes (fixed seed)', async () => {
    const result = await apiCampaign.run({ seed: 20260101, runs: 300 });
    expect(result.failure, result.failure?.message).toBeNull();
    expect(result.counts['commands']).toBeGreaterThan(300);
  });
});
