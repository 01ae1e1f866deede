/** The definition the partition lookups are tested against: the first partition whose range holds the key, by a scan. */
import { endOf, type PartitionMap } from '../../engine/partitions/partition-map.js';
import { compareBytes } from '../../engine/util/bytes.js';

export function linearFind(map: PartitionMap, key: Uint8Array): number {
  for (let i = 0; i < map.partitions.length; i++) {
    const end = endOf(map, i);
    if (compareBytes(map.partitions[i]!.start, key) <= 0 && (end === null || compareBytes(key, end) < 0)) return i;
  }
  throw new Error('no partition holds the key');
}
