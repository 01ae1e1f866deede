/**
 * The PNG summary: the composed SVG is well-formed and holds the table and four charts, and resvg
 * renders it to a PNG of the expected size.
 */
import { describe, expect, it } from 'vitest';
import { renderPng, renderReportSvg } from '../../../bench/report/png.js';
import { checkMarkup } from './html-check.js';
import { makeResult } from './fixtures.js';

describe('png', () => {
  it('composes the header, every phase’s rows and one phase’s four charts', () => {
    const svg = renderReportSvg(makeResult(), { phase: 'durable-write' });
    const check = checkMarkup(svg);
    expect(check.errors).toEqual([]);
    expect(check.counts.get('svg')).toBe(5);
    expect(svg).toContain('generator self-check (embedded, 2 workers): 250,000 ops/s');
    expect(svg).toContain('>ycsb-a<tspan');
    expect(svg).toContain('>durable-write<');
    expect(() => renderReportSvg(makeResult(), { phase: 'nope' })).toThrow(/no phase named 'nope'/);
  });

  it('renders a PNG at the requested scale', () => {
    const png = renderPng(makeResult(), { scale: 1 });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1200); // IHDR width
    const double = renderPng(makeResult(), { scale: 2 });
    expect(double.readUInt32BE(16)).toBe(2400);
  });
});
