/**
 * DeleteTable on the wire: control plane: deletes a table.
 * Served by Database#deleteTable; no attribute values cross the wire, so the JSON passes as is.
 */
import type { Operation } from './operation.js';

export const deleteTable: Operation = {
  name: 'DeleteTable',
  method: 'deleteTable',
  input: undefined,
  output: undefined,
};
