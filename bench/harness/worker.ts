/**
 * Entry point of a generator worker thread (loaded by piscina from run.ts): runs one LoadGenerator
 * for one phase against the channel to the main thread's Database (embedded, null-embedded) or an
 * HTTP endpoint (http, null-http), and returns its GeneratorReport (encoded histograms: they cross
 * back by structured clone and are merged exactly in the main thread).
 *
 * The phase start is given as an epoch time (performance.timeOrigin + now()) so that every worker
 * starts its schedule at the same instant whatever its own time origin.
 * Concurrency: piscina runs one task at a time per thread; run.ts starts one task per thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { ChannelTransport } from './channel.js';
import { LoadGenerator, type GeneratorPlan, type GeneratorReport } from './generator.js';
import { HttpTransport, type HttpEndpoint } from './http-transport.js';
import { OperationSource, type WorkloadSpec } from './workloads/catalog.js';
import { RequestFactory } from './workloads/requests.js';

export interface WorkerTask {
  connection: { kind: 'channel'; port: MessagePort; capacity: number } | { kind: 'http'; endpoint: HttpEndpoint; tableName: string };
  workload: WorkloadSpec;
  recordCount: number;
  seed: number;
  plan: Omit<GeneratorPlan, 'startAtMs'> & { startAtEpochMs: number };
}

export default async function runWorker(task: WorkerTask): Promise<GeneratorReport> {
  const { plan } = task;
  const source = new OperationSource(task.workload, task.recordCount, task.seed, plan.workerIndex, plan.workers);
  const generator = new LoadGenerator({ ...plan, startAtMs: plan.startAtEpochMs - performance.timeOrigin }, source);
  const connection = task.connection;
  if (connection.kind === 'channel') {
    const transport = new ChannelTransport(connection.port, connection.capacity).bind(generator);
    try {
      return await generator.run(transport);
    } finally {
      transport.close();
    }
  }
  const requests = new RequestFactory(task.workload, connection.tableName, task.seed);
  const transport = (await HttpTransport.connect(connection.endpoint, requests)).bind(generator);
  try {
    return await generator.run(transport);
  } finally {
    transport.close();
  }
}
