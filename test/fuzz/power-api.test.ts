/**
 * Proof of power for the `api` campaign: a reference model with one wrong rule (the `<` condition
 * operator off by one: it behaves as `<=`) must be caught within the CI budget, shrunk to a short
 * readable script, and reproduced by replaying the recorded counterexample.
 */
import { describe, expect, it } from 'vitest';
import { apiCampaign, createApiCampaign } from '../../fuzz/api/index.js';
import { evaluate, Model, type Condition } from '../../fuzz/api/model.js';
import type { Item } from '../../engine/model/attribute-value.js';

class OffByOneModel extends Model {
  override evaluate(condition: Condition, item: Item | undefined): boolean {
    if (condition.kind === 'compare' && condition.op === '<') {
      const value = item?.[condition.attribute];
      return value !== undefined && 'N' in value && Number(value.N) <= condition.value;
    }
    if (condition.kind === 'not') return !this.evaluate(condition.operand, item);
    if (condition.kind === 'and') return this.evaluate(condition.left, item) && this.evaluate(condition.right, item);
    if (condition.kind === 'or') return this.evaluate(condition.left, item) || this.evaluate(condition.right, item);
    return evaluate(condition, item);
  }
}

describe('api campaign: proof of power', () => {
  it('catches a model whose `<` is `<=`, shrinks it and replays it', async () => {
    const broken = createApiCampaign({ name: 'api-broken-model', createModel: () => new OffByOneModel() });
    const result = await broken.run({ seed: 42, ...apiCampaign.ciBudget });
    expect(result.failure).not.toBeNull();
    const failure = result.failure!;
    console.log(`caught after ${result.counts['sequences']} sequences:\n${failure.message}\n${failure.script}`);
    expect(result.counts['sequences']).toBeLessThan(apiCampaign.ciBudget.runs ?? Infinity);
    expect(failure.script).toMatch(/< /);
    expect(failure.script.split('\n').length).toBeLessThan(12);
    const replayed = await broken.replay(JSON.parse(JSON.stringify(failure.replay)));
    expect(replayed.failure).not.toBeNull();
    // The real model agrees with Silt on the same sequence.
    expect((await apiCampaign.replay(failure.replay)).failure).toBeNull();
  });
});
