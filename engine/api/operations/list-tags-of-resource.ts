/**
 * ListTagsOfResource on the wire: a table's tags, paged.
 * Served by Database#listTagsOfResource; no attribute values cross the wire, so the JSON passes as is.
 */
import type { Operation } from './operation.js';

export const listTagsOfResource: Operation = {
  name: 'ListTagsOfResource',
  method: 'listTagsOfResource',
  input: undefined,
  output: undefined,
};
