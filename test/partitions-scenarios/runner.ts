/**
 * The capacity scenario runner: a scenario file describes a table and a traffic script; the runner
 * drives it through the real embedded Database on a ManualClock and returns a timeline — per report
 * interval: requests admitted and throttled (by reason), partitions, splits (by cause), the largest
 * allocated rate (adaptive boosts show here), burst balances — that the test compares with the
 * expected timeline stored beside the scenario.
 *
 * Scenario file (`<name>.scenario.json`):
 *   {
 *     "description": "…",
 *     "table": { "billing": "PROVISIONED" | "PAY_PER_REQUEST", "read": 100, "write": 100,
 *                "lsi": false, "gsi": { "read": 1, "write": 1 } },         // lsi, gsi optional
 *     "options": { "adaptive": true, "splitOnHeat": true, … },            // PartitionOptions knobs
 *     "reportEverySeconds": 10,                                          // default: per phase
 *     "seed": 1,
 *     "phases": [
 *       { "name": "warm", "seconds": 60, "traffic": [
 *         { "op": "write", "rate": 50, "itemBytes": 1000, "keys": { "uniform": 1000 } },
 *         { "op": "write", "rate": 40, "keys": { "key": "hot" } },                       // one partition key
 *         { "op": "write", "rate": 40, "keys": { "key": "hot", "sortKeys": "sequential" } }, // a collection
 *         { "op": "read",  "rate": 100, "keys": { "range": [0, 10] } },                  // keys k0..k9
 *         { "op": "write", "rate": 9, "keys": { "hashRange": { "from": 0, "to": 0.25, "count": 50 } } },
 *         { "op": "write", "rate": 10, "gsiKey": "g1", "keys": { "uniform": 100 } }      // indexed items
 *       ] } ] }
 *
 * Every op is one request: writes are PutItems of `itemBytes` (default 1000) bytes, so each costs
 * ceil(itemBytes / 1 KB) write units; reads are strongly consistent GetItems of keys never written
 * (1 read unit each). Within a tick of TICK_MS the ops of every traffic line are interleaved and spread
 * evenly in time. Randomness (uniform key choice) comes from a SeededRandom.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as sdk from '@aws-sdk/client-dynamodb';
import { Database } from '../../engine/database.js';
import type { PartitionOptions } from '../../engine/partitions/index.js';
import type { PartitionsDescription } from '../../engine/table/describe-partitions.js';
import { ManualClock } from '../../engine/util/clock.js';
import { SeededRandom } from '../../engine/util/random.js';
import { partitionKeyHash } from '../../engine/model/storage-key.js';

export const TICK_MS = 100;
const SCENARIO_MEMTABLE_BYTES = 256 * 1024 * 1024;
const START_MS = 1_700_000_000_000;
const TABLE = 'Scenario';

export interface KeysSpec {
  /** One partition key. */
  key?: string;
  /** Partition keys k0..k(n-1), chosen uniformly. */
  uniform?: number;
  /** Partition keys k<from>..k<to-1>, chosen uniformly. */
  range?: [number, number];
  /**
   * The first `count` keys k<i> whose partition hash lies in [from, to) of the hash space (fractions):
   * keys that share one partition of an evenly split map. Chosen uniformly.
   */
  hashRange?: { from: number; to: number; count: number };
  /** Sort keys: 'sequential' (increasing per line), or a count chosen uniformly (default 1: sort key "0"). */
  sortKeys?: 'sequential' | number;
}

export interface TrafficSpec {
  op: 'read' | 'write';
  /** Requests per simulated second. */
  rate: number;
  itemBytes?: number;
  keys: KeysSpec;
  /** Writes only: give the item this GSI key (attribute g). */
  gsiKey?: string;
}

export interface PhaseSpec {
  name: string;
  seconds: number;
  traffic: TrafficSpec[];
  /** Optional control-plane change at the phase start. */
  updateThroughput?: { read: number; write: number };
}

export interface ScenarioSpec {
  description: string;
  table: { billing: 'PROVISIONED' | 'PAY_PER_REQUEST'; read?: number; write?: number; lsi?: boolean; gsi?: { read: number; write: number } };
  options?: Omit<PartitionOptions, 'mode'>;
  reportEverySeconds?: number;
  seed?: number;
  phases: PhaseSpec[];
}

export interface IntervalReport {
  phase: string;
  /** Simulated seconds since the start, at the end of the interval. */
  atSeconds: number;
  admitted: { read: number; write: number };
  throttled: Record<string, number>;
  partitions: { table: number; gsi?: number };
  splits: Record<string, number>;
  maxAllocated: { read: number; write: number };
  burstBalance: { read: number; write: number };
}

export interface Timeline {
  description: string;
  intervals: IntervalReport[];
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

async function createTable(db: Database, spec: ScenarioSpec['table']): Promise<void> {
  const definitions: sdk.AttributeDefinition[] = [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ];
  const input: sdk.CreateTableCommandInput = {
    TableName: TABLE,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: definitions,
  };
  const provisioned = spec.billing === 'PROVISIONED';
  if (provisioned) input.ProvisionedThroughput = { ReadCapacityUnits: spec.read ?? 1, WriteCapacityUnits: spec.write ?? 1 };
  else input.BillingMode = 'PAY_PER_REQUEST';
  if (spec.gsi !== undefined) {
    definitions.push({ AttributeName: 'g', AttributeType: 'S' });
    input.GlobalSecondaryIndexes = [
      {
        IndexName: 'ByG',
        KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
        ...(provisioned ? { ProvisionedThroughput: { ReadCapacityUnits: spec.gsi.read, WriteCapacityUnits: spec.gsi.write } } : {}),
      },
    ];
  }
  if (spec.lsi === true) {
    definitions.push({ AttributeName: 'l', AttributeType: 'S' });
    input.LocalSecondaryIndexes = [
      {
        IndexName: 'ByL',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'l', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ];
  }
  await db.createTable(input);
}

/** Per traffic line: a fractional op debt (rates need not divide the tick) and a sort-key counter. */
interface LineState {
  spec: TrafficSpec;
  /** hashRange keys, computed once. */
  keys: string[] | undefined;
  debt: number;
  sequence: number;
  payload: string;
}

function chooseKey(line: LineState, random: SeededRandom): { pk: string; sk: string } {
  const keys = line.spec.keys;
  let pk: string;
  if (keys.key !== undefined) pk = keys.key;
  else if (keys.uniform !== undefined) pk = `k${random.int(keys.uniform)}`;
  else if (keys.range !== undefined) pk = `k${keys.range[0] + random.int(keys.range[1] - keys.range[0])}`;
  else if (line.keys !== undefined) pk = line.keys[random.int(line.keys.length)]!;
  else throw new Error('a traffic line needs keys.key, keys.uniform or keys.range');
  let sk = '0';
  if (keys.sortKeys === 'sequential') sk = String(line.sequence++).padStart(12, '0');
  else if (typeof keys.sortKeys === 'number') sk = String(random.int(keys.sortKeys)).padStart(12, '0');
  return { pk, sk };
}

interface Tally {
  admitted: { read: number; write: number };
  throttled: Record<string, number>;
}

async function issue(db: Database, line: LineState, random: SeededRandom, tally: Tally): Promise<void> {
  const { pk, sk } = chooseKey(line, random);
  const spec = line.spec;
  try {
    if (spec.op === 'write') {
      const item: Record<string, sdk.AttributeValue> = { pk: { S: pk }, sk: { S: sk }, l: { S: sk }, payload: { S: line.payload } };
      if (spec.gsiKey !== undefined) item['g'] = { S: spec.gsiKey };
      await db.putItem({ TableName: TABLE, Item: item });
    } else {
      await db.getItem({ TableName: TABLE, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true });
    }
    tally.admitted[spec.op]++;
  } catch (error) {
    const reasons = (error as { ThrottlingReasons?: { reason: string }[] }).ThrottlingReasons;
    if (reasons === undefined) throw error;
    for (const { reason } of reasons) tally.throttled[reason] = (tally.throttled[reason] ?? 0) + 1;
  }
}

/** Lets background work started by the last requests (a split's durable edit) finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function snapshot(description: PartitionsDescription, phase: string, atSeconds: number, tally: Tally): IntervalReport {
  const table = description.Partitions.filter((partition) => partition.indexName === null);
  const gsi = description.Partitions.filter((partition) => partition.indexName !== null);
  // Splits so far, by cause. A split may be recorded on each of its children: count it once.
  const distinct = new Map<string, string>();
  for (const partition of description.Partitions) {
    for (const split of partition.splits) distinct.set(`${partition.indexName ?? ''}/${split.from}@${split.atMs}`, split.cause);
  }
  const splits: Record<string, number> = {};
  for (const cause of [...distinct.values()].sort()) splits[cause] = (splits[cause] ?? 0) + 1;
  const throttled: Record<string, number> = {};
  for (const reason of Object.keys(tally.throttled).sort()) throttled[reason] = tally.throttled[reason]!;
  return {
    phase,
    atSeconds,
    admitted: { ...tally.admitted },
    throttled,
    partitions: gsi.length > 0 ? { table: table.length, gsi: gsi.length } : { table: table.length },
    splits,
    maxAllocated: {
      read: round(Math.max(...table.map((partition) => partition.allocatedReadUnits))),
      write: round(Math.max(...table.map((partition) => partition.allocatedWriteUnits))),
    },
    burstBalance: {
      read: round(table.reduce((sum, partition) => sum + partition.burstReadBalance, 0)),
      write: round(table.reduce((sum, partition) => sum + partition.burstWriteBalance, 0)),
    },
  };
}

function keysInHashRange(range: { from: number; to: number; count: number }): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < range.count; i++) {
    if (i > 1_000_000) throw new Error('hashRange: too narrow a range');
    const fraction = partitionKeyHash({ S: `k${i}` }) / 0x1_0000_0000;
    if (fraction >= range.from && fraction < range.to) keys.push(`k${i}`);
  }
  return keys;
}

/** Runs a scenario from start to end; deterministic for a given spec. */
export async function runScenario(spec: ScenarioSpec): Promise<Timeline> {
  const clock = new ManualClock(START_MS);
  // A large memtable: scenarios write hundreds of MB of large items, and flushes only cost time here.
  const db = await Database.open({
    clock,
    sync: 'none',
    ttlSweepIntervalMs: 0,
    memtableBytes: SCENARIO_MEMTABLE_BYTES,
    ...(spec.options === undefined ? {} : { partitions: spec.options }),
  });
  const random = new SeededRandom(spec.seed ?? 1);
  const intervals: IntervalReport[] = [];
  try {
    await createTable(db, spec.table);
    let elapsedMs = 0;
    for (const phase of spec.phases) {
      if (phase.updateThroughput !== undefined) {
        await db.updateTable({ TableName: TABLE, ProvisionedThroughput: { ReadCapacityUnits: phase.updateThroughput.read, WriteCapacityUnits: phase.updateThroughput.write } });
      }
      const lines: LineState[] = phase.traffic.map((traffic) => ({
        spec: traffic,
        keys: traffic.keys.hashRange === undefined ? undefined : keysInHashRange(traffic.keys.hashRange),
        debt: 0,
        sequence: 0,
        payload: 'x'.repeat(Math.max(0, (traffic.itemBytes ?? 1000) - 40)),
      }));
      const reportMs = (spec.reportEverySeconds ?? phase.seconds) * 1000;
      let tally: Tally = { admitted: { read: 0, write: 0 }, throttled: {} };
      let sinceReportMs = 0;
      for (let phaseMs = 0; phaseMs < phase.seconds * 1000; phaseMs += TICK_MS) {
        // This tick's ops, interleaved round-robin across the lines and spread evenly over the tick.
        const counts = lines.map((line) => {
          line.debt += (line.spec.rate * TICK_MS) / 1000;
          const count = Math.floor(line.debt);
          line.debt -= count;
          return count;
        });
        const total = counts.reduce((sum, count) => sum + count, 0);
        const stepMs = total === 0 ? TICK_MS : TICK_MS / total;
        let issued = 0;
        for (let round = 0; issued < total; round++) {
          for (let i = 0; i < lines.length; i++) {
            if (round >= counts[i]!) continue;
            await issue(db, lines[i]!, random, tally);
            issued++;
            clock.advance(stepMs);
          }
        }
        if (total === 0) clock.advance(TICK_MS);
        elapsedMs += TICK_MS;
        sinceReportMs += TICK_MS;
        await settle();
        if (sinceReportMs >= reportMs || phaseMs + TICK_MS >= phase.seconds * 1000) {
          intervals.push(snapshot(await db.describePartitions(TABLE), phase.name, Math.round(elapsedMs / 1000), tally));
          tally = { admitted: { read: 0, write: 0 }, throttled: {} };
          sinceReportMs = 0;
        }
      }
    }
  } finally {
    await db.close();
  }
  return { description: spec.description, intervals };
}

export const SCENARIO_DIR = join(import.meta.dirname, 'scenarios');

/** Every scenario file: name → spec. */
export function loadScenarios(dir = SCENARIO_DIR): { name: string; spec: ScenarioSpec; expectedPath: string }[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.scenario.json'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.scenario.json'.length);
      return { name, spec: JSON.parse(readFileSync(join(dir, file), 'utf8')) as ScenarioSpec, expectedPath: join(dir, `${name}.expected.json`) };
    });
}
