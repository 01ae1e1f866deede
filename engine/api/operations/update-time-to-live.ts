/**
 * UpdateTimeToLive on the wire: enables or disables Time to Live on a table.
 * Served by Database#updateTimeToLive; no attribute values cross the wire, so the JSON passes as is.
 */
import type { Operation } from './operation.js';

export const updateTimeToLive: Operation = {
  name: 'UpdateTimeToLive',
  method: 'updateTimeToLive',
  input: undefined,
  output: undefined,
};
