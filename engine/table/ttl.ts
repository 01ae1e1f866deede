/**
 * Time to Live (reference/dynamodb-facts.md §7): UpdateTimeToLive and DescribeTimeToLive, and the
 * expiry rule the background sweeper (ttl-sweeper.ts) applies.
 *
 * An item is expired when its TTL attribute is a top-level Number of epoch seconds that is less than
 * now (the injected clock) and not more than 5 years in the past (older values are ignored as
 * malformed). Expired items stay readable until the sweeper deletes them.
 *
 * Silt applies a TTL change at once, so DescribeTimeToLive reports ENABLED or DISABLED, never the
 * transitional ENABLING/DISABLING. DynamoDB's one-change-per-hour quota is kept.
 *
 * Concurrency: one thread; each update reads the record and calls catalog.put with no await between.
 */
import { TIME_TO_LIVE_EXPIRY_HORIZON_SECONDS, TIME_TO_LIVE_UPDATE_INTERVAL_MS } from '../limits.js';
import type { Item } from '../model/attribute-value.js';
import { ValidationException } from '../model/errors.js';
import { validateDescribeTimeToLiveRequest, validateUpdateTimeToLiveRequest } from './request-validation.js';
import type { TableRecord, TimeToLiveRecord } from './catalog.js';
import type { TableContext } from './context.js';
import { resourceNotFound } from './errors.js';
import type { Input } from './expressions-of.js';

type Output = Record<string, unknown>;

/** TimeToLiveRecord as persisted here: when it last changed, for the hourly quota (JSON, with the record). */
export interface TimeToLiveState extends TimeToLiveRecord {
  modifiedAtMs?: number;
}

/**
 * True when `item` has expired under TTL attribute `attributeName` at `nowMs`.
 * Hot in the sweeper: no allocation beyond the number parse.
 */
export function isExpired(item: Item, attributeName: string, nowMs: number): boolean {
  if (!Object.prototype.hasOwnProperty.call(item, attributeName)) return false;
  const value = item[attributeName]!;
  if (!('N' in value)) return false;
  const seconds = Number(value.N);
  if (!Number.isFinite(seconds)) return false;
  const nowSeconds = nowMs / 1000;
  return seconds < nowSeconds && seconds >= nowSeconds - TIME_TO_LIVE_EXPIRY_HORIZON_SECONDS;
}

/** The table's TTL attribute when TTL is enabled. */
export function timeToLiveAttribute(record: TableRecord): string | undefined {
  return record.ttl?.enabled === true ? record.ttl.attributeName : undefined;
}

function liveRecord(context: TableContext, name: string): TableRecord {
  const record = context.catalog.get(name);
  if (record === undefined || record.status === 'CREATING' || record.status === 'DELETING') throw resourceNotFound(name);
  return record;
}

export async function updateTimeToLive(context: TableContext, input: Input): Promise<Output> {
  const request = validateUpdateTimeToLiveRequest(input);
  const name = request.TableName;
  const { Enabled: enabled, AttributeName: attributeName } = request.TimeToLiveSpecification;
  // From here to catalog.put: no await.
  const record = liveRecord(context, name);
  const current: TimeToLiveState | undefined = record.ttl;
  const now = context.clock.now();
  if (current?.enabled === true && current.attributeName !== attributeName) {
    throw new ValidationException(`TimeToLive is active on a different AttributeName: current value of AttributeName is ${current.attributeName}`);
  }
  if (enabled && current?.enabled === true) throw new ValidationException('TimeToLive is already enabled');
  if (!enabled && current?.enabled !== true) throw new ValidationException('TimeToLive is already disabled');
  if (current?.modifiedAtMs !== undefined && now < current.modifiedAtMs + TIME_TO_LIVE_UPDATE_INTERVAL_MS) {
    throw new ValidationException('Time to live has been modified multiple times within a fixed interval');
  }
  const ttl: TimeToLiveState = { attributeName, enabled, modifiedAtMs: now };
  await context.catalog.put({ ...record, ttl });
  return { TimeToLiveSpecification: { Enabled: enabled, AttributeName: attributeName } };
}

export async function describeTimeToLive(context: TableContext, input: Input): Promise<Output> {
  const request = validateDescribeTimeToLiveRequest(input);
  const record = liveRecord(context, request.TableName);
  const attributeName = timeToLiveAttribute(record);
  return {
    TimeToLiveDescription: attributeName === undefined ? { TimeToLiveStatus: 'DISABLED' } : { TimeToLiveStatus: 'ENABLED', AttributeName: attributeName },
  };
}
