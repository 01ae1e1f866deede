/**
 * Conformance: DescribeLimits — the default provisioned-capacity quotas (reference §11.2): 40,000
 * RCU/WCU per table and 80,000 per account.
 */
import { describe, expect, it } from 'vitest';
import type { GetHarness } from './harness.js';

export function registerLimits(getHarness: GetHarness): void {
  describe('DescribeLimits', () => {
    it('returns the default account and table quotas', async () => {
      const out = await getHarness().api.describeLimits({});
      expect(out).toMatchObject({
        AccountMaxReadCapacityUnits: 80_000,
        AccountMaxWriteCapacityUnits: 80_000,
        TableMaxReadCapacityUnits: 40_000,
        TableMaxWriteCapacityUnits: 40_000,
      });
    });

    it('keeps table limits within account limits', async () => {
      const out = await getHarness().api.describeLimits({});
      expect(out.TableMaxReadCapacityUnits!).toBeLessThanOrEqual(out.AccountMaxReadCapacityUnits!);
      expect(out.TableMaxWriteCapacityUnits!).toBeLessThanOrEqual(out.AccountMaxWriteCapacityUnits!);
    });
  });
}
