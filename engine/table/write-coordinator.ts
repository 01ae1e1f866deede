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
 * A write the store commits synchronously (Store.writeNow: an in-memory database, or sync 'none',
 * when its write path is idle) is never in flight, and takes no overlay entry.
 *
 * Transactions mark their keys: while a transaction's batch is in flight, a single-item write to one
 * of its items gets TransactionConflictException, and another transaction touching it is cancelled
 * with reason TransactionConflict — as DynamoDB documents for items in an ongoing transaction.
 *
 * A decision taken on the overlay must not be acknowledged before what it saw is durable: a
 * conditional write that fails because of an in-flight write, or a delete of an item an in-flight
 * delete removed (which submits nothing), would otherwise answer from a state a read cannot see yet
 * — and that a crash could still undo. So `read` remembers, when it returns an in-flight value, the
 * newest submitted batch; the Database takes it (`takeObserved`) right after an operation's
 * synchronous part and holds the answer until that batch is durable (found by the concurrency
 * fuzzer: fuzz/concurrency). Group commit makes batches durable in submission order, so the newest
 * batch covers every one the operation saw. An operation that submits its own batch waits for that
 * anyway; the extra wait costs nothing then.
 *
 * Invariants:
 * 1. An overlay entry exists exactly while at least one submitted write to that key is in flight;
 *    its value is the last submitted one (null for a delete).
 * 2. `read` returns what the store will hold once every submitted write is durable.
 * 3. `takeObserved` returns a batch at least as new as every in-flight write `read` returned since
 *    the previous call.
 */
import type { Store } from '../lsm/store.js';
import type { WriteOp } from '../lsm/write-batch.js';
import { bytesEqual } from '../util/bytes.js';
import { assert } from '../util/assert.js';
import { hash32 } from '../util/hash.js';

interface Pending {
  readonly key: Uint8Array;
  /** hash32 of `key`: the overlay's bucket. */
  readonly hash: number;
  value: Uint8Array | null;
  inFlight: number;
  transactions: number;
  /** The next entry of the same bucket (keys whose hashes collide are chained). */
  next: Pending | undefined;
}

const RESOLVED: Promise<void> = Promise.resolve();

export class WriteCoordinator {
  /**
   * The overlay: in-flight keys by the hash of their bytes, each bucket a chain. (Keys as latin1
   * strings cost ~200 ns each to build, four times per write; a hash and a byte compare are ~20 ns.)
   */
  readonly #pending = new Map<number, Pending>();
  /** Durability of the newest submitted batch. */
  #newest: Promise<void> | undefined;
  /** Set by `read` when it returned an in-flight value; cleared by takeObserved. */
  #observed: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    /** Called after each submitted batch is durable (stale-reads.ts stamps a view then). */
    private readonly onDurable: () => void = () => {},
  ) {}

  #find(key: Uint8Array, hash: number): Pending | undefined {
    for (let entry = this.#pending.get(hash); entry !== undefined; entry = entry.next) if (bytesEqual(entry.key, key)) return entry;
    return undefined;
  }

  #remove(entry: Pending): void {
    const head = this.#pending.get(entry.hash);
    if (head === entry) {
      if (entry.next === undefined) this.#pending.delete(entry.hash);
      else this.#pending.set(entry.hash, entry.next);
      return;
    }
    let previous = head;
    while (previous !== undefined && previous.next !== entry) previous = previous.next;
    assert(previous !== undefined, 'an in-flight overlay entry is in its bucket');
    previous.next = entry.next;
  }

  /** The latest submitted value of `key` (durable or not). */
  read(key: Uint8Array): Uint8Array | undefined {
    if (this.#pending.size > 0) {
      const pending = this.#find(key, hash32(key));
      if (pending !== undefined) {
        this.#observed = this.#newest;
        return pending.value ?? undefined;
      }
    }
    return this.store.get(key);
  }

  /**
   * The durability of the newest batch submitted when `read` last returned an in-flight value since
   * the previous call (undefined when it returned none), and forgets it. Rejects as that batch does.
   */
  takeObserved(): Promise<void> | undefined {
    const observed = this.#observed;
    this.#observed = undefined;
    return observed;
  }

  /** True while a transaction that writes `key` is in flight. */
  inTransaction(key: Uint8Array): boolean {
    if (this.#pending.size === 0) return false;
    return (this.#find(key, hash32(key))?.transactions ?? 0) > 0;
  }

  /** Submits ops as one atomic batch; `read` reflects them immediately; resolves when durable. */
  submit(ops: readonly WriteOp[], transactional = false): Promise<void> {
    // A batch the store commits on the spot is durable before anything else runs, so it needs no
    // overlay entry — unless an earlier write to one of its keys is still in flight, whose entry
    // would then shadow it (any in-flight entry at all sends it the usual way, which is cheaper to
    // ask). A transaction always takes the usual way: it marks its keys. (The overlay's Map
    // churned a new backing store per write, most of what the server's heap promoted.)
    if (!transactional && this.#pending.size === 0) {
      try {
        if (this.store.writeNow(ops)) {
          this.onDurable();
          return RESOLVED;
        }
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const entries: Pending[] = new Array<Pending>(ops.length);
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      const hash = hash32(op.key);
      let pending = this.#find(op.key, hash);
      if (pending === undefined) {
        pending = { key: op.key, hash, value: null, inFlight: 0, transactions: 0, next: this.#pending.get(hash) };
        this.#pending.set(hash, pending);
      }
      pending.value = op.type === 'put' ? op.value : null;
      pending.inFlight++;
      if (transactional) pending.transactions++;
      entries[i] = pending;
    }
    const settle = (): void => {
      for (const pending of entries) {
        pending.inFlight--;
        if (transactional) pending.transactions--;
        if (pending.inFlight === 0) this.#remove(pending);
      }
    };
    const durable = this.store.write(ops).then(
      () => {
        settle();
        this.onDurable();
      },
      (error: unknown) => {
        settle();
        throw error;
      },
    );
    this.#newest = durable;
    return durable;
  }
}
