import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURRENT_FILE_NAME,
  fileName,
  LOCK_FILE_NAME,
  manifestFileName,
  parseFileName,
  tableFileName,
  tempFileName,
  walFileName,
  type FileKind,
} from '../../../engine/lsm/manifest/file-names.js';

describe('file names', () => {
  it('formats the documented names', () => {
    expect(walFileName(123)).toBe('000123.wal');
    expect(tableFileName(123)).toBe('000123.sst');
    expect(manifestFileName(123)).toBe('MANIFEST-000123');
    expect(tempFileName(123)).toBe('000123.tmp');
    expect(tableFileName(12_345_678)).toBe('12345678.sst');
  });

  it('parses names back to kind and number', () => {
    expect(parseFileName('000123.wal')).toEqual({ kind: 'wal', number: 123 });
    expect(parseFileName('000123.sst')).toEqual({ kind: 'table', number: 123 });
    expect(parseFileName('MANIFEST-000123')).toEqual({ kind: 'manifest', number: 123 });
    expect(parseFileName('000007.tmp')).toEqual({ kind: 'temp', number: 7 });
    expect(parseFileName(CURRENT_FILE_NAME)).toEqual({ kind: 'current', number: 0 });
    expect(parseFileName(LOCK_FILE_NAME)).toEqual({ kind: 'lock', number: 0 });
  });

  it('rejects names the store does not create', () => {
    for (const name of ['1.sst', '0000123.sst', '00012a.sst', '000123.SST', '000123.log', 'MANIFEST-12', 'MANIFEST-', 'MANIFEST-0000123',
      'current', 'LOCK.tmp', '.sst', '000123', '-00123.sst', '+00123.wal', ' 000123.wal', '000123.wal ', '99999999999999999.sst']) {
      expect(parseFileName(name), name).toBeUndefined();
    }
  });

  it('round-trips every kind and number', () => {
    const kinds: FileKind[] = ['wal', 'table', 'manifest', 'temp'];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (kind, number) => {
        const name = fileName(kind, number);
        expect(parseFileName(name)).toEqual({ kind, number });
      }),
    );
  });

  it('never maps two different strings to the same file', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const parsed = parseFileName(name);
        if (parsed !== undefined) expect(fileName(parsed.kind, parsed.number)).toBe(name);
      }),
    );
  });
});
