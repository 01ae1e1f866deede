/**
 * TableDescription as DynamoDB renders it (DescribeTable, CreateTable, DeleteTable, UpdateTable).
 * Timestamps are epoch seconds (fractional), as on the wire.
 */
import type { TableRecord } from './catalog.js';
import type { TableContext } from './context.js';

type Output = Record<string, unknown>;

function keySchemaOf(partition: { name: string }, sort: { name: string } | undefined): Output[] {
  const out: Output[] = [{ AttributeName: partition.name, KeyType: 'HASH' }];
  if (sort !== undefined) out.push({ AttributeName: sort.name, KeyType: 'RANGE' });
  return out;
}

function projectionOf(projection: { type: string; nonKeyAttributes: string[] }): Output {
  const out: Output = { ProjectionType: projection.type };
  if (projection.type === 'INCLUDE') out['NonKeyAttributes'] = projection.nonKeyAttributes;
  return out;
}

export interface TableStatistics {
  itemCount: number;
  sizeBytes: number;
  indexes: Map<string, { itemCount: number; sizeBytes: number }>;
}

export function describeTable(context: TableContext, record: TableRecord, statistics: TableStatistics): Output {
  const schema = record.schema;
  const arn = context.tableArn(schema.tableName);
  const provisioned = schema.billingMode === 'PROVISIONED';
  const history = record.throughputHistory;
  const throughput: Output = {
    NumberOfDecreasesToday: history.decreasesToday,
    ReadCapacityUnits: schema.throughput?.readCapacityUnits ?? 0,
    WriteCapacityUnits: schema.throughput?.writeCapacityUnits ?? 0,
  };
  if (history.lastIncreaseMs !== undefined) throughput['LastIncreaseDateTime'] = history.lastIncreaseMs / 1000;
  if (history.lastDecreaseMs !== undefined) throughput['LastDecreaseDateTime'] = history.lastDecreaseMs / 1000;
  const description: Output = {
    AttributeDefinitions: schema.attributeDefinitions,
    TableName: schema.tableName,
    KeySchema: keySchemaOf(schema.partitionKey, schema.sortKey),
    TableStatus: record.status,
    CreationDateTime: record.createdAtMs / 1000,
    ProvisionedThroughput: throughput,
    TableSizeBytes: statistics.sizeBytes,
    ItemCount: statistics.itemCount,
    TableArn: arn,
    TableId: record.uuid,
    DeletionProtectionEnabled: schema.deletionProtectionEnabled,
  };
  if (!provisioned) description['BillingModeSummary'] = { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: record.createdAtMs / 1000 };
  else description['BillingModeSummary'] = { BillingMode: 'PROVISIONED' };
  if (schema.tableClass !== 'STANDARD') description['TableClassSummary'] = { TableClass: schema.tableClass };
  const lsis = schema.lsis.map((index) => {
    const stats = statistics.indexes.get(index.name) ?? { itemCount: 0, sizeBytes: 0 };
    return {
      IndexName: index.name,
      KeySchema: keySchemaOf(index.partitionKey, index.sortKey),
      Projection: projectionOf(index.projection),
      IndexSizeBytes: stats.sizeBytes,
      ItemCount: stats.itemCount,
      IndexArn: `${arn}/index/${index.name}`,
    };
  });
  if (lsis.length > 0) description['LocalSecondaryIndexes'] = lsis;
  const gsis = schema.gsis.flatMap((index) => {
    const indexRecord = record.indexes.find((r) => r.name === index.name);
    if (indexRecord === undefined) return [];
    const stats = statistics.indexes.get(index.name) ?? { itemCount: 0, sizeBytes: 0 };
    const out: Output = {
      IndexName: index.name,
      KeySchema: keySchemaOf(index.partitionKey, index.sortKey),
      Projection: projectionOf(index.projection),
      IndexStatus: indexRecord.status,
      ProvisionedThroughput: {
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: index.throughput?.readCapacityUnits ?? 0,
        WriteCapacityUnits: index.throughput?.writeCapacityUnits ?? 0,
      },
      IndexSizeBytes: stats.sizeBytes,
      ItemCount: stats.itemCount,
      IndexArn: `${arn}/index/${index.name}`,
    };
    if (indexRecord.addedLater === true && indexRecord.status === 'CREATING') out['Backfilling'] = indexRecord.backfilling === true;
    return [out];
  });
  if (gsis.length > 0) description['GlobalSecondaryIndexes'] = gsis;
  if (schema.stream.enabled) {
    description['StreamSpecification'] = { StreamEnabled: true, StreamViewType: schema.stream.viewType };
  }
  if (schema.sse.enabled) description['SSEDescription'] = { Status: 'ENABLED', SSEType: schema.sse.type ?? 'KMS' };
  return description;
}
