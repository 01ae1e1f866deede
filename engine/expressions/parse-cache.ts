/**
 * A bounded LRU of parsed, statically checked expression trees, keyed by grammar and text. The
 * trees are unresolved (syntax.ts) and immutable, so every request shares them; only resolution
 * (cheap, per request) depends on the request's placeholders. Failed parses are not cached.
 *
 * The condition grammar serves ConditionExpression, FilterExpression and KeyConditionExpression
 * alike: the tree does not depend on which of the three the text came as (only messages do, and
 * errors are never cached), so they share entries.
 *
 * Concurrency: one process-wide instance used synchronously (JavaScript runs one request's compile
 * at a time). Invariants: size <= EXPRESSION_PARSE_CACHE_ENTRIES_MAX; a Map's insertion order is
 * the recency order, least recent first.
 */
import { EXPRESSION_PARSE_CACHE_ENTRIES_MAX } from '../limits.js';
import { assert } from '../util/assert.js';
import type { SyntaxCondition, SyntaxProjection, SyntaxUpdate } from './syntax.js';

export type CachedTree =
  | { readonly grammar: 'condition'; readonly tree: SyntaxCondition }
  | { readonly grammar: 'update'; readonly tree: SyntaxUpdate }
  | { readonly grammar: 'projection'; readonly tree: SyntaxProjection };

export class ParseCache {
  private readonly entries = new Map<string, CachedTree>();
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number) {
    assert(Number.isInteger(capacity) && capacity >= 1, 'parse cache capacity must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached tree for `grammar` and `text`, refreshing its recency. */
  get(grammar: CachedTree['grammar'], text: string): CachedTree | undefined {
    const key = cacheKey(grammar, text);
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-inserting moves the entry to the most recent end.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(text: string, entry: CachedTree): void {
    const key = cacheKey(entry.grammar, text);
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      assert(oldest.done !== true, 'a full cache has an oldest entry');
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
    this.hits = 0;
    this.misses = 0;
  }
}

function cacheKey(grammar: CachedTree['grammar'], text: string): string {
  // A one-letter prefix no expression text can confuse: the grammar is fixed before the text.
  return (grammar === 'condition' ? 'c' : grammar === 'update' ? 'u' : 'p') + text;
}

/** The process-wide cache compile.ts uses. */
export const parseCache = new ParseCache(EXPRESSION_PARSE_CACHE_ENTRIES_MAX);
