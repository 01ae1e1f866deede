/**
 * CreateTable on the wire: control plane: creates a table and its indexes.
 * Served by Database#createTable; no attribute values cross the wire, so the JSON passes as is.
 */
import type { Operation } from './operation.js';

export const createTable: Operation = {
  name: 'CreateTable',
  method: 'createTable',
  input: undefined,
  output: undefined,
};
