/**
 * The embedded API agrees with the reference model: a thin caller of the `api` fuzz campaign
 * (fuzz/api/), at a test budget, in both of its modes, plus the model's own sanity checks.
 * Seed: API_MODEL_SEED=<n> replays a run; the seed is printed first. API_MODEL_RUNS scales it.
 */
import { describe, expect, it } from 'vitest';
import { apiCampaign, apiLongCampaign } from '../../fuzz/api/index.js';
import { applyActions } from '../../fuzz/api/model.js';

const seed = Number(process.env['API_MODEL_SEED'] ?? Math.floor(Math.random() * 2 ** 31));

describe('the embedded API agrees with the reference model', () => {
  it('over random schemas and short operation sequences', async () => {
    console.log(`api-model seed ${seed}`);
    const result = await apiCampaign.run({ seed, runs: Number(process.env['API_MODEL_RUNS'] ?? 1500) });
    console.log(`api-model: ${JSON.stringify(result.counts)} in ${Math.round(result.elapsedMs)} ms`);
    expect(result.failure, result.failure === null ? '' : `${result.failure.message}\n${result.failure.script}`).toBeNull();
    expect(result.counts['sequences']).toBeGreaterThanOrEqual(1500);
  });

  it('over long operation sequences', async () => {
    const result = await apiLongCampaign.run({ seed, runs: 100 });
    console.log(`api-model long: ${JSON.stringify(result.counts)} in ${Math.round(result.elapsedMs)} ms`);
    expect(result.failure, result.failure === null ? '' : `${result.failure.message}\n${result.failure.script}`).toBeNull();
  });

  it('the model itself: updates report the touched attributes', () => {
    const result = applyActions({ pk: { S: 'k' }, a: { N: '1' }, b: { S: 'x' } }, { pk: { S: 'k' } }, [
      { kind: 'add', attribute: 'a', value: 2 },
      { kind: 'remove', attribute: 'b' },
      { kind: 'set', attribute: 'c', value: { S: 'y' } },
    ]);
    expect(result.item).toEqual({ pk: { S: 'k' }, a: { N: '3' }, c: { S: 'y' } });
    expect(result.updatedOld).toEqual({ a: { N: '1' }, b: { S: 'x' } });
    expect(result.updatedNew).toEqual({ a: { N: '3' }, c: { S: 'y' } });
  });
});
