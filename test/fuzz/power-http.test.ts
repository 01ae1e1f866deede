/**
 * Proof of power for the `http` campaign: a server that answers one malformed class with a 500,
 * and a database that writes on one rejected path, must each be caught within the CI budget.
 */
import { describe, expect, it } from 'vitest';
import { createHttpCampaign, httpCampaign } from '../../fuzz/http/index.js';
import type { Database } from '../../engine/database.js';
import { FIXTURE_TABLE, MISSING_TABLE } from '../../fuzz/http/bases.js';

describe('http campaign: proof of power', () => {
  it('catches a server that answers requests with a `__proto__` member with HTTP 500', async () => {
    const campaign = createHttpCampaign({
      name: 'http-500',
      skipSweep: true,
      wrapResponse: (request, response) => (Buffer.from(request.body).includes('"__proto__"') ? { ...response, status: 500 } : response),
    });
    const result = await campaign.run({ seed: 7, ...httpCampaign.ciBudget });
    expect(result.failure?.message).toMatch(/HTTP 500|got|500/);
    console.log(`caught after ${result.counts['requests']} requests: ${result.failure?.message}\n${result.failure?.script}`);
    expect(result.failure!.script.split('\n').length).toBeLessThanOrEqual(4);
  });

  it('catches a database that writes before rejecting a DeleteItem on a missing table', async () => {
    const wrapDatabase = (db: Database): Database =>
      new Proxy(db, {
        get(target, property, receiver) {
          if (property === 'deleteItem') {
            return async (input: { TableName?: unknown }) => {
              if (input.TableName === MISSING_TABLE) await target.putItem({ TableName: FIXTURE_TABLE, Item: { pk: { S: 'leak' }, sk: { N: '0' } } });
              return target.deleteItem(input as never);
            };
          }
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    const campaign = createHttpCampaign({ name: 'http-writes', skipSweep: true, wrapDatabase });
    const result = await campaign.run({ seed: 7, ...httpCampaign.ciBudget });
    console.log(`caught after ${result.counts['requests']} requests: ${result.failure?.message}`);
    expect(result.failure?.message).toMatch(/database changed/);
  });
});
