/**
 * Socket writes made together at the end of the event loop's poll phase, not one at a time as each
 * response is ready.
 *
 * Why: a write to a socket whose reader sleeps makes the kernel wake the reader, and on the writer's
 * CPU that wake-up is the dearest part of a small write (on the 2-core bench machine, an
 * inter-processor interrupt: ~7% of the server's CPU in bench:http, under the loopback write). One
 * poll of the loop often reads requests from many connections. Answered one by one, each answer
 * wakes the client that has just gone back to sleep after reading the previous one; written
 * together after the poll (setImmediate runs in the check phase, right after it), they wake it once,
 * and it reads them all in one poll of its own. bench:http, 64 connections, closed loop:
 * PutItem 25.6–27.1 → 23.2–23.9 µs of server CPU a request and 39–41k → 45–46k requests/s;
 * GetItem 21.4–21.9 → 20.2–20.6 µs and 46–48k → 49–50k requests/s.
 *
 * Order: one queue, first in, first out, so each socket's writes keep their order. Whatever ends or
 * destroys a socket calls flushWrites first, so no queued write is cut off or lands after the end.
 * A write to a socket destroyed meanwhile is dropped, as a direct write to it would be.
 *
 * Concurrency: event loop only; the queue is this module's, shared by every connection.
 */
import type { Socket } from 'node:net';

/** Pairs: socket, chunk. */
const queue: (Socket | Uint8Array)[] = [];

/** Writes `chunk` to `socket` at the end of this poll phase (or at the next flushWrites). */
export function queueWrite(socket: Socket, chunk: Uint8Array): void {
  queue.push(socket, chunk);
  if (queue.length === 2) setImmediate(flushWrites);
}

/** Makes every queued write now, in order. */
export function flushWrites(): void {
  // A write can run code (an 'error' listener that destroys its socket): it finds the queue emptied
  // first, so nothing is written twice.
  const pending = queue.splice(0);
  for (let i = 0; i < pending.length; i += 2) {
    const socket = pending[i] as Socket;
    if (!socket.destroyed) socket.write(pending[i + 1] as Uint8Array);
  }
}
