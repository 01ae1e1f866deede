/**
 * Scan: every item of a table or index, in storage order, which is partition-hash order
 * (reference §4.3): a table or index is one contiguous range of storage keys, and parallel-scan
 * segment i of n is the sub-range of partition hashes [floor(i·2^32/n), floor((i+1)·2^32/n))
 * (storage-key.ts scanSegmentRange), so the segments partition the items exactly and a partition
 * never spans two segments. A filter may read key attributes.
 *
 * Checks, in order (dynalite actions/scan.js): request shape (request-validation.ts, which also
 * checks Segment/TotalSegments), Select needs a projection, filter and projection compiled, table,
 * index, start key against the key schema, Select ALL_ATTRIBUTES on a GSI, the start key's segment,
 * nested key paths in the projection and in the filter.
 *
 * Synchronous: the page is read from one consistent view (read-path.ts).
 */
import { ValidationException } from '../model/errors.js';
import { scanSegmentRange, prefixEnd } from '../model/storage-key.js';
import type { TableContext } from './context.js';
import { contextOf } from './expressions-of.js';
import { checkStartKeyInSegment, START_KEY_INVALID_MESSAGE, startStorageKey, validateStartKey } from './paging.js';
import {
  compileFilterAndProjection,
  readRequestedPage,
  checkGlobalSelect,
  checkKeyPaths,
  conditionPaths,
  effectiveSelect,
  resolveIndex,
  SPECIFIC_ATTRIBUTES_MESSAGE,
  type PageOutput,
} from './read-path.js';
import { validateScanRequest } from './request-validation.js';

export function scan(context: TableContext, raw: unknown): PageOutput {
  const input = validateScanRequest(raw);
  const hasProjection = input.ProjectionExpression !== undefined || input.AttributesToGet !== undefined;
  if (input.Select === 'SPECIFIC_ATTRIBUTES' && !hasProjection) throw new ValidationException(SPECIFIC_ATTRIBUTES_MESSAGE);
  const expressions = contextOf(input as unknown as Readonly<Record<string, unknown>>);
  const { filter, projection } = compileFilterAndProjection(input, input.ScanFilter, expressions);
  expressions.assertAllUsed();

  const table = context.requireTable(input.TableName);
  const consistent = input.ConsistentRead === true;
  // As the service: a start key for an index the table lacks is reported as a bad start key.
  const index = resolveIndex(table, input.IndexName, consistent, input.ExclusiveStartKey === undefined ? undefined : START_KEY_INVALID_MESSAGE);
  const startKey = input.ExclusiveStartKey === undefined ? undefined : validateStartKey('Scan', table, index, input.ExclusiveStartKey);
  checkGlobalSelect(index, input.Select);
  // Without TotalSegments (the validator requires Segment and TotalSegments together) it is one segment.
  const totalSegments = input.TotalSegments ?? 1;
  const segment = input.Segment ?? 0;
  if (startKey !== undefined) checkStartKeyInSegment(table, index, startKey, segment, totalSegments);
  const projectionPaths = projection ?? [];
  checkKeyPaths(table, projectionPaths);
  const filterPaths = filter === undefined ? [] : conditionPaths(filter);
  checkKeyPaths(table, filterPaths);

  const range =
    totalSegments > 1
      ? scanSegmentRange(table.tableId, index?.indexId ?? 0, segment, totalSegments)
      : { start: table.prefix(index), end: prefixEnd(table.prefix(index)) };
  return readRequestedPage(context, {
    table,
    index,
    select: effectiveSelect(input.Select, hasProjection, index !== undefined),
    filter,
    filterPaths,
    projection,
    projectionPaths,
    range,
    start: startKey === undefined ? undefined : startStorageKey(table, index, startKey),
    reverse: false,
    limit: input.Limit,
    consistent,
    returnConsumedCapacity: input.ReturnConsumedCapacity,
  });
}
