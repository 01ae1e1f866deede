/**
 * The workloads of `silt bench` on the DynamoDB data model, and the per-worker operation stream each
 * one produces. A workload is an operation mix, a key distribution and a data shape:
 *
 *   simple model   table `pk` (S) only; record n is `user<n>` with fields field0…field<k−1>.
 *   range model    table `pk` (S) + `sk` (N); record n is item sk = n mod P of partition
 *                  `user<⌊n / P⌋>` (P = itemsPerPartition); queries read one partition.
 *
 *   ycsb-a  GetItem 50 / UpdateItem 50, zipfian      ycsb-d  GetItem 95 / insert 5, latest
 *   ycsb-b  GetItem 95 / UpdateItem 5, zipfian       ycsb-e  Query 95 / insert 5, zipfian, range model;
 *   ycsb-c  GetItem 100, zipfian                             Limit uniform in 1…queryItemsMax (YCSB's short scans)
 *   ycsb-f  GetItem 50 / ReadModifyWrite 50, zipfian (GetItem then UpdateItem of the same record)
 *   hot-key        GetItem 50 / UpdateItem 50; one record takes hotKeyShare of the accesses
 *   durable-write  PutItem 100 (overwrites), uniform, the database synced on every write
 *   query-heavy    Query 90 / PutItem 10, zipfian over partitions, range model; pages of
 *                  queryItemsMax items from a random sort key on (sk >= :s)
 *   large-item     GetItem 50 / PutItem 50, uniform, 10 fields × 35,000 B ≈ 350 KB items
 *
 * Operations cross threads as small integers (OperationCode, key, arg, arg2), never as request
 * objects: the side that executes them builds the request (requests.ts).
 *
 * Determinism: a worker's stream depends only on (seed, workerIndex). Inserts of worker w take record
 * numbers recordCount + i·workers + w, so workers never insert the same record.
 */
import { SeededRandom } from '../../../engine/util/random.js';
import { makeChooser, type DistributionName, type KeyChooser } from './distributions.js';

export const WORKLOAD_NAMES = ['ycsb-a', 'ycsb-b', 'ycsb-c', 'ycsb-d', 'ycsb-e', 'ycsb-f', 'hot-key', 'durable-write', 'query-heavy', 'large-item'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** What one generated operation does. Small integers: they cross threads in Int32Arrays. */
export const OperationCode = {
  Get: 0,
  Update: 1,
  Insert: 2,
  Put: 3,
  Query: 4,
  ReadModifyWrite: 5,
} as const;
export type OperationCode = (typeof OperationCode)[keyof typeof OperationCode];

/** The name each code is reported under (inserts and overwrites are both PutItem). */
export const OPERATION_NAMES: readonly string[] = ['GetItem', 'UpdateItem', 'PutItem', 'PutItem', 'Query', 'ReadModifyWrite'];
/** Distinct reported names, and each code's index among them. */
export const REPORTED_NAMES: readonly string[] = [...new Set(OPERATION_NAMES)];
export const REPORTED_INDEX: readonly number[] = OPERATION_NAMES.map((name) => REPORTED_NAMES.indexOf(name));

/** A workload with every parameter resolved. */
export interface WorkloadSpec {
  name: WorkloadName;
  fieldCount: number;
  fieldBytes: number;
  distribution: DistributionName;
  /** hot-key distribution: the share of accesses that go to the one hot record. */
  hotKeyShare: number;
  /** Range model: items per partition. */
  itemsPerPartition: number;
  /** ycsb-e: the largest Query Limit; query-heavy: the page size. */
  queryItemsMax: number;
}

interface Shape {
  mix: ReadonlyArray<readonly [OperationCode, number]>;
  model: 'simple' | 'range';
  distribution: DistributionName;
  /** The workload needs every write synced (durable-write). */
  syncAlways: boolean;
  fieldCount: number;
  fieldBytes: number;
  itemsPerPartition: number;
  queryItemsMax: number;
  recordCount: number;
}

const O = OperationCode;
const SMALL = { fieldCount: 10, fieldBytes: 100, itemsPerPartition: 100, queryItemsMax: 100, recordCount: 100_000, syncAlways: false } as const;

export const WORKLOAD_SHAPES: Readonly<Record<WorkloadName, Shape>> = {
  'ycsb-a': { ...SMALL, mix: [[O.Get, 0.5], [O.Update, 0.5]], model: 'simple', distribution: 'zipfian' },
  'ycsb-b': { ...SMALL, mix: [[O.Get, 0.95], [O.Update, 0.05]], model: 'simple', distribution: 'zipfian' },
  'ycsb-c': { ...SMALL, mix: [[O.Get, 1]], model: 'simple', distribution: 'zipfian' },
  'ycsb-d': { ...SMALL, mix: [[O.Get, 0.95], [O.Insert, 0.05]], model: 'simple', distribution: 'latest' },
  'ycsb-e': { ...SMALL, mix: [[O.Query, 0.95], [O.Insert, 0.05]], model: 'range', distribution: 'zipfian' },
  'ycsb-f': { ...SMALL, mix: [[O.Get, 0.5], [O.ReadModifyWrite, 0.5]], model: 'simple', distribution: 'zipfian' },
  'hot-key': { ...SMALL, mix: [[O.Get, 0.5], [O.Update, 0.5]], model: 'simple', distribution: 'hot-key' },
  'durable-write': { ...SMALL, mix: [[O.Put, 1]], model: 'simple', distribution: 'uniform', syncAlways: true },
  'query-heavy': { ...SMALL, mix: [[O.Query, 0.9], [O.Put, 0.1]], model: 'range', distribution: 'zipfian', queryItemsMax: 25 },
  'large-item': { ...SMALL, mix: [[O.Get, 0.5], [O.Put, 0.5]], model: 'simple', distribution: 'uniform', fieldBytes: 35_000, recordCount: 200 },
};

/** Default share of accesses taken by the hot record of the hot-key distribution. */
export const HOT_KEY_SHARE_DEFAULT = 0.25;

export function modelOf(name: WorkloadName): 'simple' | 'range' {
  return WORKLOAD_SHAPES[name].model;
}

/** The operation stream of one worker. `next()` sets op, key, arg and arg2. */
export class OperationSource {
  op: OperationCode = O.Get;
  /** Record number (Get, Update, Put, Insert, ReadModifyWrite) or partition number (Query). */
  key = 0;
  /** Update / ReadModifyWrite: field index. Query: first sort key. */
  arg = 0;
  /** Query: Limit. */
  arg2 = 0;
  #inserted = 0;
  readonly #cumulative: Float64Array;
  readonly #codes: OperationCode[];
  readonly #random: SeededRandom;
  readonly #chooser: KeyChooser;
  readonly #range: boolean;
  readonly #partitions: number;

  constructor(
    readonly spec: WorkloadSpec,
    readonly recordCount: number,
    readonly seed: number,
    readonly workerIndex: number,
    readonly workers: number,
  ) {
    const shape = WORKLOAD_SHAPES[spec.name];
    this.#codes = shape.mix.map(([code]) => code);
    this.#cumulative = new Float64Array(shape.mix.length);
    let sum = 0;
    shape.mix.forEach(([, weight], i) => {
      sum += weight;
      this.#cumulative[i] = sum;
    });
    this.#cumulative[shape.mix.length - 1] = Number.POSITIVE_INFINITY;
    const workerSeed = (seed * 0x9e3779b1 + workerIndex * 0x85ebca6b) >>> 0;
    this.#random = new SeededRandom(workerSeed);
    this.#chooser = makeChooser(spec.distribution, workerSeed ^ 0x27d4eb2f, seed, spec.hotKeyShare);
    this.#range = shape.model === 'range';
    this.#partitions = Math.ceil(recordCount / spec.itemsPerPartition);
  }

  /** Records that exist now, as far as this worker knows (its inserts × workers). */
  #existing(): number {
    return this.recordCount + this.#inserted * this.workers;
  }

  next(): void {
    const u = this.#random.next();
    let i = 0;
    while (u >= this.#cumulative[i]!) i++;
    const op = this.#codes[i]!;
    this.op = op;
    this.arg = 0;
    this.arg2 = 0;
    switch (op) {
      case O.Insert:
        this.key = this.recordCount + this.#inserted * this.workers + this.workerIndex;
        this.#inserted++;
        return;
      case O.Query:
        this.key = this.#chooser.next(this.#partitions);
        if (this.spec.name === 'ycsb-e') {
          this.arg = 0;
          this.arg2 = 1 + this.#random.int(this.spec.queryItemsMax);
        } else {
          this.arg = this.#random.int(this.spec.itemsPerPartition);
          this.arg2 = this.spec.queryItemsMax;
        }
        return;
      case O.Update:
      case O.ReadModifyWrite:
        this.key = this.#chooser.next(this.#existing());
        this.arg = this.#random.int(this.spec.fieldCount);
        return;
      case O.Get:
      case O.Put:
        this.key = this.#chooser.next(this.#range ? this.recordCount : this.#existing());
        return;
    }
  }
}
