/**
 * Attribute-value positions shared by several operations' requests and responses (the legacy
 * conditional parameters, item collection metrics, item lists). See engine/api/codec.ts.
 */
import { ITEM, VALUE, listOf, mapOf, struct } from '../codec.js';

/** Legacy `Expected`: name → { Value, AttributeValueList }. */
export const EXPECTED = mapOf(struct({ Value: VALUE, AttributeValueList: listOf(VALUE) }));
/** Legacy `KeyConditions`, `QueryFilter`, `ScanFilter`: name → { AttributeValueList }. */
export const CONDITIONS = mapOf(struct({ AttributeValueList: listOf(VALUE) }));
/** Legacy `AttributeUpdates`: name → { Value, Action }. */
export const ATTRIBUTE_UPDATES = mapOf(struct({ Value: VALUE }));
export const ITEM_COLLECTION_METRICS = struct({ ItemCollectionKey: ITEM });
export const ITEMS = listOf(ITEM);
