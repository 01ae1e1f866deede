/**
 * Gives the event loop a turn: pending I/O callbacks and queued requests run before the caller
 * continues. Background merges call it between chunks so foreground latency stays bounded. This is
 * not a sleep: no time passes by any clock's measure.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
