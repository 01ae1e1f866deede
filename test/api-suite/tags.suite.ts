/**
 * Conformance: TagResource / UntagResource / ListTagsOfResource on table ARNs (reference §2.5).
 */
import { describe, expect, it } from 'vitest';
import { createTestTable, expectDynamoError, testTableInput, uniqueTableName, waitForTableActive, type GetHarness, type Tag } from './harness.js';

export function registerTags(getHarness: GetHarness): void {
  const api = () => getHarness().api;

  /** Creates a table and returns its ARN. */
  const tableArn = async (): Promise<string> => {
    const name = await createTestTable(getHarness(), { prefix: 'tags' });
    return (await api().describeTable({ TableName: name })).Table!.TableArn!;
  };
  const tagsOf = async (arn: string): Promise<Tag[]> => {
    const tags = (await api().listTagsOfResource({ ResourceArn: arn })).Tags ?? [];
    return [...tags].sort((x, y) => (x.Key < y.Key ? -1 : x.Key > y.Key ? 1 : 0));
  };

  describe('tags', () => {
    it('lists no tags on a new table', async () => {
      expect(await tagsOf(await tableArn())).toEqual([]);
    });

    it('adds tags and lists them', async () => {
      const arn = await tableArn();
      await api().tagResource({ ResourceArn: arn, Tags: [{ Key: 'env', Value: 'test' }, { Key: 'team', Value: 'db' }] });
      expect(await tagsOf(arn)).toEqual([{ Key: 'env', Value: 'test' }, { Key: 'team', Value: 'db' }]);
    });

    it('overwrites the value of an existing key', async () => {
      const arn = await tableArn();
      await api().tagResource({ ResourceArn: arn, Tags: [{ Key: 'env', Value: 'test' }] });
      await api().tagResource({ ResourceArn: arn, Tags: [{ Key: 'env', Value: 'prod' }] });
      expect(await tagsOf(arn)).toEqual([{ Key: 'env', Value: 'prod' }]);
    });

    it('keeps keys case-sensitive and allows empty values', async () => {
      const arn = await tableArn();
      await api().tagResource({ ResourceArn: arn, Tags: [{ Key: 'Env', Value: '' }, { Key: 'env', Value: 'x' }] });
      expect(await tagsOf(arn)).toEqual([{ Key: 'Env', Value: '' }, { Key: 'env', Value: 'x' }]);
    });

    it('removes tags with UntagResource, ignoring keys that are absent', async () => {
      const arn = await tableArn();
      await api().tagResource({ ResourceArn: arn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] });
      await api().untagResource({ ResourceArn: arn, TagKeys: ['a', 'never'] });
      expect(await tagsOf(arn)).toEqual([{ Key: 'b', Value: '2' }]);
    });

    it('applies Tags given at CreateTable', async () => {
      const name = uniqueTableName('tags');
      await api().createTable({ ...testTableInput(name), Tags: [{ Key: 'born', Value: 'tagged' }] });
      const arn = (await waitForTableActive(getHarness(), name)).TableArn!;
      expect(await tagsOf(arn)).toEqual([{ Key: 'born', Value: 'tagged' }]);
    });

    it('rejects a tag key longer than 128 characters or a value longer than 256', async () => {
      const arn = await tableArn();
      await expectDynamoError(api().tagResource({ ResourceArn: arn, Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }), 'ValidationException');
      await expectDynamoError(api().tagResource({ ResourceArn: arn, Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] }), 'ValidationException');
      expect(await tagsOf(arn)).toEqual([]);
    });

    it('rejects the reserved aws: prefix', async () => {
      const arn = await tableArn();
      await expectDynamoError(api().tagResource({ ResourceArn: arn, Tags: [{ Key: 'aws:owner', Value: 'me' }] }), 'ValidationException');
    });

    it('rejects an ARN of a table that does not exist', async () => {
      const arn = (await tableArn()).replace(/table\/.*$/, `table/${uniqueTableName('missing')}`);
      await expectDynamoError(api().listTagsOfResource({ ResourceArn: arn }), 'ResourceNotFoundException', `Requested resource not found: ResourcArn: ${arn} not found`);
      await expectDynamoError(api().tagResource({ ResourceArn: arn, Tags: [{ Key: 'a', Value: 'b' }] }), 'ResourceNotFoundException');
    });

    it('denies access to a string that is not an ARN (as DynamoDB does, before validating it)', async () => {
      await expectDynamoError(api().listTagsOfResource({ ResourceArn: 'not-an-arn' }), 'AccessDeniedException',
        /^User: arn:aws:iam::\d+:.+ is not authorized to perform: dynamodb:ListTagsOfResource on resource: not-an-arn$/);
    });

    it('rejects an ARN-shaped string that names no table', async () => {
      await expectDynamoError(api().listTagsOfResource({ ResourceArn: 'a:b:c:d:e:f/g' }), 'ValidationException',
        'Invalid TableArn: Invalid ResourceArn provided as input a:b:c:d:e:f/g');
    });
  });
}
