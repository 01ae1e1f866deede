import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/database.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';

const ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/Music';

async function withTable(env = { fs: new MemoryFileSystem(), clock: new ManualClock(1_700_000_000_000), random: new SeededRandom(1) }): Promise<Database> {
  const db = await Database.open({ env, ttlSweepIntervalMs: 0 });
  await db.createTable({
    TableName: 'Music',
    KeySchema: [{ AttributeName: 'Artist', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'Artist', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    Tags: [{ Key: 'team', Value: 'audio' }],
  });
  return db;
}

const tags = async (db: Database) => (await db.listTagsOfResource({ ResourceArn: ARN })).Tags;

describe('tags', () => {
  it('tags, overwrites, lists and untags, persisted across a reopen', async () => {
    const env = { fs: new MemoryFileSystem(), clock: new ManualClock(1_700_000_000_000), random: new SeededRandom(1) };
    const db = await withTable(env);
    expect(await tags(db)).toEqual([{ Key: 'team', Value: 'audio' }]);
    expect(await db.tagResource({ ResourceArn: ARN, Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'video' }, { Key: 'empty', Value: '' }] })).toEqual({});
    expect(await tags(db)).toEqual([
      { Key: 'team', Value: 'video' },
      { Key: 'env', Value: 'prod' },
      { Key: 'empty', Value: '' },
    ]);
    expect(await db.untagResource({ ResourceArn: ARN, TagKeys: ['team', 'missing'] })).toEqual({});
    await db.close();
    const reopened = await Database.open({ env, ttlSweepIntervalMs: 0 });
    expect(await tags(reopened)).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'empty', Value: '' },
    ]);
    await reopened.close();
  });

  it('allows 50 tags per table and no more', async () => {
    const db = await withTable();
    const many = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));
    await db.tagResource({ ResourceArn: ARN, Tags: many });
    expect((await tags(db))!.length).toBe(50);
    await db.tagResource({ ResourceArn: ARN, Tags: [{ Key: 'k0', Value: 'again' }] }); // overwriting keeps 50
    await expect(db.tagResource({ ResourceArn: ARN, Tags: [{ Key: 'k50', Value: 'x' }] })).rejects.toMatchObject({ name: 'LimitExceededException' });
    expect((await tags(db))!.length).toBe(50);
    await db.close();
  });

  it('reserves the aws: prefix and checks key and value lengths', async () => {
    const db = await withTable();
    await expect(db.tagResource({ ResourceArn: ARN, Tags: [{ Key: 'aws:owner', Value: 'x' }] })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(db.tagResource({ ResourceArn: ARN, Tags: [{ Key: 'AWS:owner', Value: 'x' }] })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(db.untagResource({ ResourceArn: ARN, TagKeys: ['aws:owner'] })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(db.tagResource({ ResourceArn: ARN, Tags: [{ Key: 'k'.repeat(129), Value: 'x' }] })).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length less than or equal to 128'),
    });
    await expect(db.tagResource({ ResourceArn: ARN, Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] })).rejects.toMatchObject({
      message: expect.stringContaining('Member must have length less than or equal to 256'),
    });
    await db.tagResource({ ResourceArn: ARN, Tags: [{ Key: 'k'.repeat(128), Value: 'v'.repeat(256) }] });
    await expect(db.tagResource({ ResourceArn: ARN, Tags: [] })).rejects.toMatchObject({ message: 'Atleast one Tag needs to be provided as Input.' });
    await db.close();
  });

  it('rejects unknown tables and foreign ARNs with ResourceNotFoundException', async () => {
    const db = await withTable();
    const missing = 'arn:aws:dynamodb:us-east-1:000000000000:table/Nope';
    await expect(db.listTagsOfResource({ ResourceArn: missing })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Requested resource not found: ResourcArn: ${missing} not found`,
    });
    await expect(db.tagResource({ ResourceArn: missing, Tags: [{ Key: 'a', Value: 'b' }] })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(db.untagResource({ ResourceArn: 'arn:aws:dynamodb:eu-west-1:000000000000:table/Music', TagKeys: ['a'] })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(db.listTagsOfResource({} as never)).rejects.toMatchObject({ name: 'ValidationException', message: 'Invalid TableArn' });
    await db.deleteTable({ TableName: 'Music' });
    await expect(tags(db)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await db.close();
  });
});
