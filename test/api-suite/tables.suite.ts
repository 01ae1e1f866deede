/**
 * Conformance: the table control plane — CreateTable validation and the TableDescription shape,
 * DescribeTable, ListTables paging, UpdateTable throughput and billing mode, DeleteTable
 * (reference §2.1–§2.4). Every test creates its own uniquely named tables.
 */
import { describe, expect, it } from 'vitest';
import {
  createTestTable,
  expectDynamoError,
  s,
  testTableInput,
  uniqueTableName,
  waitFor,
  waitForTableActive,
  type ApiInput,
  type GetHarness,
} from './harness.js';

const INVALID = 'One or more parameter values were invalid: ';

function baseInput(name: string, extra: ApiInput = {}): ApiInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...extra,
  };
}

export function registerTables(getHarness: GetHarness): void {
  const api = () => getHarness().api;

  describe('CreateTable / DescribeTable', () => {
    it('returns a TableDescription naming the table, its keys and its attribute definitions', async () => {
      const name = uniqueTableName();
      const out = await api().createTable(testTableInput(name, { sortKeyType: 'N' }));
      const table = out.TableDescription!;
      expect(table.TableName).toBe(name);
      expect(table.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(table.AttributeDefinitions).toEqual(expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ]));
      expect(table.AttributeDefinitions).toHaveLength(2);
      expect(['CREATING', 'ACTIVE']).toContain(table.TableStatus);
    });

    it('describes a new table as ACTIVE (immediately, or after polling)', async () => {
      const name = uniqueTableName();
      await api().createTable(testTableInput(name));
      const table = await waitForTableActive(getHarness(), name);
      expect(table.TableStatus).toBe('ACTIVE');
    });

    it('gives the table an ARN arn:aws:dynamodb:<region>:<account>:table/<name>', async () => {
      const name = await createTestTable(getHarness());
      const table = (await api().describeTable({ TableName: name })).Table!;
      expect(table.TableArn).toMatch(new RegExp(`^arn:aws:dynamodb:[a-z0-9-]+:[0-9]+:table/${name}$`));
    });

    it('reports ItemCount and TableSizeBytes of zero for a new table', async () => {
      const name = await createTestTable(getHarness());
      const table = (await api().describeTable({ TableName: name })).Table!;
      expect(table.ItemCount).toBe(0);
      expect(table.TableSizeBytes).toBe(0);
    });

    it('reports a creation time', async () => {
      const name = await createTestTable(getHarness());
      const created = (await api().describeTable({ TableName: name })).Table!.CreationDateTime;
      const seconds = created instanceof Date ? created.getTime() / 1000 : created;
      expect(typeof seconds).toBe('number');
      expect(seconds).toBeGreaterThan(0);
    });

    it('shows PAY_PER_REQUEST in BillingModeSummary with zero provisioned units', async () => {
      const name = await createTestTable(getHarness());
      const table = (await api().describeTable({ TableName: name })).Table!;
      expect(table.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.ProvisionedThroughput?.ReadCapacityUnits).toBe(0);
      expect(table.ProvisionedThroughput?.WriteCapacityUnits).toBe(0);
    });

    it('shows the provisioned units of a PROVISIONED table', async () => {
      const name = await createTestTable(getHarness(), { provisioned: { read: 5, write: 7 } });
      const table = (await api().describeTable({ TableName: name })).Table!;
      expect(table.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 5, WriteCapacityUnits: 7, NumberOfDecreasesToday: 0 });
      if (table.BillingModeSummary !== undefined) expect(table.BillingModeSummary.BillingMode).toBe('PROVISIONED');
    });

    it('accepts explicit BillingMode PROVISIONED with throughput', async () => {
      const name = uniqueTableName();
      await api().createTable(baseInput(name, { BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }));
      const table = await waitForTableActive(getHarness(), name);
      expect(table.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 1, WriteCapacityUnits: 1 });
    });

    it('supports S, N and B key types', async () => {
      for (const type of ['S', 'N', 'B'] as const) {
        const name = await createTestTable(getHarness(), { partitionKeyType: type, sortKeyType: type });
        const table = (await api().describeTable({ TableName: name })).Table!;
        expect(table.AttributeDefinitions).toEqual(expect.arrayContaining([{ AttributeName: 'pk', AttributeType: type }]));
      }
    });

    it('rejects a second table with the same name: ResourceInUseException', async () => {
      const name = await createTestTable(getHarness());
      await expectDynamoError(api().createTable(testTableInput(name)), 'ResourceInUseException');
    });

    it('rejects DescribeTable of a missing table: ResourceNotFoundException', async () => {
      const name = uniqueTableName('missing');
      await expectDynamoError(api().describeTable({ TableName: name }), 'ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
    });
  });

  describe('CreateTable validation', () => {
    it('requires TableName', async () => {
      const input = baseInput('x');
      delete input.TableName;
      await expectDynamoError(api().createTable(input), 'ValidationException', "The parameter 'TableName' is required but was not present in the request");
    });

    it('rejects a table name shorter than 3 characters', async () => {
      await expectDynamoError(api().createTable(baseInput('ab')), 'ValidationException');
    });

    it('rejects a table name longer than 255 characters', async () => {
      await expectDynamoError(api().createTable(baseInput('a'.repeat(256))), 'ValidationException');
    });

    it('rejects a table name with characters outside [a-zA-Z0-9_.-]', async () => {
      await expectDynamoError(api().createTable(baseInput('bad name!')), 'ValidationException');
    });

    it('accepts a 255-character name using every allowed character class', async () => {
      const name = `${uniqueTableName('Aa0_.-')}`.padEnd(255, 'z');
      await api().createTable(baseInput(name));
      expect((await waitForTableActive(getHarness(), name)).TableName).toBe(name);
    });

    it('rejects key attributes missing from AttributeDefinitions', async () => {
      const input = baseInput(uniqueTableName(), { AttributeDefinitions: [{ AttributeName: 'other', AttributeType: 'S' }] });
      await expectDynamoError(api().createTable(input), 'ValidationException',
        `${INVALID}Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]`);
    });

    it('rejects AttributeDefinitions that are not used by any key', async () => {
      const input = baseInput(uniqueTableName(), {
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'extra', AttributeType: 'S' }],
      });
      await expectDynamoError(api().createTable(input), 'ValidationException',
        `${INVALID}Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`);
    });

    it('rejects a key schema whose first element is not HASH', async () => {
      const input = baseInput(uniqueTableName(), { KeySchema: [{ AttributeName: 'pk', KeyType: 'RANGE' }] });
      await expectDynamoError(api().createTable(input), 'ValidationException', 'Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
    });

    it('rejects hash and range keys with the same name', async () => {
      const input = baseInput(uniqueTableName(), {
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'pk', KeyType: 'RANGE' }],
      });
      await expectDynamoError(api().createTable(input), 'ValidationException', 'Both the Hash Key and the Range Key element in the KeySchema have the same name');
    });

    it('rejects a key schema of three elements', async () => {
      const input = baseInput(uniqueTableName(), {
        AttributeDefinitions: ['a', 'b', 'c'].map((attribute) => ({ AttributeName: attribute, AttributeType: 'S' })),
        KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }, { AttributeName: 'b', KeyType: 'RANGE' }, { AttributeName: 'c', KeyType: 'RANGE' }],
      });
      await expectDynamoError(api().createTable(input), 'ValidationException');
    });

    it('rejects a key attribute type other than S, N or B', async () => {
      const input = baseInput(uniqueTableName(), { AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'BOOL' }] });
      await expectDynamoError(api().createTable(input), 'ValidationException');
    });

    it('rejects ProvisionedThroughput with PAY_PER_REQUEST', async () => {
      const input = baseInput(uniqueTableName(), { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } });
      await expectDynamoError(api().createTable(input), 'ValidationException',
        `${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`);
    });

    it('defaults to PROVISIONED, which requires throughput', async () => {
      const input = baseInput(uniqueTableName());
      delete input.BillingMode;
      await expectDynamoError(api().createTable(input), 'ValidationException',
        `${INVALID}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`);
    });

    it('rejects capacity units above 1e12', async () => {
      const input = baseInput(uniqueTableName(), {
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 1000000000001, WriteCapacityUnits: 1 },
      });
      await expectDynamoError(api().createTable(input), 'ValidationException', 'Given value 1000000000001 for ReadCapacityUnits is out of bounds');
    });

    it('rejects capacity units below 1', async () => {
      const input = baseInput(uniqueTableName(), { BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 1 } });
      await expectDynamoError(api().createTable(input), 'ValidationException');
    });

    it('rejects an unknown BillingMode', async () => {
      await expectDynamoError(api().createTable(baseInput(uniqueTableName(), { BillingMode: 'FREE' })), 'ValidationException');
    });

    it('rejects an empty KeySchema', async () => {
      await expectDynamoError(api().createTable(baseInput(uniqueTableName(), { KeySchema: [] })), 'ValidationException');
    });

    it('leaves no table behind after a rejected CreateTable', async () => {
      const name = uniqueTableName();
      await expectDynamoError(api().createTable(baseInput(name, { KeySchema: [{ AttributeName: 'pk', KeyType: 'RANGE' }] })), 'ValidationException');
      await expectDynamoError(api().describeTable({ TableName: name }), 'ResourceNotFoundException');
    });
  });

  describe('ListTables', () => {
    it('lists created tables in lexicographic order', async () => {
      const names = [await createTestTable(getHarness(), { prefix: 'lt-b' }), await createTestTable(getHarness(), { prefix: 'lt-a' })];
      const all: string[] = [];
      let start: string | undefined;
      for (let page = 0; page < 1000; page++) {
        const out = await api().listTables(start === undefined ? {} : { ExclusiveStartTableName: start });
        all.push(...(out.TableNames ?? []));
        start = out.LastEvaluatedTableName;
        if (start === undefined) break;
      }
      for (const name of names) expect(all).toContain(name);
      expect(all).toEqual([...all].sort());
    });

    it('pages with Limit and ExclusiveStartTableName, visiting every table once', async () => {
      const mine = [];
      for (let i = 0; i < 5; i++) mine.push(await createTestTable(getHarness(), { prefix: 'page' }));
      const seen: string[] = [];
      let start: string | undefined;
      for (let page = 0; page < 1000; page++) {
        const out = await api().listTables({ Limit: 2, ...(start === undefined ? {} : { ExclusiveStartTableName: start }) });
        expect((out.TableNames ?? []).length).toBeLessThanOrEqual(2);
        seen.push(...(out.TableNames ?? []));
        start = out.LastEvaluatedTableName;
        if (start === undefined) break;
        expect(start).toBe(out.TableNames![out.TableNames!.length - 1]);
      }
      for (const name of mine) expect(seen.filter((seenName) => seenName === name)).toHaveLength(1);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...seen].sort());
    });

    it('returns only names after ExclusiveStartTableName', async () => {
      const name = await createTestTable(getHarness());
      const out = await api().listTables({ ExclusiveStartTableName: name });
      for (const listed of out.TableNames ?? []) expect(listed > name).toBe(true);
    });

    it('rejects Limit 0 and Limit 101', async () => {
      await expectDynamoError(api().listTables({ Limit: 0 }), 'ValidationException');
      await expectDynamoError(api().listTables({ Limit: 101 }), 'ValidationException');
    });

    it('no longer lists a deleted table', async () => {
      const name = await createTestTable(getHarness());
      await api().deleteTable({ TableName: name });
      await waitFor(getHarness(), `${name} to leave ListTables`, async () => {
        const out = await api().listTables({ ExclusiveStartTableName: name.slice(0, -1) });
        return !(out.TableNames ?? []).includes(name);
      });
    });
  });

  describe('UpdateTable', () => {
    it('changes provisioned throughput', async () => {
      const name = await createTestTable(getHarness(), { provisioned: { read: 1, write: 1 } });
      const out = await api().updateTable({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 20 } });
      expect(out.TableDescription?.TableName).toBe(name);
      await waitFor(getHarness(), 'the throughput change', async () => {
        const table = (await api().describeTable({ TableName: name })).Table!;
        return table.TableStatus === 'ACTIVE' && table.ProvisionedThroughput?.ReadCapacityUnits === 10;
      });
      const table = (await api().describeTable({ TableName: name })).Table!;
      expect(table.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 10, WriteCapacityUnits: 20 });
    });

    it('rejects throughput equal to the current value', async () => {
      const name = await createTestTable(getHarness(), { provisioned: { read: 3, write: 3 } });
      await expectDynamoError(api().updateTable({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 3 } }),
        'ValidationException', /^The provisioned throughput for the table will not change\. The requested value equals the current value\./);
    });

    it('switches a PROVISIONED table to PAY_PER_REQUEST', async () => {
      const name = await createTestTable(getHarness(), { provisioned: { read: 2, write: 2 } });
      await api().updateTable({ TableName: name, BillingMode: 'PAY_PER_REQUEST' });
      await waitFor(getHarness(), 'the billing mode switch', async () => {
        const table = (await api().describeTable({ TableName: name })).Table!;
        return table.TableStatus === 'ACTIVE' && table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST';
      });
    });

    it('rejects UpdateTable of a missing table: ResourceNotFoundException', async () => {
      await expectDynamoError(api().updateTable({ TableName: uniqueTableName('missing'), BillingMode: 'PAY_PER_REQUEST' }), 'ResourceNotFoundException');
    });

    it('keeps the items of an updated table', async () => {
      const name = await createTestTable(getHarness(), { provisioned: { read: 1, write: 1 } });
      await api().putItem({ TableName: name, Item: { pk: s('kept') } });
      await api().updateTable({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 4, WriteCapacityUnits: 4 } });
      await waitForTableActive(getHarness(), name);
      expect((await api().getItem({ TableName: name, Key: { pk: s('kept') } })).Item).toEqual({ pk: s('kept') });
    });
  });

  describe('DeleteTable', () => {
    it('returns the deleted table description, then the table is gone', async () => {
      const name = await createTestTable(getHarness());
      const out = await api().deleteTable({ TableName: name });
      expect(out.TableDescription?.TableName).toBe(name);
      await waitFor(getHarness(), `${name} to be deleted`, async () => {
        try {
          await api().describeTable({ TableName: name });
          return false;
        } catch (error) {
          expect((error as Error).name).toBe('ResourceNotFoundException');
          return true;
        }
      });
    });

    it('rejects deleting a missing table: ResourceNotFoundException', async () => {
      await expectDynamoError(api().deleteTable({ TableName: uniqueTableName('missing') }), 'ResourceNotFoundException');
    });

    it('makes data operations on the deleted table fail with ResourceNotFoundException', async () => {
      const name = await createTestTable(getHarness());
      await api().putItem({ TableName: name, Item: { pk: s('a') } });
      await api().deleteTable({ TableName: name });
      await waitFor(getHarness(), `${name} to be deleted`, async () => (await api().listTables({ ExclusiveStartTableName: name.slice(0, -1) })).TableNames?.includes(name) !== true);
      await expectDynamoError(api().getItem({ TableName: name, Key: { pk: s('a') } }), 'ResourceNotFoundException');
      await expectDynamoError(api().putItem({ TableName: name, Item: { pk: s('a') } }), 'ResourceNotFoundException');
    });

    it('allows re-creating a deleted table, which starts empty', async () => {
      const name = await createTestTable(getHarness());
      await api().putItem({ TableName: name, Item: { pk: s('old') } });
      await api().deleteTable({ TableName: name });
      await waitFor(getHarness(), `${name} to be deleted`, async () => (await api().listTables({ ExclusiveStartTableName: name.slice(0, -1) })).TableNames?.includes(name) !== true);
      await api().createTable(testTableInput(name));
      await waitForTableActive(getHarness(), name);
      expect((await api().getItem({ TableName: name, Key: { pk: s('old') }, ConsistentRead: true })).Item).toBeUndefined();
      expect((await api().scan({ TableName: name })).Count).toBe(0);
    });
  });
}
