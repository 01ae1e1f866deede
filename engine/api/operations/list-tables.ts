/**
 * ListTables on the wire: control plane: table names, paged.
 * Served by Database#listTables; no attribute values cross the wire, so the JSON passes as is.
 */
import type { Operation } from './operation.js';

export const listTables: Operation = {
  name: 'ListTables',
  method: 'listTables',
  input: undefined,
  output: undefined,
};
