/**
 * The README's "Embedded DynamoDB" examples, run. The README's code blocks read as one script, so
 * they run here as one, in order, on in-memory databases and a ManualClock (plus one on-disk database
 * in a temporary directory where the README says 'data/db').
 *
 * Keeping the two in step: the second test reads README.md and requires every code line of the
 * section to appear in this file, block by block, as a contiguous run of lines. Lines that exist only
 * here are skipped when matching: assertions (`expect…`, `await expect…`), lines marked
 * `// test only` and `// ----` headings. README
 * import lines are checked against the package's public exports instead, since the test imports
 * from the source tree.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConditionalCheckFailedException, Database, DocumentDatabase, DynamoDBError, ManualClock, TransactionCanceledException } from '../engine/index.js';
import type { BatchWriteItemCommandInput, QueryCommandOutput } from '@aws-sdk/client-dynamodb';

const README_PATH = fileURLToPath(new URL('../README.md', import.meta.url));
const THIS_PATH = fileURLToPath(import.meta.url);
const SECTION_HEADING = '## Embedded DynamoDB';
/** README text → what this test writes instead (the on-disk example uses a temporary directory). */
const SUBSTITUTIONS: readonly (readonly [string, string])[] = [["path: 'data/db'", 'path: onDiskPath']];

const temporaryDirectories: string[] = [];
afterAll(async () => {
  for (const directory of temporaryDirectories) await rm(directory, { recursive: true, force: true });
});

describe('README: Embedded DynamoDB', () => {
  it('runs every example with the results the README states', async () => {
    const onDiskPath = await mkdtemp(join(tmpdir(), 'silt-readme-')); // test only
    temporaryDirectories.push(onDiskPath); // test only
    let caught = 0; // test only

    // ---- Opening and closing
    const onDisk = await Database.open({ path: onDiskPath });  // a directory, locked while open; sync: 'always'
    const inMemory = await Database.open();                   // no path: in memory, gone on close
    const clock = new ManualClock(Date.UTC(2024, 0, 1));
    const db = await Database.open({ clock, ttlSweepIntervalMs: 0 }); // in memory, test clock, TTL sweeps on request
    clock.advance(60_000);                                    // TTL, status delays and lags follow it
    await onDisk.close();                                     // stops background work, closes the store
    await inMemory.close();
    expect(clock.now()).toBe(Date.UTC(2024, 0, 1) + 60_000);
    await expect(onDisk.listTables()).rejects.toMatchObject({ code: 'SILT_CLOSED' });

    // ---- Tables
    await db.createTable({
      TableName: 'Music',
      KeySchema: [
        { AttributeName: 'Artist', KeyType: 'HASH' },
        { AttributeName: 'Song', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'Artist', AttributeType: 'S' },
        { AttributeName: 'Song', AttributeType: 'S' },
        { AttributeName: 'Genre', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        { IndexName: 'ByGenre', KeySchema: [{ AttributeName: 'Genre', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const { Table } = await db.describeTable({ TableName: 'Music' });
    // Table.TableStatus 'ACTIVE', Table.ItemCount 0, Table.TableArn 'arn:aws:dynamodb:us-east-1:000000000000:table/Music'
    const { TableNames, LastEvaluatedTableName } = await db.listTables({ Limit: 100 });
    // TableNames ['Music']; LastEvaluatedTableName undefined (pass it as ExclusiveStartTableName for the next page)
    expect(Table).toMatchObject({ TableStatus: 'ACTIVE', ItemCount: 0, TableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/Music' });
    expect(TableNames).toEqual(['Music']);
    expect(LastEvaluatedTableName).toBeUndefined();

    await db.createTable({
      TableName: 'Counters',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    });
    await db.updateTable({ TableName: 'Counters', ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 } });
    expect((await db.describeTable({ TableName: 'Counters' })).Table).toMatchObject({ TableStatus: 'ACTIVE', ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 } });

    await db.updateTable({
      TableName: 'Music',
      AttributeDefinitions: [{ AttributeName: 'Year', AttributeType: 'N' }],
      GlobalSecondaryIndexUpdates: [
        { Create: { IndexName: 'ByYear', KeySchema: [{ AttributeName: 'Year', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } },
      ],
    });
    expect((await db.describeTable({ TableName: 'Music' })).Table?.GlobalSecondaryIndexes?.[1]).toMatchObject({ IndexName: 'ByYear', IndexStatus: 'CREATING', Backfilling: true });
    const indexStatus = async (name: string) =>
      (await db.describeTable({ TableName: 'Music' })).Table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === name)?.IndexStatus;
    while ((await indexStatus('ByYear')) !== 'ACTIVE') await new Promise((resolve) => setImmediate(resolve));
    await db.updateTable({ TableName: 'Music', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'ByYear' } }] });
    await db.deleteTable({ TableName: 'Counters' });
    expect(await indexStatus('ByYear')).toBe('DELETING');
    expect((await db.listTables()).TableNames).toEqual(['Music']);
    for (let turn = 0; turn < 1000 && (await indexStatus('ByYear')) !== undefined; turn++) await new Promise((resolve) => setImmediate(resolve)); // test only
    expect(await indexStatus('ByYear')).toBeUndefined();

    // ---- Items
    const key = { Artist: { S: 'Ada' }, Song: { S: 'Engine' } };
    await db.putItem({
      TableName: 'Music',
      Item: { ...key, Genre: { S: 'Jazz' }, plays: { N: '0' } },
      ConditionExpression: 'attribute_not_exists(Artist)',    // create, never overwrite
    });
    const { Item } = await db.getItem({ TableName: 'Music', Key: key, ConsistentRead: true, ProjectionExpression: 'Song, plays' });
    // Item { Song: { S: 'Engine' }, plays: { N: '0' } }
    expect(Item).toEqual({ Song: { S: 'Engine' }, plays: { N: '0' } });
    const { Attributes } = await db.updateItem({
      TableName: 'Music',
      Key: key,
      UpdateExpression: 'SET plays = plays + :one, #t = :tags',
      ConditionExpression: 'plays < :max',
      ExpressionAttributeNames: { '#t': 'tags' },
      ExpressionAttributeValues: { ':one': { N: '1' }, ':max': { N: '1000' }, ':tags': { SS: ['live'] } },
      ReturnValues: 'UPDATED_NEW',                            // NONE | ALL_OLD | UPDATED_OLD | ALL_NEW | UPDATED_NEW
    });
    // Attributes { plays: { N: '1' }, tags: { SS: ['live'] } }
    expect(Attributes).toEqual({ plays: { N: '1' }, tags: { SS: ['live'] } });
    const removed = await db.deleteItem({ TableName: 'Music', Key: key, ConditionExpression: 'plays > :zero',
      ExpressionAttributeValues: { ':zero': { N: '0' } }, ReturnValues: 'ALL_OLD' });
    // removed.Attributes: the whole item as it was
    expect(removed.Attributes).toEqual({ ...key, Genre: { S: 'Jazz' }, plays: { N: '1' }, tags: { SS: ['live'] } });

    await db.putItem({ TableName: 'Music', Item: { ...key, plays: { N: '7' } } });
    try {
      await db.putItem({ TableName: 'Music', Item: key, ConditionExpression: 'attribute_not_exists(Artist)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // error.name 'ConditionalCheckFailedException', error.message 'The conditional request failed',
      // error.Item { Artist: { S: 'Ada' }, Song: { S: 'Engine' }, plays: { N: '7' } }
      expect([error.name, error.message]).toEqual(['ConditionalCheckFailedException', 'The conditional request failed']);
      expect(error.Item).toEqual({ Artist: { S: 'Ada' }, Song: { S: 'Engine' }, plays: { N: '7' } });
      caught++; // test only
    }
    expect(caught).toBe(1);

    // ---- Query and scan
    for (const song of ['Aria', 'Blues', 'Coda', 'Dirge', 'Etude']) {
      await db.putItem({ TableName: 'Music', Item: { Artist: { S: 'Bo' }, Song: { S: song }, Genre: { S: song === 'Blues' ? 'Blues' : 'Jazz' } } });
    }
    const songs: string[] = [];
    let startKey: QueryCommandOutput['LastEvaluatedKey'];
    let pages = 0; // test only
    do {
      const page = await db.query({
        TableName: 'Music',
        KeyConditionExpression: 'Artist = :a AND Song >= :from',
        FilterExpression: 'Genre = :g',
        ExpressionAttributeValues: { ':a': { S: 'Bo' }, ':from': { S: 'B' }, ':g': { S: 'Jazz' } },
        Limit: 2,
        ExclusiveStartKey: startKey,
      });
      for (const item of page.Items ?? []) songs.push(item['Song']?.S ?? '');
      startKey = page.LastEvaluatedKey;
      pages++; // test only
    } while (startKey !== undefined);
    // songs ['Coda', 'Dirge', 'Etude']
    expect(songs).toEqual(['Coda', 'Dirge', 'Etude']);
    expect(pages).toBe(3); // Blues+Coda, Dirge+Etude, then an empty last page
    const { Count } = await db.query({ TableName: 'Music', IndexName: 'ByGenre', KeyConditionExpression: 'Genre = :g',
      ExpressionAttributeValues: { ':g': { S: 'Jazz' } }, Select: 'COUNT' });
    // Count 4 (GSI reads are never ConsistentRead)
    expect(Count).toBe(4);

    const segments = await Promise.all([0, 1, 2, 3].map((Segment) => db.scan({ TableName: 'Music', Segment, TotalSegments: 4 })));
    const scanned = segments.flatMap((segment) => segment.Items ?? []);
    // scanned.length 6: every item of the table, each in exactly one segment
    expect(scanned).toHaveLength(6);
    expect(new Set(scanned.map((item) => `${item['Artist']?.S}/${item['Song']?.S}`)).size).toBe(6);

    // ---- Batches
    let requests: BatchWriteItemCommandInput['RequestItems'] = {
      Music: [
        { PutRequest: { Item: { Artist: { S: 'Cy' }, Song: { S: 'One' } } } },
        { PutRequest: { Item: { Artist: { S: 'Cy' }, Song: { S: 'Two' } } } },
        { DeleteRequest: { Key: { Artist: { S: 'Bo' }, Song: { S: 'Aria' } } } },
      ],
    };
    while (requests !== undefined && Object.keys(requests).length > 0) {
      requests = (await db.batchWriteItem({ RequestItems: requests })).UnprocessedItems;
    }
    const { Responses, UnprocessedKeys } = await db.batchGetItem({
      RequestItems: { Music: { Keys: [{ Artist: { S: 'Cy' }, Song: { S: 'One' } }, { Artist: { S: 'Cy' }, Song: { S: 'Nope' } }] } },
    });
    // Responses.Music: the one item found (missing keys are left out); UnprocessedKeys {}
    expect(Responses).toEqual({ Music: [{ Artist: { S: 'Cy' }, Song: { S: 'One' } }] });
    expect(UnprocessedKeys).toEqual({});
    expect((await db.getItem({ TableName: 'Music', Key: { Artist: { S: 'Bo' }, Song: { S: 'Aria' } } })).Item).toBeUndefined();

    // ---- Transactions
    const cy = { Artist: { S: 'Cy' }, Song: { S: 'One' } };
    await db.transactWriteItems({
      ClientRequestToken: 'release-cy-1',
      TransactItems: [
        { ConditionCheck: { TableName: 'Music', Key: cy, ConditionExpression: 'attribute_exists(Artist)' } },
        { Update: { TableName: 'Music', Key: { Artist: { S: 'Cy' }, Song: { S: 'Two' } }, UpdateExpression: 'SET released = :yes',
          ExpressionAttributeValues: { ':yes': { BOOL: true } } } },
        { Put: { TableName: 'Music', Item: { Artist: { S: 'Cy' }, Song: { S: 'Three' } } } },
        { Delete: { TableName: 'Music', Key: { Artist: { S: 'Bo' }, Song: { S: 'Blues' } } } },
      ],
    });
    expect((await db.getItem({ TableName: 'Music', Key: { Artist: { S: 'Cy' }, Song: { S: 'Two' } } })).Item?.['released']).toEqual({ BOOL: true });
    await db.deleteItem({ TableName: 'Music', Key: { Artist: { S: 'Cy' }, Song: { S: 'Three' } } }); // test only: a retry must not apply again
    await db.transactWriteItems({ ClientRequestToken: 'release-cy-1', TransactItems: [ // test only
      { ConditionCheck: { TableName: 'Music', Key: cy, ConditionExpression: 'attribute_exists(Artist)' } }, // test only
      { Update: { TableName: 'Music', Key: { Artist: { S: 'Cy' }, Song: { S: 'Two' } }, UpdateExpression: 'SET released = :yes', ExpressionAttributeValues: { ':yes': { BOOL: true } } } }, // test only
      { Put: { TableName: 'Music', Item: { Artist: { S: 'Cy' }, Song: { S: 'Three' } } } }, // test only
      { Delete: { TableName: 'Music', Key: { Artist: { S: 'Bo' }, Song: { S: 'Blues' } } } }, // test only
    ] }); // test only
    expect((await db.getItem({ TableName: 'Music', Key: { Artist: { S: 'Cy' }, Song: { S: 'Three' } } })).Item).toBeUndefined();
    await expect(db.transactWriteItems({ ClientRequestToken: 'release-cy-1', TransactItems: [{ ConditionCheck: { TableName: 'Music', Key: cy, ConditionExpression: 'attribute_exists(Song)' } }] })).rejects.toMatchObject({ name: 'IdempotentParameterMismatchException' });
    await db.putItem({ TableName: 'Music', Item: { Artist: { S: 'Cy' }, Song: { S: 'Three' } } }); // test only: back to the README's state
    const { Responses: got } = await db.transactGetItems({
      TransactItems: [{ Get: { TableName: 'Music', Key: cy } }, { Get: { TableName: 'Music', Key: { Artist: { S: 'Cy' }, Song: { S: 'Four' } } } }],
    });
    // got [{ Item: { Artist: { S: 'Cy' }, Song: { S: 'One' } } }, {}]  (one response per Get, in order)
    expect(got).toEqual([{ Item: { Artist: { S: 'Cy' }, Song: { S: 'One' } } }, {}]);
    try {
      await db.transactWriteItems({
        TransactItems: [
          { Put: { TableName: 'Music', Item: cy, ConditionExpression: 'attribute_not_exists(Artist)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
          { Delete: { TableName: 'Music', Key: { Artist: { S: 'Cy' }, Song: { S: 'Three' } } } },
        ],
      });
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // error.CancellationReasons, one per action in order, nothing applied:
      // [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { Artist: { S: 'Cy' }, Song: { S: 'One' } } },
      //  { Code: 'None' }]
      expect(error.CancellationReasons).toEqual([{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { Artist: { S: 'Cy' }, Song: { S: 'One' } } }, { Code: 'None' }]);
      expect(error.message).toBe('Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]');
      caught++; // test only
    }
    expect(caught).toBe(2);
    expect((await db.getItem({ TableName: 'Music', Key: { Artist: { S: 'Cy' }, Song: { S: 'Three' } } })).Item).toBeDefined();

    // ---- Time to Live, tags, limits
    await db.updateTimeToLive({ TableName: 'Music', TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } });
    const { TimeToLiveDescription } = await db.describeTimeToLive({ TableName: 'Music' });
    // TimeToLiveDescription { TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' }
    expect(TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    const inOneMinute = Math.floor(clock.now() / 1000) + 60;  // epoch seconds, a Number attribute
    await db.putItem({ TableName: 'Music', Item: { Artist: { S: 'Di' }, Song: { S: 'Gone' }, expiresAt: { N: String(inOneMinute) } } });
    clock.advance(61_000);
    expect((await db.getItem({ TableName: 'Music', Key: { Artist: { S: 'Di' }, Song: { S: 'Gone' } } })).Item).toBeDefined();
    const { deleted } = await db.runTimeToLiveSweep();        // Silt-specific: sweep now
    // deleted 1 (expired items stay readable until a sweep deletes them, index entries included)
    expect(deleted).toBe(1);
    expect((await db.getItem({ TableName: 'Music', Key: { Artist: { S: 'Di' }, Song: { S: 'Gone' } } })).Item).toBeUndefined();

    const arn = (await db.describeTable({ TableName: 'Music' })).Table?.TableArn ?? '';
    await db.tagResource({ ResourceArn: arn, Tags: [{ Key: 'team', Value: 'audio' }] });
    const { Tags } = await db.listTagsOfResource({ ResourceArn: arn });
    // Tags [{ Key: 'team', Value: 'audio' }]
    expect(Tags).toEqual([{ Key: 'team', Value: 'audio' }]);
    await db.untagResource({ ResourceArn: arn, TagKeys: ['team'] });
    expect((await db.listTagsOfResource({ ResourceArn: arn })).Tags).toEqual([]);
    const limits = await db.describeLimits();
    // limits { AccountMaxReadCapacityUnits: 80000, AccountMaxWriteCapacityUnits: 80000, TableMaxReadCapacityUnits: 40000, TableMaxWriteCapacityUnits: 40000 }
    expect(limits).toEqual({ AccountMaxReadCapacityUnits: 80000, AccountMaxWriteCapacityUnits: 80000, TableMaxReadCapacityUnits: 40000, TableMaxWriteCapacityUnits: 40000 });

    // ---- Errors
    try {
      await db.getItem({ TableName: 'Nope', Key: key });
    } catch (error) {
      if (!(error instanceof DynamoDBError)) throw error;
      // error.name 'ResourceNotFoundException', error.message 'Requested resource not found', error.statusCode 400
      expect([error.name, error.message, error.statusCode]).toEqual(['ResourceNotFoundException', 'Requested resource not found', 400]);
      caught++; // test only
    }
    expect(caught).toBe(3);

    // ---- Consumed capacity
    const put = await db.putItem({ TableName: 'Music', Item: { Artist: { S: 'Ed' }, Song: { S: 'Hum' }, Genre: { S: 'Folk' } },
      ReturnConsumedCapacity: 'INDEXES' });
    // put.ConsumedCapacity { TableName: 'Music', CapacityUnits: 2, WriteCapacityUnits: 2,
    //   Table: { CapacityUnits: 1, WriteCapacityUnits: 1 }, GlobalSecondaryIndexes: { ByGenre: { CapacityUnits: 1, WriteCapacityUnits: 1 } } }
    expect(put.ConsumedCapacity).toEqual({ TableName: 'Music', CapacityUnits: 2, WriteCapacityUnits: 2, Table: { CapacityUnits: 1, WriteCapacityUnits: 1 }, GlobalSecondaryIndexes: { ByGenre: { CapacityUnits: 1, WriteCapacityUnits: 1 } } });
    const read = await db.getItem({ TableName: 'Music', Key: { Artist: { S: 'Ed' }, Song: { S: 'Hum' } }, ReturnConsumedCapacity: 'TOTAL' });
    // read.ConsumedCapacity { TableName: 'Music', CapacityUnits: 0.5, ReadCapacityUnits: 0.5 }
    expect(read.ConsumedCapacity).toEqual({ TableName: 'Music', CapacityUnits: 0.5, ReadCapacityUnits: 0.5 });

    // ---- Eventual consistency, status delays, time
    const lagged = await Database.open({
      clock,
      eventualReadLagMs: 1000,     // GetItem/BatchGetItem/Query/Scan without ConsistentRead see the data as of 1 s ago
      indexPropagationLagMs: 5000, // GSI queries and scans see the index as of 5 s ago
      tableStatusDelayMs: 2000,    // new tables stay CREATING (and deleted ones DELETING, updated ones UPDATING) for 2 s
      indexStatusDelayMs: 10_000,  // a GSI added by updateTable stays CREATING for at least 10 s
    });
    const created = // test only
    await lagged.createTable({
      TableName: 'Events',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });                                                       // TableDescription.TableStatus 'CREATING'
    expect(created.TableDescription?.TableStatus).toBe('CREATING');
    await expect(lagged.putItem({ TableName: 'Events', Item: { id: { S: 'early' } } })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    clock.advance(2000);
    const { Table: events } = await lagged.describeTable({ TableName: 'Events' }); // events.TableStatus 'ACTIVE'
    expect(events?.TableStatus).toBe('ACTIVE');
    const event = { id: { S: 'e1' } };
    await lagged.putItem({ TableName: 'Events', Item: event });
    const stale = await lagged.getItem({ TableName: 'Events', Key: event });                       // stale.Item undefined: 1 s behind
    const strong = await lagged.getItem({ TableName: 'Events', Key: event, ConsistentRead: true }); // strong.Item { id: { S: 'e1' } }
    expect(stale.Item).toBeUndefined();
    expect(strong.Item).toEqual({ id: { S: 'e1' } });
    clock.advance(1000);
    const caughtUp = await lagged.getItem({ TableName: 'Events', Key: event });                    // caughtUp.Item { id: { S: 'e1' } }
    expect(caughtUp.Item).toEqual({ id: { S: 'e1' } });
    await lagged.close();

    // ---- DocumentDatabase
    const docs = new DocumentDatabase(db, { marshallOptions: { removeUndefinedValues: true } });
    await docs.put({ TableName: 'Music', Item: { Artist: 'Flo', Song: 'Sum', plays: 3, tags: new Set(['live']), meta: { bpm: 120 }, note: undefined } });
    await docs.update({ TableName: 'Music', Key: { Artist: 'Flo', Song: 'Sum' }, UpdateExpression: 'ADD plays :n', ExpressionAttributeValues: { ':n': 2 } });
    const { Items: flo } = await docs.query({ TableName: 'Music', KeyConditionExpression: 'Artist = :a', ExpressionAttributeValues: { ':a': 'Flo' } });
    // flo [{ Artist: 'Flo', Song: 'Sum', plays: 5, tags: Set { 'live' }, meta: { bpm: 120 } }]
    expect(flo).toEqual([{ Artist: 'Flo', Song: 'Sum', plays: 5, tags: new Set(['live']), meta: { bpm: 120 } }]);

    await db.close(); // test only
  });

  it('the README section holds exactly the code this file runs', async () => {
    const readme = await readFile(README_PATH, 'utf8');
    const start = readme.indexOf(SECTION_HEADING);
    expect(start, `README.md has a "${SECTION_HEADING}" section`).toBeGreaterThanOrEqual(0);
    const next = readme.indexOf('\n## ', start + SECTION_HEADING.length);
    const section = readme.slice(start, next < 0 ? undefined : next);
    const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(10);

    const source = await readFile(THIS_PATH, 'utf8');
    const runLines = normalized(source).filter((line) => !isTestOnly(line));
    const runText = '\n' + runLines.join('\n') + '\n';
    const exported = new Set(Object.keys(await import('../engine/index.js')));
    for (const block of blocks) {
      let text = block;
      for (const [from, to] of SUBSTITUTIONS) text = text.split(from).join(to);
      const lines = normalized(text);
      for (const line of lines.filter((candidate) => candidate.startsWith('import '))) {
        const silt = /^import \{ (.*) \} from 'silt';$/.exec(line);
        if (silt === null) continue; // a type import from the AWS SDK: the typecheck covers it
        for (const name of silt[1]!.split(',').map((part) => part.trim())) expect(exported, `silt exports ${name}`).toContain(name);
      }
      const code = lines.filter((line) => !line.startsWith('import '));
      expect(runText.includes('\n' + code.join('\n') + '\n'), `this test runs the README block:\n${code.join('\n')}`).toBe(true);
    }
  });
});

/** A line of this file that is not README code: an assertion, a marked line or a heading. */
function isTestOnly(line: string): boolean {
  return line.startsWith('expect') || line.startsWith('await expect') || line.includes('// test only') || line.startsWith('// ----');
}

/** Trimmed non-empty lines (indentation differs between the README and this file). */
function normalized(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}
