import { describe, expect, it } from 'vitest';
import { DELETED, ValueType } from '../../../engine/lsm/internal-key.js';
import { decodeFooter, encodeFooter, FOOTER_BYTES } from '../../../engine/lsm/sstable/format.js';
import { utf8 } from '../../../engine/util/bytes.js';
import { CorruptionError } from '../../../engine/util/errors.js';
import { buildTableBytes, openTableBytes, type Entry } from './fixtures.js';

/** The worked example of FORMAT.md §9, byte for byte. If this changes, the format changed. */
const WORKED_EXAMPLE_HEX = [
  '00 0d 03 61 70 70 6c 65 00 00 00 00 00 00 05 01',
  '72 65 64 02 0d 00 72 69 63 6f 74 00 00 00 00 00',
  '00 04 00 00 0e 06 62 61 6e 61 6e 61 00 00 00 00',
  '00 00 03 01 79 65 6c 6c 6f 77 00 00 00 00 01 00',
  '00 00 00 db 21 0c e2 10 00 00 00 40 00 00 01 00',
  '02 40 00 00 10 00 00 08 40 00 00 00 00 02 01 80',
  '40 00 00 00 00 00 00 00 00 04 04 00 00 01 00 00',
  '00 00 40 00 00 00 00 00 00 04 00 02 00 00 00 00',
  '00 00 00 02 20 10 00 07 00 a4 cd 4b 1a 01 01 03',
  '02 01 01 03 01 2a 04 01 09 05 01 01 06 01 00 07',
  '01 47 08 01 03 09 01 05 0a 0d 61 70 70 6c 65 00',
  '00 00 00 00 00 05 01 0b 0e 62 61 6e 61 6e 61 00',
  '00 00 00 00 00 03 01 0c 01 01 0d 02 80 20 0e 01',
  '10 0f 01 0a 10 0f 73 69 6c 74 20 73 73 74 61 62',
  '6c 65 20 76 31 00 73 29 1d 20 00 0e 02 62 61 6e',
  '61 6e 61 00 00 00 00 00 00 03 01 00 42 00 00 00',
  '00 01 00 00 00 00 14 be f0 11 ea 00 00 00 00 00',
  '00 00 1b 00 00 00 00 00 00 00 47 00 00 00 00 00',
  '00 00 41 00 00 00 00 00 00 00 8d 00 00 00 00 00',
  '00 00 58 00 00 00 00 00 00 00 01 00 00 00 0a b5',
  '85 d1 5d 1a f2 83 b7 41 e2 88',
].join(' ').replace(/ /g, '');

describe('format', () => {
  const entries: Entry[] = [
    { userKey: utf8('apple'), seq: 5, type: ValueType.Put, value: utf8('red') },
    { userKey: utf8('apricot'), seq: 4, type: ValueType.Delete, value: new Uint8Array(0) },
    { userKey: utf8('banana'), seq: 3, type: ValueType.Put, value: utf8('yellow') },
  ];

  it('writes the worked example of FORMAT.md exactly', async () => {
    const { bytes } = await buildTableBytes(entries, { blockBytes: 4096, restartInterval: 16, bloomBitsPerKey: 10, compression: 'lz4' }, 1);
    expect(Buffer.from(bytes).toString('hex')).toBe(WORKED_EXAMPLE_HEX);
    const reader = await openTableBytes(bytes, 1);
    expect(reader.get(utf8('apple'), 10)).toEqual(utf8('red'));
    expect(reader.get(utf8('apricot'), 10)).toBe(DELETED);
    expect(reader.properties.rawKeyBytes).toBe(42);
    expect(reader.properties.creator).toBe('silt sstable v1');
  });

  it('round-trips the footer and checks its handles', () => {
    const footer = { index: { offset: 500, size: 30 }, filter: { offset: 0, size: 0 }, properties: { offset: 400, size: 95 } };
    const fileBytes = 535 + FOOTER_BYTES;
    expect(decodeFooter(encodeFooter(footer, 9, 535), 9, fileBytes)).toEqual(footer);
    expect(() => decodeFooter(encodeFooter(footer, 9, 535), 9, fileBytes - 1)).toThrow(CorruptionError);
    const outside = { ...footer, index: { offset: 510, size: 30 } };
    expect(() => decodeFooter(encodeFooter(outside, 9, 535), 9, fileBytes)).toThrow(CorruptionError);
  });
});
