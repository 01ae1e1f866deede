/**
 * Tags on a table's ARN (reference/dynamodb-facts.md §2.5): TagResource, UntagResource and
 * ListTagsOfResource. At most 50 tags per table; keys 1–128 and values 0–256 characters (checked by
 * request-validation.ts); the `aws:` prefix is reserved. Tags live in TableRecord.tags.
 *
 * Concurrency: one thread; each change reads the record and calls catalog.put with no await between.
 */
import { TAGS_MAX } from '../limits.js';
import { DynamoDBError, ValidationException } from '../model/errors.js';
import type { Tag } from '../model/schema.js';
import {
  tableNameOfResourceArn,
  validateListTagsOfResourceRequest,
  validateTagResourceRequest,
  validateUntagResourceRequest,
} from './request-validation.js';
import type { TableRecord } from './catalog.js';
import type { TableContext } from './context.js';
import type { Input } from './expressions-of.js';

type Output = Record<string, unknown>;

const INVALID = 'One or more parameter values were invalid: ';
const RESERVED_PREFIX = 'aws:';

/** The table an ARN names in this database (region and account must match), or ResourceNotFoundException. */
function tableOfArn(context: TableContext, arn: string): TableRecord {
  const name = tableNameOfResourceArn(arn);
  const record = context.catalog.get(name);
  if (record === undefined || record.status === 'DELETING' || context.tableArn(name) !== arn) {
    // The service's text, typo included ("ResourcArn").
    throw new DynamoDBError('ResourceNotFoundException', `Requested resource not found: ResourcArn: ${arn} not found`);
  }
  return record;
}

function checkReserved(key: string): void {
  // [UNVERIFIED] wording; the reservation itself is documented (facts §2.5).
  if (key.toLowerCase().startsWith(RESERVED_PREFIX)) throw new ValidationException(`${INVALID}Tag keys starting with '${RESERVED_PREFIX}' are reserved for system use: ${key}`);
}

export async function tagResource(context: TableContext, input: Input): Promise<Output> {
  const request = validateTagResourceRequest(input);
  for (const tag of request.Tags) checkReserved(tag.Key);
  // From here to catalog.put: no await.
  const record = tableOfArn(context, request.ResourceArn);
  const tags = new Map<string, string>(record.tags.map((tag) => [tag.Key, tag.Value]));
  for (const tag of request.Tags) tags.set(tag.Key, tag.Value); // a key already present takes the new value
  if (tags.size > TAGS_MAX) {
    // [UNVERIFIED] wording; the bound is documented (facts §2.5).
    throw new DynamoDBError('LimitExceededException', `Subscriber limit exceeded: The number of tags on the resource exceeds the limit of ${TAGS_MAX}`);
  }
  const next: Tag[] = [...tags].map(([Key, Value]) => ({ Key, Value }));
  await context.catalog.put({ ...record, tags: next });
  return {};
}

export async function untagResource(context: TableContext, input: Input): Promise<Output> {
  const request = validateUntagResourceRequest(input);
  for (const key of request.TagKeys) checkReserved(key);
  const record = tableOfArn(context, request.ResourceArn);
  const removed = new Set(request.TagKeys);
  const next = record.tags.filter((tag) => !removed.has(tag.Key));
  if (next.length !== record.tags.length) await context.catalog.put({ ...record, tags: next });
  return {};
}

export function listTagsOfResource(context: TableContext, input: Input): Output {
  const request = validateListTagsOfResourceRequest(input);
  const record = tableOfArn(context, request.ResourceArn);
  // At most 50 tags: one page, no NextToken.
  return { Tags: record.tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })) };
}
