/**
 * DescribeTable on the wire: control plane: a table's description.
 * Served by Database#describeTable; no attribute values cross the wire, so the JSON passes as is.
 */
import type { Operation } from './operation.js';

export const describeTable: Operation = {
  name: 'DescribeTable',
  method: 'describeTable',
  input: undefined,
  output: undefined,
};
