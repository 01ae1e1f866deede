/**
 * deferred-writes.ts: queued writes are made after the current poll phase (not at once), in order,
 * all of them at a flushWrites, and never to a socket destroyed meanwhile.
 */
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { flushWrites, queueWrite } from '../../engine/api/deferred-writes.js';

/** What the module uses of a socket: `destroyed` and `write`. */
function recorder(log: string[], name: string): { socket: Socket; destroy(): void } {
  const fake = {
    destroyed: false,
    write(chunk: Uint8Array): boolean {
      log.push(`${name}:${Buffer.from(chunk).toString('latin1')}`);
      return true;
    },
  };
  return { socket: fake as unknown as Socket, destroy: () => void (fake.destroyed = true) };
}

const bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');
const nextCheckPhase = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('deferred writes', () => {
  it('are made after the current turn, in the order queued', async () => {
    const log: string[] = [];
    const a = recorder(log, 'a');
    const b = recorder(log, 'b');
    queueWrite(a.socket, bytes('1'));
    queueWrite(b.socket, bytes('2'));
    queueWrite(a.socket, bytes('3'));
    await Promise.resolve();
    expect(log).toEqual([]);
    await nextCheckPhase();
    expect(log).toEqual(['a:1', 'b:2', 'a:3']);
  });

  it('flushWrites makes every queued write at once, and each only once', async () => {
    const log: string[] = [];
    const a = recorder(log, 'a');
    queueWrite(a.socket, bytes('x'));
    queueWrite(a.socket, bytes('y'));
    flushWrites();
    expect(log).toEqual(['a:x', 'a:y']);
    await nextCheckPhase();
    expect(log).toEqual(['a:x', 'a:y']);
  });

  it('drops a write whose socket was destroyed before the flush', async () => {
    const log: string[] = [];
    const a = recorder(log, 'a');
    const b = recorder(log, 'b');
    queueWrite(a.socket, bytes('gone'));
    queueWrite(b.socket, bytes('kept'));
    a.destroy();
    await nextCheckPhase();
    expect(log).toEqual(['b:kept']);
  });
});
