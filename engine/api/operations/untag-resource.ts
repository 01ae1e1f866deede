/**
 * UntagResource on the wire: removes tags from a table.
 * Served by Database#untagResource; no attribute values cross the wire, so the JSON passes as is.
 */
import type { Operation } from './operation.js';

export const untagResource: Operation = {
  name: 'UntagResource',
  method: 'untagResource',
  input: undefined,
  output: undefined,
};
