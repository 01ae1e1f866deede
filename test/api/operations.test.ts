/**
 * The operation table: every Database operation method has a wire operation (so a method landing
 * on the Database without its operation file fails here, by name), each operation names an
 * existing method, and the served set is what the Database has.
 */
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../engine/api/operations/index.js';
import { servedOperations } from '../../engine/api/pipeline.js';
import { Database } from '../../engine/database.js';

/** Database methods that are not DynamoDB operations. */
// getItemStored, getItemStoredOfKey and putEncodedItem are GetItem's and PutItem's wire forms (engine/api/operations/), served under them.
const NOT_OPERATIONS = new Set(['constructor', 'close', 'runTimeToLiveSweep', 'describePartitions', 'getItemStored', 'getItemStoredOfKey', 'putEncodedItem']);

describe('operations', () => {
  it('each Database operation method has a wire operation', () => {
    const methods = Object.getOwnPropertyNames(Database.prototype).filter((name) => !NOT_OPERATIONS.has(name) && !name.startsWith('#'));
    const mapped = new Set([...OPERATIONS.values()].map((operation) => operation.method));
    expect(methods.filter((method) => !mapped.has(method))).toEqual([]);
  });

  it('names follow DynamoDB: PascalCase target, camelCase method', () => {
    for (const [name, operation] of OPERATIONS) {
      expect(operation.name).toBe(name);
      expect(operation.method).toBe(name[0]!.toLowerCase() + name.slice(1));
    }
  });

  it('serves exactly the operations the Database has', async () => {
    const db = await Database.open();
    try {
      const served = servedOperations(db);
      const expected = [...OPERATIONS.values()].filter((operation) => typeof (Database.prototype as unknown as Record<string, unknown>)[operation.method] === 'function');
      expect(served).toEqual(expected.map((operation) => operation.name));
      expect(served).toEqual(expect.arrayContaining(['CreateTable', 'PutItem', 'GetItem', 'Query', 'Scan', 'TransactWriteItems']));
    } finally {
      await db.close();
    }
  });
});
