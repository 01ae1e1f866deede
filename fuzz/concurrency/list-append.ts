/**
 * A serializability checker for list-append histories, after Elle (Kingsbury & Alvaro, VLDB 2020).
 * Transactions append unique values to lists and read whole lists; since a read returns the list's
 * entire history, the version order of each key is recovered from its longest read, and the
 * dependencies between transactions follow:
 *
 *   ww  T1 appended v, T2 appended the next value after v to the same key;
 *   wr  T2 read a list whose last value T1 appended;
 *   rw  T1 read a list whose last value is v (or an empty list), T2 appended the value after it
 *       (or, when T1 read everything any read saw, any committed value no read has seen);
 *   rt  T1 completed before T2 was invoked (real time: strict serializability).
 *
 * The history is serializable (strictly, with rt edges) iff this graph has no cycle. Before the
 * graph, direct anomalies: reads that are not prefixes of one order (incompatible order), values
 * read that no transaction appended (garbage) or that an aborted transaction appended (G1a, aborted
 * read), duplicates, and a transaction that does not see its own append (internal).
 */

export type MicroOp = { kind: 'append'; key: string; value: number } | { kind: 'read'; key: string; list: number[] };

export interface Txn {
  label: string;
  invokedAt: number;
  completedAt: number;
  /** Committed transactions count; aborted ones must be invisible. */
  committed: boolean;
  ops: MicroOp[];
}

export type EdgeKind = 'ww' | 'wr' | 'rw' | 'rt';

export interface ListAppendResult {
  ok: boolean;
  anomalies: string[];
  /** A cycle as "T1 -ww-> T2 -rw-> T1" when one was found. */
  cycle?: string;
}

function isPrefix(short: readonly number[], long: readonly number[]): boolean {
  if (short.length > long.length) return false;
  for (let i = 0; i < short.length; i++) if (short[i] !== long[i]) return false;
  return true;
}

export function checkListAppendHistory(history: readonly Txn[], options: { realTime?: boolean } = {}): ListAppendResult {
  const anomalies: string[] = [];
  const writerOf = new Map<string, number>(); // `${key}/${value}` → txn index
  const abortedWrites = new Set<string>();
  history.forEach((txn, index) => {
    for (const op of txn.ops) {
      if (op.kind !== 'append') continue;
      const id = `${op.key}/${op.value}`;
      if (txn.committed) writerOf.set(id, index);
      else abortedWrites.add(id);
    }
  });

  // Version order per key: the longest read; every other read must be its prefix.
  const orders = new Map<string, number[]>();
  for (const txn of history) {
    if (!txn.committed) continue;
    for (const op of txn.ops) {
      if (op.kind !== 'read') continue;
      const current = orders.get(op.key) ?? [];
      if (op.list.length > current.length) orders.set(op.key, op.list);
    }
  }
  for (const txn of history) {
    if (!txn.committed) continue;
    const appended = new Map<string, number>();
    for (const op of txn.ops) {
      if (op.kind === 'append') {
        appended.set(op.key, op.value);
        continue;
      }
      const order = orders.get(op.key) ?? [];
      if (!isPrefix(op.list, order)) anomalies.push(`incompatible order on ${op.key}: ${txn.label} read [${op.list}] but another read saw [${order}]`);
      if (new Set(op.list).size !== op.list.length) anomalies.push(`duplicate values on ${op.key}: ${txn.label} read [${op.list}]`);
      for (const value of op.list) {
        const id = `${op.key}/${value}`;
        if (abortedWrites.has(id)) anomalies.push(`G1a aborted read: ${txn.label} read ${value} on ${op.key}, appended by an aborted transaction`);
        else if (!writerOf.has(id)) anomalies.push(`garbage: ${txn.label} read ${value} on ${op.key}, which nobody appended`);
      }
      const own = appended.get(op.key);
      if (own !== undefined && op.list[op.list.length - 1] !== own) anomalies.push(`internal: ${txn.label} appended ${own} to ${op.key} but then read [${op.list}]`);
    }
  }
  if (anomalies.length > 0) return { ok: false, anomalies };

  // The dependency graph.
  const edges: Map<number, { to: number; kind: EdgeKind }>[] = history.map(() => new Map());
  const add = (from: number | undefined, to: number | undefined, kind: EdgeKind): void => {
    if (from === undefined || to === undefined || from === to) return;
    if (!edges[from]!.has(to)) edges[from]!.set(to, { to, kind });
  };
  for (const [key, order] of orders) {
    for (let i = 0; i + 1 < order.length; i++) add(writerOf.get(`${key}/${order[i]}`), writerOf.get(`${key}/${order[i + 1]}`), 'ww');
  }
  const unobserved = new Map<string, number[]>();
  for (const [id, writer] of writerOf) {
    const slash = id.lastIndexOf('/');
    const key = id.slice(0, slash);
    if (!(orders.get(key) ?? []).includes(Number(id.slice(slash + 1)))) unobserved.set(key, [...(unobserved.get(key) ?? []), writer]);
  }
  history.forEach((txn, reader) => {
    if (!txn.committed) return;
    for (const op of txn.ops) {
      if (op.kind !== 'read') continue;
      const order = orders.get(op.key) ?? [];
      const last = op.list[op.list.length - 1];
      if (last !== undefined) add(writerOf.get(`${op.key}/${last}`), reader, 'wr');
      const next = order[op.list.length];
      if (next !== undefined) add(reader, writerOf.get(`${op.key}/${next}`), 'rw');
      // Committed appends no read has seen come after everything read: a read of the whole known
      // order anti-depends on each of them.
      else for (const writer of unobserved.get(op.key) ?? []) add(reader, writer, 'rw');
    }
  });
  if (options.realTime !== false) {
    history.forEach((a, i) => {
      if (!a.committed) return;
      history.forEach((b, j) => {
        if (b.committed && a.completedAt < b.invokedAt) add(i, j, 'rt');
      });
    });
  }

  // Cycle search (iterative DFS, colours).
  const colour = new Uint8Array(history.length); // 0 white, 1 on stack, 2 done
  const parent = new Map<number, { from: number; kind: EdgeKind }>();
  for (let root = 0; root < history.length; root++) {
    if (colour[root] !== 0) continue;
    const stack: { node: number; next: Iterator<{ to: number; kind: EdgeKind }> }[] = [{ node: root, next: edges[root]!.values() }];
    colour[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const step = top.next.next();
      if (step.done === true) {
        colour[top.node] = 2;
        stack.pop();
        continue;
      }
      const { to, kind } = step.value;
      if (colour[to] === 1) {
        // Found a cycle: walk the parents back from top.node to `to`.
        const path: string[] = [`${history[top.node]!.label} -${kind}-> ${history[to]!.label}`];
        let at = top.node;
        while (at !== to) {
          const p = parent.get(at)!;
          path.unshift(`${history[p.from]!.label} -${p.kind}->`);
          at = p.from;
        }
        return { ok: false, anomalies: [], cycle: path.join(' ') };
      }
      if (colour[to] === 0) {
        colour[to] = 1;
        parent.set(to, { from: top.node, kind });
        stack.push({ node: to, next: edges[to]!.values() });
      }
    }
  }
  return { ok: true, anomalies: [] };
}
