/**
 * The state hash of a Database: a SHA-256 digest over every live key and value in its store — every
 * table's items and index entries, and the catalog (table metadata: schemas, indexes, TTL, tags),
 * which lives in the same store under table id 0. Two databases with the same logical contents and
 * metadata hash the same; a rejected request that changed anything at all changes the hash.
 *
 * Reads a snapshot synchronously (Store.scan is sync), so the hash is of one point in time.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../../engine/database.js';

export function databaseStateHash(db: Database): string {
  const hash = createHash('sha256');
  const length = Buffer.alloc(4);
  for (const [key, value] of db.store.scan()) {
    // Lengths first, so no two different entry lists have the same byte stream.
    length.writeUInt32LE(key.length);
    hash.update(length);
    hash.update(key);
    length.writeUInt32LE(value.length);
    hash.update(length);
    hash.update(value);
  }
  return hash.digest('hex');
}
