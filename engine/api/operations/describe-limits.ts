/**
 * DescribeLimits on the wire: control plane: the account's capacity limits.
 * Served by Database#describeLimits; no attribute values cross the wire, so the JSON passes as is.
 */
import type { Operation } from './operation.js';

export const describeLimits: Operation = {
  name: 'DescribeLimits',
  method: 'describeLimits',
  input: undefined,
  output: undefined,
};
