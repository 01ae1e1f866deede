/**
 * The public types of the partition manager (engine/partitions/index.ts re-exports them), shared by
 * its files. See partition-manager.ts for the contract.
 */
export type BillingMode = 'PROVISIONED' | 'PAY_PER_REQUEST';

export interface ThroughputSettings {
  billingMode: BillingMode;
  readUnitsPerSecond: number;
  writeUnitsPerSecond: number;
  /** on-demand caps (OnDemandThroughput); undefined = none */
  maxReadUnitsPerSecond?: number;
  maxWriteUnitsPerSecond?: number;
}

export type AccessKind = 'read' | 'write';

export interface Throttle {
  exception: 'ProvisionedThroughputExceededException' | 'ThrottlingException';
  reason: string /* e.g. 'TableWriteKeyRangeThroughputExceeded' */;
  partitionId: number;
}

/** Opaque ticket for charge(). */
export interface Admission {
  readonly partitionId: number;
}

export interface PartitionOptions {
  mode: 'modelled' | 'unlimited';
  splitSizeBytes?: number;
  adaptive?: boolean;
  splitOnHeat?: boolean;
  heatThresholdFraction?: number;
  heatWindowMs?: number;
  controllerIntervalMs?: number;
  onDemandScaleWindowMs?: number;
  topKeys?: number;
}

export type SplitCause = 'size' | 'heat' | 'throughput' | 'isolation';

export interface SplitRecord {
  atMs: number;
  cause: SplitCause;
  /** The partition that was split. */
  from: number;
}

export interface PartitionDescription {
  partitionId: number;
  indexId: number;
  startKey: Uint8Array;
  endKey: Uint8Array | null;
  allocatedReadUnits: number;
  allocatedWriteUnits: number;
  consumedReadUnitsPerSecond: number;
  consumedWriteUnitsPerSecond: number;
  burstReadBalance: number;
  burstWriteBalance: number;
  throttles: Record<string /* reason */, number>;
  splits: SplitRecord[]; // this partition's history
  hotKeys: { key: Uint8Array /* partition-key bytes */; units: number }[];
}

export function isThrottle(x: Admission | Throttle): x is Throttle {
  return (x as Partial<Throttle>).exception !== undefined; // only a Throttle has `exception`
}
