/**
 * A linearizability checker for single-key register histories, after Wing & Gong (1993) with
 * Lowe's memoisation (as in Knossos and Porcupine): search for a total order of the operations that
 * respects real time (an operation that returned before another was invoked comes first) and in
 * which every operation's result is what a sequential register would give.
 *
 * The register holds a string or nothing (an absent item). Operations:
 *   write(v)        → the old value (PutItem with ReturnValues ALL_OLD)
 *   delete          → the old value (DeleteItem with ReturnValues ALL_OLD)
 *   cas(e, v)       → ok when the value was e (then it becomes v), failed otherwise
 *   read            → the value
 * Operations whose outcome is unknown must not be in the history (the campaign runs fault-free,
 * and drops operations that provably did nothing, like a TransactionConflict).
 *
 * Cost: exponential in the worst case; the memo on (linearized set, value) keeps the campaign's
 * histories (tens of operations per key) instant. Histories above OPERATIONS_MAX are refused.
 */

export type RegisterValue = string | undefined;

export type RegisterOp =
  | { kind: 'write'; value: string; old: RegisterValue }
  | { kind: 'delete'; old: RegisterValue }
  | { kind: 'cas'; expected: RegisterValue; value: string; ok: boolean }
  | { kind: 'read'; value: RegisterValue };

export interface TimedOp<T> {
  /** A label for messages (e.g. "c3: PutItem k1 = v7"). */
  label: string;
  /** Logical times: invoke < complete; distinct across the history. */
  invokedAt: number;
  completedAt: number;
  op: T;
}

export const OPERATIONS_MAX = 60;

/** The value after `op` from `value`, or null when `op`'s observed result is impossible from `value`. */
function step(value: RegisterValue, op: RegisterOp): { next: RegisterValue } | null {
  switch (op.kind) {
    case 'write':
      return op.old === value ? { next: op.value } : null;
    case 'delete':
      return op.old === value ? { next: undefined } : null;
    case 'cas':
      if (op.ok) return value === op.expected ? { next: op.value } : null;
      return value !== op.expected ? { next: value } : null;
    case 'read':
      return op.value === value ? { next: value } : null;
  }
}

export interface LinearizabilityResult {
  ok: boolean;
  /** When ok: one linearization (labels in order). When not: the longest prefix found, for the message. */
  order: string[];
}

export function checkRegisterHistory(history: readonly TimedOp<RegisterOp>[], initial: RegisterValue = undefined): LinearizabilityResult {
  if (history.length > OPERATIONS_MAX) throw new Error(`linearizability: ${history.length} operations is more than ${OPERATIONS_MAX}`);
  const ops = [...history].sort((a, b) => a.invokedAt - b.invokedAt);
  const n = ops.length;
  const all = (1n << BigInt(n)) - 1n;
  const seen = new Set<string>();
  let best: number[] = [];
  const order: number[] = [];

  const search = (done: bigint, value: RegisterValue): boolean => {
    if (done === all) return true;
    const memo = `${done.toString(36)}|${value === undefined ? '-' : `=${value}`}`;
    if (seen.has(memo)) return false;
    seen.add(memo);
    // Only operations invoked before every pending operation's completion can be next.
    let horizon = Infinity;
    for (let i = 0; i < n; i++) if ((done & (1n << BigInt(i))) === 0n) horizon = Math.min(horizon, ops[i]!.completedAt);
    for (let i = 0; i < n; i++) {
      const bit = 1n << BigInt(i);
      if ((done & bit) !== 0n || ops[i]!.invokedAt > horizon) continue;
      const result = step(value, ops[i]!.op);
      if (result === null) continue;
      order.push(i);
      if (order.length > best.length) best = [...order];
      if (search(done | bit, result.next)) return true;
      order.pop();
    }
    return false;
  };

  const ok = search(0n, initial);
  return { ok, order: (ok ? order : best).map((i) => ops[i]!.label) };
}
