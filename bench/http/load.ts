/**
 * Load shapes for the HTTP benchmark, over a SignedClient:
 *
 *   closed loop  `client.capacity` requests always in flight: each response sends the next
 *                request. Measures the most the server serves; latency = send → response.
 *   open loop    requests due at a fixed rate (request i at start + i / rate), whatever the
 *                server does. Latency is measured from the INTENDED start time, so time spent
 *                queued behind a slow server counts (coordinated omission corrected). A request
 *                waits for a free connection when all are busy; if the run overruns its duration by
 *                OPEN_LOOP_OVERRUN_FACTOR, requests not yet sent are dropped and counted (`unsent`).
 *
 * Both end after `requests` requests or `durationMs`, whichever comes first (no new request is sent
 * after that; those in flight finish). A response that fails the workload's check counts as an
 * error (its first text is kept); a broken connection also loses its slot. Latency goes into an
 * HDR histogram (bench/lsm/histogram.ts), every request timed. CPU time of this process (the
 * client: signing, sending, parsing) is measured around the run.
 */
import { performance } from 'node:perf_hooks';
import { LatencyRecorder, type LatencySummary } from '../lsm/histogram.js';
import type { SignedClient } from './client.js';

export interface Workload {
  readonly operation: 'PutItem' | 'GetItem';
  /** The JSON body of the `index`-th request of a run. */
  body(index: number): string;
  /** Why a response is not the expected one, or undefined when it is. */
  check(status: number, body: Buffer): string | undefined;
}

export interface LoadResult {
  /** Responses received (errors included). */
  requests: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  requestsPerSec: number;
  latency: LatencySummary | null;
  /** User + system CPU of the client process during the run. */
  clientCpuUs: number;
  /** Open loop only: the rate asked for, and requests dropped because the run overran. */
  targetRatePerSec: number | null;
  unsent: number;
}

/** An open-loop run that has not sent everything by durationMs × this stops sending. */
export const OPEN_LOOP_OVERRUN_FACTOR = 1.5;
/** Error texts are cut to this many characters. */
const ERROR_TEXT_CHARS_MAX = 300;

class Tally {
  readonly latency = new LatencyRecorder('op', 1);
  requests = 0;
  errors = 0;
  firstError: string | null = null;
  lostSlots = 0;

  record(workload: Workload, status: number, body: Buffer, latencyMs: number): void {
    this.requests++;
    this.latency.recordMs(latencyMs);
    if (status === 0) this.lostSlots++;
    const problem = status === 0 ? body.toString('utf8') : workload.check(status, body);
    if (problem === undefined) return;
    this.errors++;
    this.firstError ??= `${workload.operation}: ${problem}`.slice(0, ERROR_TEXT_CHARS_MAX);
  }

  result(startMs: number, cpuBefore: NodeJS.CpuUsage, targetRatePerSec: number | null, unsent: number): LoadResult {
    const elapsedMs = performance.now() - startMs;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      requests: this.requests,
      errors: this.errors,
      firstError: this.firstError,
      elapsedMs,
      requestsPerSec: elapsedMs > 0 ? (this.requests * 1000) / elapsedMs : 0,
      latency: this.latency.summary() ?? null,
      clientCpuUs: cpu.user + cpu.system,
      targetRatePerSec,
      unsent,
    };
  }
}

export function runClosedLoop(client: SignedClient, workload: Workload, limits: { requests: number; durationMs: number }): Promise<LoadResult> {
  return new Promise((resolve) => {
    const tally = new Tally();
    const cpuBefore = process.cpuUsage();
    const startMs = performance.now();
    const deadlineMs = startMs + limits.durationMs;
    let issued = 0;
    let inFlight = 0;
    const issue = (): void => {
      const index = issued++;
      inFlight++;
      const sentMs = performance.now();
      client.send(workload.operation, workload.body(index), (status, body) => {
        inFlight--;
        tally.record(workload, status, body, performance.now() - sentMs);
        // A broken connection's slot is not refilled.
        if (status !== 0 && issued < limits.requests && performance.now() < deadlineMs) issue();
        else if (inFlight === 0) resolve(tally.result(startMs, cpuBefore, null, 0));
      });
    };
    const slots = Math.min(client.capacity, limits.requests);
    for (let i = 0; i < slots; i++) issue();
  });
}

export function runOpenLoop(client: SignedClient, workload: Workload, limits: { ratePerSec: number; durationMs: number }): Promise<LoadResult> {
  if (!(limits.ratePerSec > 0)) throw new RangeError('open loop: ratePerSec must be positive');
  return new Promise((resolve) => {
    const tally = new Tally();
    const intervalMs = 1000 / limits.ratePerSec;
    const planned = Math.max(1, Math.round((limits.ratePerSec * limits.durationMs) / 1000));
    let total = planned;
    const cpuBefore = process.cpuUsage();
    const startMs = performance.now();
    const stopSendingMs = startMs + limits.durationMs * OPEN_LOOP_OVERRUN_FACTOR;
    let issued = 0;
    let inFlight = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;

    const finishIfDone = (): void => {
      if (finished || issued < total || inFlight > 0) return;
      finished = true;
      if (timer !== undefined) clearTimeout(timer);
      resolve(tally.result(startMs, cpuBefore, limits.ratePerSec, planned - total));
    };
    const issue = (intendedMs: number): void => {
      const index = issued++;
      inFlight++;
      client.send(workload.operation, workload.body(index), (status, body) => {
        inFlight--;
        tally.record(workload, status, body, performance.now() - intendedMs);
        dispatch();
        finishIfDone();
      });
    };
    /** Sends every request already due, as far as free connections allow. */
    const dispatch = (): void => {
      const nowMs = performance.now();
      const slots = client.capacity - tally.lostSlots;
      while (issued < total && inFlight < slots) {
        const intendedMs = startMs + issued * intervalMs;
        if (intendedMs > nowMs) break;
        issue(intendedMs);
      }
    };
    const tick = (): void => {
      timer = undefined;
      dispatch();
      if (issued < total && (performance.now() > stopSendingMs || client.capacity - tally.lostSlots <= 0)) total = issued;
      if (issued < total) {
        const waitMs = Math.max(0, startMs + issued * intervalMs - performance.now());
        timer = setTimeout(tick, waitMs);
      }
      finishIfDone();
    };
    tick();
  });
}
