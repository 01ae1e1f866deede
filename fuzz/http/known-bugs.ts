/**
 * Known bugs in Silt the http campaign has found and that are not fixed yet. The campaign counts a
 * response that matches one as `knownBug.<id>` instead of failing, so CI stays green while the fix
 * is pending and the count shows it is still there; `http-strict` ignores this list. Each entry is
 * as narrow as the bug: when it is fixed, delete the entry (its count drops to 0 first), and the
 * regression test the fix adds keeps it fixed.
 */
import type { WireCase } from './cases.js';
import type { WireResponse } from './oracle.js';

export interface KnownBug {
  id: string;
  description: string;
  matches(c: WireCase, response: WireResponse, problem: string): boolean;
}

const operationOf = (c: WireCase): string => (c.headers['X-Amz-Target'] ?? '').replace(/^DynamoDB_20120810\./, '');

export const KNOWN_BUGS: readonly KnownBug[] = [
  {
    id: 'item-ops-skip-request-validation',
    description:
      'PutItem, GetItem, UpdateItem, DeleteItem and ListTables do not run the request-shape validation (engine/table/validation/items.ts validate*ItemRequest exist but items.ts never calls them): wrong JSON types, bad table names and 64 KB+ attribute names get ResourceNotFound/ConditionalCheckFailed/200 instead of SerializationException/ValidationException',
    matches: (c, response, problem) => /^(PutItem|GetItem|UpdateItem|DeleteItem|ListTables)$/.test(operationOf(c)) && response.status !== 500 && problem.startsWith('got '),
  },
  {
    id: 'expression-names-typeerror-500',
    description:
      'ExpressionAttributeNames that is null, or has a null or non-string value, reaches new ExpressionContext (engine/expressions/placeholders.ts:37/48/49) unvalidated on GetItem/UpdateItem/DeleteItem/Query/BatchGetItem/TransactGetItems: TypeError, answered HTTP 500',
    matches: (c, response) => response.status === 500 && /ExpressionAttributeNames(\.#\w+)? := /.test(c.label),
  },
  {
    id: 'batch-get-null-key-500',
    description: 'BatchGetItem with a null entry in Keys: keyFingerprint (engine/table/validation/common.ts:183) calls Object.keys(null): TypeError, answered HTTP 500',
    matches: (c, response) => response.status === 500 && /BatchGetItem: RequestItems\.[\w.-]+\.Keys\[\d+\] := null/.test(c.label),
  },
];

export function knownBugOf(c: WireCase, response: WireResponse, problem: string): KnownBug | undefined {
  return KNOWN_BUGS.find((bug) => bug.matches(c, response, problem));
}
