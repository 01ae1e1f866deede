/**
 * TagResource on the wire: adds tags to a table.
 * Served by Database#tagResource; no attribute values cross the wire, so the JSON passes as is.
 */
import type { Operation } from './operation.js';

export const tagResource: Operation = {
  name: 'TagResource',
  method: 'tagResource',
  input: undefined,
  output: undefined,
};
