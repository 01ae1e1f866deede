/**
 * A preload for the benchmark's server processes (`node --import …/cpu-probe.js <server>`): answers
 * the parent's questions over the IPC channel, so the server's own code is untouched and every
 * target — Silt's real `silt serve`, dynalite, the bare server — is measured the same way.
 *
 *   → { id, kind: 'cpu' }            ← { id, kind: 'cpu', userUs, systemUs }  CPU time of this process
 *   → { id, kind: 'profile-start' }  ← { id, kind: 'profile-started' }  V8 CPU profiler on (100 µs sampling)
 *   → { id, kind: 'profile-stop' }   ← { id, kind: 'profile', profile } the recorded .cpuprofile
 *
 * The channel is unref'd so it never keeps the server alive; when the parent goes away (the channel
 * disconnects, e.g. the benchmark was killed) the process sends itself SIGTERM — the servers shut
 * down gracefully on it — and exits anyway after a grace period, so no server is ever orphaned.
 * Without an IPC channel this module does nothing.
 */
import { Session } from 'node:inspector/promises';

/** µs between profiler samples (as bench/lsm/profile.ts). */
const SAMPLING_INTERVAL_US = 100;
/** After the parent disconnects: how long a graceful shutdown may take before a hard exit. */
const ORPHAN_EXIT_MS = 3000;

export interface ProbeRequest {
  id: number;
  kind: 'cpu' | 'profile-start' | 'profile-stop';
}

let session: Session | undefined;

async function answer(request: ProbeRequest): Promise<Record<string, unknown>> {
  switch (request.kind) {
    case 'cpu': {
      const usage = process.cpuUsage();
      return { kind: 'cpu', userUs: usage.user, systemUs: usage.system };
    }
    case 'profile-start':
      session ??= new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
      await session.post('Profiler.start');
      return { kind: 'profile-started' };
    case 'profile-stop': {
      if (session === undefined) throw new Error('profile-stop without profile-start');
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      session = undefined;
      return { kind: 'profile', profile };
    }
  }
}

if (process.send !== undefined) {
  process.on('message', (message: ProbeRequest) => {
    answer(message).then(
      (reply) => process.send?.({ id: message.id, ...reply }),
      (error: unknown) => process.send?.({ id: message.id, kind: 'error', message: String(error) }),
    );
  });
  process.once('disconnect', () => {
    setTimeout(() => process.exit(1), ORPHAN_EXIT_MS).unref();
    process.kill(process.pid, 'SIGTERM');
  });
  // Adding a 'message' listener refs the channel; the server, not the probe, decides the lifetime.
  process.channel?.unref();
}
