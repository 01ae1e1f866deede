/**
 * The AWS CLI v2 (Debian package `awscli`, /usr/bin/aws — another `aws` may come first on PATH, so
 * the path is explicit) against the HTTP server with `--endpoint-url`: create-table, put-item,
 * get-item, query, scan, update-item, delete-item, delete-table, outputs checked. botocore also
 * validates every response's x-amz-crc32. Skipped, saying why, when /usr/bin/aws is missing;
 * fails when it is not v2.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDatabase, type Served } from './helpers.js';

const AWS = '/usr/bin/aws';
const run = promisify(execFile);

const missing = !existsSync(AWS);
if (missing) console.warn(`skipping the AWS CLI tests: ${AWS} is missing (Debian package awscli; .ci/run installs it)`);

describe.skipIf(missing)('AWS CLI v2 against silt serve', () => {
  let served: Served;
  let env: NodeJS.ProcessEnv;

  /** Runs `aws dynamodb <args>` against the server; resolves with parsed JSON stdout (or undefined when empty). */
  async function dynamodb(...args: string[]): Promise<Record<string, unknown> | undefined> {
    const { stdout } = await run(AWS, ['dynamodb', ...args, '--endpoint-url', served.server.url, '--output', 'json', '--no-cli-pager'], { env, timeout: 60_000 });
    return stdout.trim() === '' ? undefined : (JSON.parse(stdout) as Record<string, unknown>);
  }

  beforeAll(async () => {
    served = await serveDatabase();
    const home = mkdtempSync(join(tmpdir(), 'silt-aws-cli-'));
    // A clean environment: no user config or profile can change what the CLI sends.
    env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      AWS_ACCESS_KEY_ID: 'AKIDSILT',
      AWS_SECRET_ACCESS_KEY: 'silt-secret',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const { stdout } = await run(AWS, ['--version'], { env });
    expect(stdout).toMatch(/^aws-cli\/2\./);
  });

  afterAll(async () => {
    await served?.close();
  });

  it('runs the item lifecycle with checked outputs', async () => {
    const created = await dynamodb(
      'create-table',
      '--table-name', 'cli-table',
      '--attribute-definitions', 'AttributeName=pk,AttributeType=S', 'AttributeName=sk,AttributeType=N',
      '--key-schema', 'AttributeName=pk,KeyType=HASH', 'AttributeName=sk,KeyType=RANGE',
      '--billing-mode', 'PAY_PER_REQUEST',
    );
    expect(created?.['TableDescription']).toMatchObject({ TableName: 'cli-table', TableStatus: 'ACTIVE', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }] });

    for (const sk of ['1', '2', '3']) {
      const put = await dynamodb('put-item', '--table-name', 'cli-table', '--item', JSON.stringify({ pk: { S: 'a' }, sk: { N: sk }, b: { B: 'AAEC' }, n: { N: '1.5' } }));
      expect(put).toBeUndefined();
    }

    const got = await dynamodb('get-item', '--table-name', 'cli-table', '--key', JSON.stringify({ pk: { S: 'a' }, sk: { N: '2' } }));
    expect(got).toEqual({ Item: { pk: { S: 'a' }, sk: { N: '2' }, b: { B: 'AAEC' }, n: { N: '1.5' } } });

    const queried = await dynamodb('query', '--table-name', 'cli-table', '--key-condition-expression', 'pk = :p AND sk >= :s', '--expression-attribute-values', JSON.stringify({ ':p': { S: 'a' }, ':s': { N: '2' } }));
    expect(queried?.['Count']).toBe(2);
    expect((queried?.['Items'] as { sk: { N: string } }[]).map((item) => item.sk.N)).toEqual(['2', '3']);

    const scanned = await dynamodb('scan', '--table-name', 'cli-table');
    expect(scanned?.['Count']).toBe(3);
    expect(scanned?.['ScannedCount']).toBe(3);

    const updated = await dynamodb(
      'update-item', '--table-name', 'cli-table',
      '--key', JSON.stringify({ pk: { S: 'a' }, sk: { N: '1' } }),
      '--update-expression', 'SET n = n + :d, tags = :t',
      '--expression-attribute-values', JSON.stringify({ ':d': { N: '2' }, ':t': { SS: ['x', 'y'] } }),
      '--return-values', 'UPDATED_NEW',
    );
    expect(updated).toEqual({ Attributes: { n: { N: '3.5' }, tags: { SS: ['x', 'y'] } } });

    const deleted = await dynamodb('delete-item', '--table-name', 'cli-table', '--key', JSON.stringify({ pk: { S: 'a' }, sk: { N: '1' } }), '--return-values', 'ALL_OLD');
    expect((deleted?.['Attributes'] as Record<string, unknown>)['n']).toEqual({ N: '3.5' });
    expect((await dynamodb('scan', '--table-name', 'cli-table'))?.['Count']).toBe(2);

    const dropped = await dynamodb('delete-table', '--table-name', 'cli-table');
    expect(dropped?.['TableDescription']).toMatchObject({ TableName: 'cli-table' });
    const tables = await dynamodb('list-tables');
    expect(tables).toEqual({ TableNames: [] });
  });

  it('reports DynamoDB errors as the CLI does', async () => {
    const failure = await dynamodb('describe-table', '--table-name', 'no-such-table').catch((error: { code?: number; stderr?: string }) => error);
    expect((failure as { code?: number }).code).toBe(254);
    expect((failure as { stderr?: string }).stderr).toContain('An error occurred (ResourceNotFoundException) when calling the DescribeTable operation: Requested resource not found: Table: no-such-table not found');
  });
});
