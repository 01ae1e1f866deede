/**
 * What every table-layer operation works with: the store, the catalog, the runtime tables, the
 * per-item write coordinator, the partition manager (capacity admission, admission.ts) and the
 * injected clock. One per open Database.
 */
import type { Store } from '../lsm/store.js';
import type { Clock } from '../util/clock.js';
import { ValidationException } from '../model/errors.js';
import type { Catalog } from './catalog.js';
import { resourceNotFound } from './errors.js';
import { Table } from './table.js';
import type { WriteCoordinator } from './write-coordinator.js';
import type { StaleReads } from './stale-reads.js';
import type { Snapshot } from '../lsm/snapshots.js';
import type { PartitionManager } from '../partitions/index.js';

export interface DatabaseSettings {
  /** Region and account used in ARNs. */
  readonly region: string;
  readonly accountId: string;
  /** Milliseconds a new table (or a deleted one) stays CREATING (DELETING); 0 = immediate. */
  readonly tableStatusDelayMs: number;
  /** Milliseconds a new GSI stays CREATING before it is ACTIVE (its backfill runs meanwhile). */
  readonly indexStatusDelayMs: number;
}

export class TableContext {
  readonly #tables = new Map<string, Table>();

  constructor(
    readonly store: Store,
    readonly catalog: Catalog,
    readonly coordinator: WriteCoordinator,
    readonly clock: Clock,
    readonly settings: DatabaseSettings,
    readonly staleReads: StaleReads,
    readonly partitions: PartitionManager,
  ) {}

  /** The store view a read uses: undefined for the latest state (see stale-reads.ts). */
  readView(consistent: boolean, globalIndex = false): { snapshot: Snapshot } | undefined {
    const snapshot = this.staleReads.view(consistent, globalIndex);
    return snapshot === undefined ? undefined : { snapshot };
  }

  /** The runtime table for a name (a table's record may change: rebuilt on each catalog update). */
  table(name: string): Table | undefined {
    const record = this.catalog.get(name);
    if (record === undefined) return undefined;
    let table = this.#tables.get(name);
    if (table === undefined || table.record !== record) {
      table = new Table(record);
      this.#tables.set(name, table);
    }
    return table;
  }

  /** A table that accepts data operations (ACTIVE or UPDATING; DELETING still serves, as DynamoDB). */
  requireTable(name: unknown): Table {
    if (typeof name !== 'string') throw new ValidationException("The parameter 'TableName' is required but was not present in the request");
    const table = this.table(resolveTableName(name));
    if (table === undefined || table.record.status === 'CREATING') throw resourceNotFound();
    return table;
  }

  tableArn(name: string): string {
    return `arn:aws:dynamodb:${this.settings.region}:${this.settings.accountId}:table/${name}`;
  }
}

/** TableName parameters also accept a table ARN. */
export function resolveTableName(name: string): string {
  const marker = ':table/';
  const at = name.startsWith('arn:') ? name.indexOf(marker) : -1;
  if (at < 0) return name;
  const rest = name.slice(at + marker.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? rest : rest.slice(0, slash);
}
