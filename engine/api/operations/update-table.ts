/**
 * UpdateTable on the wire: control plane: throughput, billing mode, GSIs added or removed.
 * Served by Database#updateTable; no attribute values cross the wire, so the JSON passes as is.
 */
import type { Operation } from './operation.js';

export const updateTable: Operation = {
  name: 'UpdateTable',
  method: 'updateTable',
  input: undefined,
  output: undefined,
};
