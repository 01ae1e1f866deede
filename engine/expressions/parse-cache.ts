/**
 * A bounded LRU of parsed, statically checked expression trees, keyed by grammar and text. The
 * trees are unresolved (syntax.ts) and immutable, so every request shares them; only resolution
 * (cheap, per request) depends on the request's placeholders. Failed parses are not cached.
 *
 * The condition grammar serves ConditionExpression, FilterExpression and KeyConditionExpression
 * alike: the tree does not depend on which of the three the text came as (only messages do, and
 * errors are never cached), so they share entries.
 *
 * The map is keyed by the text itself (no key concatenation, so a lookup hashes the request's
 * string once); each entry holds a slot per grammar. Recency is approximate to keep hits cheap: a
 * hit moves the entry to the recent end of the map's insertion order only when it has fallen more
 * than a quarter of the capacity behind; so an entry used within the last capacity/4 cache
 * operations is never the one evicted.
 *
 * Concurrency: one process-wide instance used synchronously (JavaScript runs one request's compile
 * at a time). Invariants: size <= capacity; the map's insertion order is (approximately) recency
 * order, least recent first.
 */
import { EXPRESSION_PARSE_CACHE_ENTRIES_MAX } from '../limits.js';
import { assert } from '../util/assert.js';
import type { SyntaxCondition, SyntaxProjection, SyntaxUpdate } from './syntax.js';

export type CachedTree =
  | { readonly grammar: 'condition'; readonly tree: SyntaxCondition }
  | { readonly grammar: 'update'; readonly tree: SyntaxUpdate }
  | { readonly grammar: 'projection'; readonly tree: SyntaxProjection };

type Grammar = CachedTree['grammar'];

interface Entry {
  condition: CachedTree | undefined;
  update: CachedTree | undefined;
  projection: CachedTree | undefined;
  /** Value of the cache's clock when the entry last moved to the recent end. */
  movedAt: number;
}

export class ParseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly staleAfter: number;
  private clock = 0;
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number) {
    assert(Number.isInteger(capacity) && capacity >= 1, 'parse cache capacity must be a positive integer');
    this.staleAfter = capacity >>> 2;
  }

  /** Distinct texts held. */
  get size(): number {
    return this.entries.size;
  }

  /** The cached tree for `grammar` and `text`. */
  get(grammar: Grammar, text: string): CachedTree | undefined {
    const entry = this.entries.get(text);
    const tree = entry?.[grammar];
    if (entry === undefined || tree === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.clock++;
    if (this.clock - entry.movedAt > this.staleAfter) this.moveToRecent(text, entry);
    return tree;
  }

  set(text: string, tree: CachedTree): void {
    this.clock++;
    let entry = this.entries.get(text);
    if (entry === undefined) {
      entry = { condition: undefined, update: undefined, projection: undefined, movedAt: this.clock };
      this.entries.set(text, entry);
      if (this.entries.size > this.capacity) {
        const oldest = this.entries.keys().next();
        assert(oldest.done !== true, 'a full cache has an oldest entry');
        this.entries.delete(oldest.value);
      }
    } else {
      this.moveToRecent(text, entry);
    }
    entry[tree.grammar] = tree;
  }

  clear(): void {
    this.entries.clear();
    this.hits = 0;
    this.misses = 0;
  }

  private moveToRecent(text: string, entry: Entry): void {
    // Re-inserting moves the key to the end of the map's insertion order.
    this.entries.delete(text);
    this.entries.set(text, entry);
    entry.movedAt = this.clock;
  }
}

/** The process-wide cache compile.ts uses. */
export const parseCache = new ParseCache(EXPRESSION_PARSE_CACHE_ENTRIES_MAX);
