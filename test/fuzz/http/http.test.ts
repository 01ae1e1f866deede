/**
 * The `http` campaign at a small budget (fixed seed, so CI is deterministic), and its parts: the
 * oracle's reading of responses, the known-bug list's narrowness, and the replay path.
 */
import { describe, expect, it } from 'vitest';
import { createHttpCampaign, httpCampaign } from '../../../fuzz/http/index.js';
import { checkResponse, outcomeOf } from '../../../fuzz/http/oracle.js';
import { baseCases, mutationCase } from '../../../fuzz/http/mutations.js';
import { limitCases } from '../../../fuzz/http/limits.js';
import { crc32 } from 'node:zlib';

const seed = Number(process.env['FUZZ_SEED'] ?? 20260101);

function response(status: number, body: string): { status: number; headers: Record<string, string>; body: Buffer } {
  const bytes = Buffer.from(body);
  return { status, headers: { 'x-amzn-requestid': 'R', 'x-amz-crc32': String(crc32(bytes)) }, body: bytes };
}

describe('http campaign', () => {
  it('a small budget passes: every case answered as expected, the state never changes', async () => {
    console.log(`http seed ${seed}`);
    const result = await httpCampaign.run({ seed, runs: 60 });
    console.log(`http: ${JSON.stringify(result.counts)} in ${Math.round(result.elapsedMs)} ms`);
    expect(result.failure, result.failure === null ? '' : `${result.failure.message}\n${result.failure.script}`).toBeNull();
    expect(result.counts['requests']).toBeGreaterThan(1000);
    expect(result.counts['socketRequests']).toBeGreaterThan(100);
  });

  it('replays a recorded batch', async () => {
    const campaign = createHttpCampaign();
    const cases = [...baseCases().slice(0, 3), limitCases()[0]!];
    const result = await campaign.replay({ version: 1, batch: { transport: 'socket', cases } });
    expect(result.failure).toBeNull();
    expect(result.counts['requests']).toBe(4);
  });

  it('the oracle reads DynamoDB error shapes and refuses 500s, wrong namespaces and leaked errors', () => {
    const c = { label: 'x', method: 'POST', headers: {}, body: { text: '{}' }, sign: 'open' as const, outcomes: ['ValidationException'] };
    expect(checkResponse(c, response(400, '{"__type":"com.amazon.coral.validate#ValidationException","message":"bad"}'))).toBeUndefined();
    expect(checkResponse(c, response(400, '{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"bad"}'))).toMatch(/namespace/);
    expect(checkResponse(c, response(400, '{"__type":"com.amazon.coral.validate#ValidationException","message":"TypeError: x is not a function"}'))).toMatch(/internal/);
    expect(checkResponse(c, response(500, '{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"m"}'))).toMatch(/HTTP 500/);
    expect(checkResponse(c, response(400, '{"__type":"com.amazon.coral.service#SerializationException","message":"m"}'))).toMatch(/Message/);
    expect(checkResponse(c, { status: 0, headers: {}, body: Buffer.from('closed') })).toMatch(/no response/);
    const bad = response(400, '{"__type":"com.amazon.coral.validate#ValidationException"}');
    bad.headers['x-amz-crc32'] = '1';
    expect(checkResponse(c, bad)).toMatch(/crc32/);
    expect(outcomeOf(response(404, '<UnknownOperationException/>\n'))).toEqual({ outcome: '404' });
  });

  it('mutations keep `__proto__` as an own member of the JSON text', () => {
    const c = mutationCase({ base: 0, path: 0, kind: 'unknown-member', pick: 0 });
    expect(c).toBeDefined();
    expect('text' in c!.body && c!.body.text).toContain('"__proto__"');
  });
});
