/**
 * Per-item ordering for the table layer (DESIGN.md decision 4): the bridge between synchronous
 * condition checks and asynchronous durable writes.
 *
 * A write is submitted to the store's group commit at once, but becomes visible to store reads only
 * when durable. Condition checks must see every write submitted before them, or two conditional
 * writes to one item could both pass. So submitted-but-not-yet-durable writes live in an overlay that
 * `read` consults first. Because group commit preserves submission order, the overlay's latest value
 * is exactly the state every later write will follow: check-then-submit with no await in between is
 * serializable.
 *
 * Transactions mark their keys: while a transaction's batch is in flight, a single-item write to one
 * of its items gets TransactionConflictException, and another transaction touching it is cancelled
 * with reason TransactionConflict — as DynamoDB documents for items in an ongoing transaction.
 *
 * Invariants:
 * 1. An overlay entry exists exactly while at least one submitted write to that key is in flight;
 *    its value is the last submitted one (null for a delete).
 * 2. `read` returns what the store will hold once every submitted write is durable.
 */
import type { Store } from '../lsm/store.js';
import type { WriteOp } from '../lsm/write-batch.js';

interface Pending {
  value: Uint8Array | null;
  inFlight: number;
  transactions: number;
}

function overlayKey(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

export class WriteCoordinator {
  readonly #pending = new Map<string, Pending>();

  constructor(
    private readonly store: Store,
    /** Called after each submitted batch is durable (stale-reads.ts stamps a view then). */
    private readonly onDurable: () => void = () => {},
  ) {}

  /** The latest submitted value of `key` (durable or not). */
  read(key: Uint8Array): Uint8Array | undefined {
    const pending = this.#pending.get(overlayKey(key));
    if (pending !== undefined) return pending.value ?? undefined;
    return this.store.get(key);
  }

  /** True while a transaction that writes `key` is in flight. */
  inTransaction(key: Uint8Array): boolean {
    return (this.#pending.get(overlayKey(key))?.transactions ?? 0) > 0;
  }

  /** Submits ops as one atomic batch; `read` reflects them immediately; resolves when durable. */
  submit(ops: readonly WriteOp[], transactional = false): Promise<void> {
    const entries: Pending[] = [];
    for (const op of ops) {
      const name = overlayKey(op.key);
      let pending = this.#pending.get(name);
      if (pending === undefined) {
        pending = { value: null, inFlight: 0, transactions: 0 };
        this.#pending.set(name, pending);
      }
      pending.value = op.type === 'put' ? op.value : null;
      pending.inFlight++;
      if (transactional) pending.transactions++;
      entries.push(pending);
    }
    const settle = (): void => {
      ops.forEach((op, i) => {
        const pending = entries[i]!;
        pending.inFlight--;
        if (transactional) pending.transactions--;
        if (pending.inFlight === 0) this.#pending.delete(overlayKey(op.key));
      });
    };
    return this.store.write(ops).then(
      () => {
        settle();
        this.onDurable();
      },
      (error: unknown) => {
        settle();
        throw error;
      },
    );
  }
}
