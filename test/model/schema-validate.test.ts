import { describe, expect, it } from 'vitest';
import { SerializationException, ValidationException } from '../../engine/model/errors.js';
import { validateCreateTable } from '../../engine/model/schema-validate.js';

const INVALID = 'One or more parameter values were invalid: ';

type Request = Record<string, unknown>;

const base = (): Request => ({
  TableName: 'Orders',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
});

const with_ = (changes: Request): Request => ({ ...base(), ...changes });
const defs = (...pairs: [string, string][]): unknown[] => pairs.map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
const keys = (...pairs: [string, string][]): unknown[] => pairs.map(([AttributeName, KeyType]) => ({ AttributeName, KeyType }));
const gsi = (name: string, keySchema: unknown[], projection: Request = { ProjectionType: 'ALL' }, extra: Request = {}): Request => ({
  IndexName: name,
  KeySchema: keySchema,
  Projection: projection,
  ...extra,
});

function message(request: unknown): string {
  try {
    validateCreateTable(request);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationException);
    return (error as Error).message;
  }
  throw new Error('expected a ValidationException');
}

describe('validateCreateTable: messages', () => {
  it.each<[string, Request, string]>([
    ['missing table name', { ...base(), TableName: undefined }, "The parameter 'TableName' is required but was not present in the request"],
    ['short table name', with_({ TableName: 'ab' }), 'TableName must be at least 3 characters long and at most 255 characters long'],
    ['long table name', with_({ TableName: 'a'.repeat(256) }), 'TableName must be at least 3 characters long and at most 255 characters long'],
    [
      'bad table name',
      with_({ TableName: 'a b!' }),
      "1 validation error detected: Value 'a b!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    ],
    [
      'several constraint errors',
      with_({ TableName: 'a b', AttributeDefinitions: undefined, KeySchema: keys(['pk', 'PRIMARY']) }),
      "3 validation errors detected: Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null; " +
        "Value 'a b' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value 'PRIMARY' at 'keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]",
    ],
    [
      'bad attribute type',
      with_({ AttributeDefinitions: defs(['pk', 'X'], ['sk', 'N']) }),
      "1 validation error detected: Value 'X' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]",
    ],
    [
      'empty key schema',
      with_({ KeySchema: [] }),
      "1 validation error detected: Value '[]' at 'keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
    [
      'bad billing mode',
      with_({ BillingMode: 'FREE' }),
      "1 validation error detected: Value 'FREE' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]",
    ],
    [
      'zero capacity',
      with_({ BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 1 } }),
      "1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    ['pay per request with throughput', with_({ ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }), INVALID + 'Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST'],
    ['provisioned by default, without throughput', { ...base(), BillingMode: undefined }, INVALID + 'ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED'],
    ['read capacity out of bounds', with_({ BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1e12 + 1, WriteCapacityUnits: 1 } }), 'Given value 1000000000001 for ReadCapacityUnits is out of bounds'],
    ['write capacity out of bounds', with_({ BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1e13 } }), 'Given value 10000000000000 for WriteCapacityUnits is out of bounds'],
    [
      'hash key not defined',
      with_({ AttributeDefinitions: defs(['x', 'S']), KeySchema: keys(['pk', 'HASH']) }),
      INVALID + 'Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [x]',
    ],
    ['range key not defined', with_({ AttributeDefinitions: defs(['pk', 'S']) }), 'Invalid KeySchema: Some index key attribute have no definition'],
    ['same names', with_({ KeySchema: keys(['pk', 'HASH'], ['pk', 'RANGE']) }), 'Both the Hash Key and the Range Key element in the KeySchema have the same name'],
    ['first not HASH', with_({ KeySchema: keys(['pk', 'RANGE'], ['sk', 'HASH']) }), 'Invalid KeySchema: The first KeySchemaElement is not a HASH key type'],
    ['second not RANGE', with_({ KeySchema: keys(['pk', 'HASH'], ['sk', 'HASH']) }), 'Invalid KeySchema: The second KeySchemaElement is not a RANGE key type'],
    [
      'unused definition without indexes',
      with_({ AttributeDefinitions: defs(['pk', 'S'], ['sk', 'N'], ['x', 'S']) }),
      INVALID + 'Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    ],
    [
      'unused definition with indexes',
      with_({ AttributeDefinitions: defs(['pk', 'S'], ['sk', 'N'], ['g', 'S'], ['x', 'S']), GlobalSecondaryIndexes: [gsi('byG', keys(['g', 'HASH']))] }),
      INVALID + 'Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, g, x], keys used: [pk, sk, g]',
    ],
    ['empty LSI list', with_({ LocalSecondaryIndexes: [] }), INVALID + 'List of LocalSecondaryIndexes is empty'],
    [
      'LSI without table range key',
      with_({ AttributeDefinitions: defs(['pk', 'S'], ['l', 'S']), KeySchema: keys(['pk', 'HASH']), LocalSecondaryIndexes: [gsi('byL', keys(['pk', 'HASH'], ['l', 'RANGE']))] }),
      INVALID + 'Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex',
    ],
    [
      'LSI without range key',
      with_({ LocalSecondaryIndexes: [gsi('byL', keys(['pk', 'HASH']))] }),
      INVALID + 'Index KeySchema does not have a range key for index: byL',
    ],
    [
      'LSI with another hash key',
      with_({ AttributeDefinitions: defs(['pk', 'S'], ['sk', 'N'], ['o', 'S']), LocalSecondaryIndexes: [gsi('byO', keys(['o', 'HASH'], ['sk', 'RANGE']))] }),
      INVALID + 'Index KeySchema does not have the same leading hash key as table KeySchema for index: byO. index hash key: o, table hash key: pk',
    ],
    [
      'LSI key not defined',
      with_({ LocalSecondaryIndexes: [gsi('byL', keys(['pk', 'HASH'], ['l', 'RANGE']))] }),
      INVALID + 'Some index key attributes are not defined in AttributeDefinitions. Keys: [pk, l], AttributeDefinitions: [pk, sk]',
    ],
    [
      'six LSIs',
      with_({
        AttributeDefinitions: defs(['pk', 'S'], ['sk', 'N'], ...Array.from({ length: 6 }, (_, i): [string, string] => [`l${i}`, 'S'])),
        LocalSecondaryIndexes: Array.from({ length: 6 }, (_, i) => gsi(`lsi${i}`, keys(['pk', 'HASH'], [`l${i}`, 'RANGE']))),
      }),
      INVALID + 'Number of LocalSecondaryIndexes exceeds per-table limit of 5',
    ],
    ['empty GSI list', with_({ GlobalSecondaryIndexes: [] }), INVALID + 'List of GlobalSecondaryIndexes is empty'],
    [
      'GSI with same key names',
      with_({ GlobalSecondaryIndexes: [gsi('byS', keys(['sk', 'HASH'], ['sk', 'RANGE']))] }),
      'Both the Hash Key and the Range Key element in the KeySchema have the same name',
    ],
    [
      'GSI first key not HASH',
      with_({ GlobalSecondaryIndexes: [gsi('byS', keys(['sk', 'RANGE']))] }),
      'Invalid KeySchema: The first KeySchemaElement is not a HASH key type',
    ],
    ['missing projection type', with_({ GlobalSecondaryIndexes: [gsi('byS', keys(['sk', 'HASH']), {})] }), INVALID + 'Unknown ProjectionType: null'],
    [
      'NonKeyAttributes without INCLUDE',
      with_({ GlobalSecondaryIndexes: [gsi('byS', keys(['sk', 'HASH']), { ProjectionType: 'ALL', NonKeyAttributes: ['a'] })] }),
      INVALID + 'ProjectionType is ALL, but NonKeyAttributes is specified',
    ],
    [
      'duplicate index names',
      with_({ GlobalSecondaryIndexes: [gsi('same', keys(['sk', 'HASH'])), gsi('same', keys(['pk', 'HASH']))] }),
      INVALID + 'Duplicate index name: same',
    ],
    [
      'duplicate names across LSI and GSI',
      with_({ LocalSecondaryIndexes: [gsi('same', keys(['pk', 'HASH'], ['sk', 'RANGE']))], GlobalSecondaryIndexes: [gsi('same', keys(['sk', 'HASH']))] }),
      INVALID + 'Duplicate index name: same',
    ],
    [
      '21 GSIs',
      with_({ GlobalSecondaryIndexes: Array.from({ length: 21 }, (_, i) => gsi(`gsi${i}`, keys(['sk', 'HASH']))) }),
      INVALID + 'GlobalSecondaryIndex count exceeds the per-table limit of 20',
    ],
    [
      'more than 100 projected attributes',
      with_({
        GlobalSecondaryIndexes: Array.from({ length: 6 }, (_, i) =>
          gsi(`gsi${i}`, keys(['sk', 'HASH']), { ProjectionType: 'INCLUDE', NonKeyAttributes: Array.from({ length: 17 }, (_, j) => `a${j}`) }),
        ),
      }),
      INVALID + 'Number of attributes projected into all of the secondary indexes exceeds the limit of 100',
    ],
    [
      'GSI throughput with PAY_PER_REQUEST',
      with_({ GlobalSecondaryIndexes: [gsi('byS', keys(['sk', 'HASH']), { ProjectionType: 'ALL' }, { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })] }),
      INVALID + 'ProvisionedThroughput should not be specified for index: byS when BillingMode is PAY_PER_REQUEST',
    ],
    [
      'GSI without throughput when PROVISIONED',
      with_({ BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 }, GlobalSecondaryIndexes: [gsi('byS', keys(['sk', 'HASH']))] }),
      INVALID + 'ProvisionedThroughput must be specified for index: byS',
    ],
    [
      'bad index name',
      with_({ GlobalSecondaryIndexes: [gsi('no', keys(['sk', 'HASH']))] }),
      "1 validation error detected: Value 'no' at 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    ],
  ])('%s', (_name, request, expected) => {
    expect(message(request)).toBe(expected);
  });

  it('caps the constraint batch at 10', () => {
    const request = with_({ AttributeDefinitions: Array.from({ length: 12 }, () => ({ AttributeName: 'a', AttributeType: 'Q' })) });
    expect(message(request)).toMatch(/^10 validation errors detected: /);
  });

  it('reports wrong JSON shapes as SerializationException', () => {
    expect(() => validateCreateTable(with_({ KeySchema: 'pk' }))).toThrow(SerializationException);
    expect(() => validateCreateTable(with_({ TableName: 5 }))).toThrow(SerializationException);
    expect(() => validateCreateTable(with_({ ProvisionedThroughput: { ReadCapacityUnits: '5' } }))).toThrow(SerializationException);
  });
});

describe('validateCreateTable: the normalised schema', () => {
  it('describes keys, indexes, billing and options', () => {
    const schema = validateCreateTable({
      TableName: 'Orders',
      AttributeDefinitions: defs(['pk', 'S'], ['sk', 'N'], ['g', 'B'], ['l', 'S']),
      KeySchema: keys(['pk', 'HASH'], ['sk', 'RANGE']),
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 3 },
      LocalSecondaryIndexes: [gsi('byL', keys(['pk', 'HASH'], ['l', 'RANGE']), { ProjectionType: 'KEYS_ONLY' })],
      GlobalSecondaryIndexes: [
        gsi('byG', keys(['g', 'HASH'], ['sk', 'RANGE']), { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x', 'y'] }, { ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 1 } }),
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      SSESpecification: { Enabled: true, SSEType: 'KMS' },
      TableClass: 'STANDARD_INFREQUENT_ACCESS',
      Tags: [{ Key: 'team', Value: 'storage' }],
      DeletionProtectionEnabled: true,
    });
    expect(schema).toEqual({
      tableName: 'Orders',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'N' },
      attributeDefinitions: defs(['pk', 'S'], ['sk', 'N'], ['g', 'B'], ['l', 'S']),
      lsis: [{ name: 'byL', kind: 'LSI', partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'l', type: 'S' }, projection: { type: 'KEYS_ONLY', nonKeyAttributes: [] } }],
      gsis: [
        {
          name: 'byG',
          kind: 'GSI',
          partitionKey: { name: 'g', type: 'B' },
          sortKey: { name: 'sk', type: 'N' },
          projection: { type: 'INCLUDE', nonKeyAttributes: ['x', 'y'] },
          throughput: { readCapacityUnits: 2, writeCapacityUnits: 1 },
        },
      ],
      billingMode: 'PROVISIONED',
      throughput: { readCapacityUnits: 5, writeCapacityUnits: 3 },
      stream: { enabled: true, viewType: 'NEW_AND_OLD_IMAGES' },
      sse: { enabled: true, type: 'KMS' },
      tableClass: 'STANDARD_INFREQUENT_ACCESS',
      deletionProtectionEnabled: true,
      tags: [{ Key: 'team', Value: 'storage' }],
    });
  });

  it('fills defaults for a minimal on-demand hash table', () => {
    const schema = validateCreateTable({
      TableName: 't_1.x-y',
      AttributeDefinitions: defs(['id', 'B']),
      KeySchema: keys(['id', 'HASH']),
      BillingMode: 'PAY_PER_REQUEST',
    });
    expect(schema.partitionKey).toEqual({ name: 'id', type: 'B' });
    expect(schema.sortKey).toBeUndefined();
    expect(schema.throughput).toBeUndefined();
    expect(schema).toMatchObject({ gsis: [], lsis: [], billingMode: 'PAY_PER_REQUEST', tableClass: 'STANDARD', stream: { enabled: false }, tags: [] });
  });
});
