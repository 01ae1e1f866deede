/**
 * The partition manager's public surface (engine/partitions): DynamoDB's capacity model — partition
 * maps, token buckets and burst, adaptive capacity, split-on-heat, on-demand — for the table layer.
 */
export { PartitionManager, partitionCountFor } from './partition-manager.js';
export { isThrottle } from './types.js';
export type {
  AccessKind,
  Admission,
  BillingMode,
  PartitionDescription,
  PartitionOptions,
  SplitCause,
  SplitRecord,
  Throttle,
  ThroughputSettings,
} from './types.js';
