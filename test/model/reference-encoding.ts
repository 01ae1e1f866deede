/**
 * The reference encoder of stored items: the compact tree of FORMAT.md §3 packed by msgpackr, as
 * items were encoded before item-writer.ts (whose bytes must stay identical). Readers of stored
 * items (item-reader.ts, engine/api/item-json.ts) are tested on its output as well as the writer's.
 */
import { Packr } from 'msgpackr';
import type { AttributeValue, Item } from '../../engine/model/attribute-value.js';
import { ITEM_FORMAT_VERSION } from '../../engine/model/item-codec.js';

const packr = new Packr({ useRecords: false, moreTypes: false, copyBuffers: true, bundleStrings: false });
type Tree = string | number | boolean | null | Uint8Array | Tree[];
function toTree(value: AttributeValue): Tree {
  if ('S' in value) return value.S;
  if ('N' in value) return /^-?[0-9]{1,15}$/.test(value.N) ? Number(value.N) : [1, value.N];
  if ('B' in value) return value.B;
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('M' in value) return [3, ...mapTree(value.M)];
  if ('L' in value) return [2, ...value.L.map(toTree)];
  if ('SS' in value) return [4, ...value.SS];
  if ('NS' in value) return [5, ...value.NS];
  return [6, ...value.BS];
}
function mapTree(map: Item): Tree[] {
  const out: Tree[] = [];
  for (const name of Object.keys(map)) out.push(name, toTree(map[name]!));
  return out;
}
export function referenceEncoding(value: Item): Uint8Array {
  return new Uint8Array([ITEM_FORMAT_VERSION, ...packr.pack(mapTree(value))]);
}

