/**
 * DescribeTimeToLive on the wire: a table's Time to Live status.
 * Served by Database#describeTimeToLive; no attribute values cross the wire, so the JSON passes as is.
 */
import type { Operation } from './operation.js';

export const describeTimeToLive: Operation = {
  name: 'DescribeTimeToLive',
  method: 'describeTimeToLive',
  input: undefined,
  output: undefined,
};
