/**
 * The embedded target's hop between a generator worker and the Database in the main thread: a
 * MessageChannel carrying BATCHES of operations one way and of outcomes the other, so that a message
 * costs a few hundred operations' worth of overhead only once (the generator must drive ≥ 200k ops/s
 * through it against the null target).
 *
 *   worker → main   Int32Array of (slot, op, key, arg, arg2) × n         (ChannelTransport.flush)
 *   main → worker   { done: Int32Array of (slot, status) × m, names: error names of the non-Ok ones in order }
 *
 * Main side (serveChannel): each batch's operations start on the Executor at once; outcomes are
 * gathered and posted back — those that completed synchronously at the end of the batch, the rest
 * on the next setImmediate (one message for all that completed meanwhile).
 * Concurrency: each side handles its port in its own thread's event loop. Invariant: every slot sent
 * is answered exactly once, unless the port is closed first.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Executor } from './executor.js';
import { Status, type CompletionSink, type Transport } from './generator.js';
import type { OperationCode } from './workloads/catalog.js';

const OP_WORDS = 5;
const INITIAL_OPS = 256;

interface Answer {
  done: Int32Array;
  names: string[];
}

/** Worker side. */
export class ChannelTransport implements Transport {
  readonly capacity: number;
  #buffer = new Int32Array(INITIAL_OPS * OP_WORDS);
  #words = 0;
  #sink: CompletionSink | undefined;

  constructor(
    readonly port: MessagePort,
    capacity: number,
  ) {
    this.capacity = capacity;
    port.on('message', (answer: Answer) => this.#receive(answer));
  }

  bind(sink: CompletionSink): this {
    this.#sink = sink;
    return this;
  }

  send(slot: number, op: OperationCode, key: number, arg: number, arg2: number): void {
    if (this.#words + OP_WORDS > this.#buffer.length) {
      const grown = new Int32Array(this.#buffer.length * 2);
      grown.set(this.#buffer);
      this.#buffer = grown;
    }
    const b = this.#buffer;
    const w = this.#words;
    b[w] = slot;
    b[w + 1] = op;
    b[w + 2] = key;
    b[w + 3] = arg;
    b[w + 4] = arg2;
    this.#words = w + OP_WORDS;
  }

  flush(): void {
    if (this.#words === 0) return;
    this.port.postMessage(this.#buffer.slice(0, this.#words));
    this.#words = 0;
  }

  #receive(answer: Answer): void {
    const sink = this.#sink!;
    const done = answer.done;
    let named = 0;
    for (let i = 0; i < done.length; i += 2) {
      const status = done[i + 1]! as Status;
      sink.complete(done[i]!, status, status === Status.Ok ? undefined : answer.names[named++]);
    }
    sink.afterCompletions(true);
  }

  close(): void {
    this.port.close();
  }
}

/** Main side: executes every batch arriving on `port`. */
export function serveChannel(port: MessagePort, executor: Executor): void {
  let done = new Int32Array(INITIAL_OPS * 2);
  let words = 0;
  let names: string[] = [];
  let flushScheduled = false;
  let inBatch = false;

  const post = (): void => {
    if (words === 0) return;
    const answer: Answer = { done: done.slice(0, words), names };
    words = 0;
    names = [];
    port.postMessage(answer);
  };
  const answer = (slot: number, status: Status, name: string | undefined): void => {
    if (words + 2 > done.length) {
      const grown = new Int32Array(done.length * 2);
      grown.set(done);
      done = grown;
    }
    done[words] = slot;
    done[words + 1] = status;
    words += 2;
    if (status !== Status.Ok) names.push(name ?? 'Error');
    if (!inBatch && !flushScheduled) {
      flushScheduled = true;
      setImmediate(() => {
        flushScheduled = false;
        post();
      });
    }
  };

  port.on('message', (ops: Int32Array) => {
    inBatch = true;
    for (let w = 0; w < ops.length; w += OP_WORDS) {
      const slot = ops[w]!;
      executor.run(ops[w + 1]! as OperationCode, ops[w + 2]!, ops[w + 3]!, ops[w + 4]!, (status, name) => answer(slot, status, name));
    }
    inBatch = false;
    post();
  });
}
