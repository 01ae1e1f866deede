/**
 * The HTML report and its SVG charts: balanced structure (a tiny checker), the four charts per
 * phase, the environment and the configuration present, and no URL of any kind but the SVG
 * namespace — the report must open offline, forever.
 */
import { describe, expect, it } from 'vitest';
import { phaseCharts } from '../../../bench/report/charts.js';
import { escapeHtml, renderHtml } from '../../../bench/report/html.js';
import { decodeHistogram, percentileSpectrum } from '../../../bench/report/histogram.js';
import { lineChart, niceTicks, SVG_NAMESPACE } from '../../../bench/report/svg.js';
import { checkMarkup } from './html-check.js';
import { makeResult } from './fixtures.js';

function withoutNamespace(text: string): string {
  return text.split(`xmlns="${SVG_NAMESPACE}"`).join('');
}

describe('the markup checker', () => {
  it('catches what it is for', () => {
    expect(checkMarkup('<div><p>a</p></div>').errors).toEqual([]);
    expect(checkMarkup('<div><p>a</div></p>').errors.length).toBeGreaterThan(0);
    expect(checkMarkup('<div><span>').errors).toEqual(['unclosed: div > span']);
    expect(checkMarkup('<p>a < b</p>').errors.length).toBeGreaterThan(0);
    expect(checkMarkup('<svg><path d="M0 0"/></svg><meta charset="utf-8">').errors).toEqual([]);
  });
});

describe('renderHtml', () => {
  const result = makeResult();
  result.config = { ...result.config, endpointUrl: 'http://localhost:8000', weird: '</pre><script>' };
  const html = renderHtml(result);

  it('is well-formed: balanced tags, one document', () => {
    const check = checkMarkup(html);
    expect(check.errors).toEqual([]);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    for (const element of ['html', 'head', 'body', 'main', 'style']) expect(check.counts.get(element), element).toBe(1);
    expect(check.counts.get('script')).toBeUndefined();
    expect(html).toContain('<title>silt bench — 2025-03-01T12:00:00.000Z</title>');
  });

  it('has four charts per phase, each with its series', () => {
    const check = checkMarkup(html);
    expect(check.counts.get('svg')).toBe(4 * result.phases.length);
    for (const title of ['Latency over time', 'Throughput over time', 'Latency by percentile', 'Throttles and errors over time']) {
      expect(html.split(`<title>${title}</title>`).length - 1, title).toBe(result.phases.length);
    }
    expect(check.counts.get('path')! + (check.counts.get('circle') ?? 0)).toBeGreaterThanOrEqual(result.phases.length * 4);
    expect(html).toContain('GetItem p99');
    expect(html).toContain('99.999%');
  });

  it('references nothing outside itself: no URL but the SVG namespace', () => {
    const rest = withoutNamespace(html);
    expect(rest).not.toMatch(/https?:\/\//i);
    expect(rest).not.toContain('//');
    expect(rest).not.toMatch(/\b(src|href)\s*=/i);
    expect(rest).not.toMatch(/url\(|@import/i);
    // The endpoint URL in the configuration is shown as text, not as a reference.
    expect(html).toContain('http:&#47;&#47;localhost:8000');
    expect(html).not.toContain('<script>');
  });

  it('shows the environment, the self-check, the tables and the configuration', () => {
    const visible = html.replaceAll('&#47;', '/');
    for (const text of ['AMD EPYC 7B13 × 2 cores', 'v20.20.2', 'be90875aaaaa', '0.42 at start, 1.87 at end', '--workload ycsb-a --duration 10s', '250,000 ops/s', 'p99.9 ms', 'coordinated omission corrected']) {
      expect(visible, text).toContain(escapeHtml(text).replaceAll('&#47;', '/'));
    }
    expect(html).toContain(escapeHtml('"note": "a <b> & \\"c\\""'));
    expect(html).toMatch(/<tr class="total"><td>total<\/td><td>8,000<\/td>/);
  });

  it('flags a generator-bound phase', () => {
    const bound = makeResult();
    bound.selfCheck[0]!.opsPerSecond = 9000;
    expect(renderHtml(bound)).toContain('generator-bound: 89% of self-check');
    expect(renderHtml(makeResult())).not.toContain('generator-bound:');
  });
});

describe('svg charts', () => {
  it('nice ticks are round and cover the range', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0, 0.0137, 4)).toEqual([0, 0.005, 0.01]);
    expect(niceTicks(0, 86_000, 5)).toEqual([0, 20_000, 40_000, 60_000, 80_000]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  it('a chart is well-formed, escapes text, breaks lines at gaps, and says when empty', () => {
    const svg = lineChart({
      title: 'A <b> & c',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ name: 'one', color: '#000', points: [[0, 1], [1, 2], [2, NaN], [3, 4], [4, 5]] }],
    });
    expect(checkMarkup(svg).errors).toEqual([]);
    expect(svg).toContain('A &lt;b&gt; &amp; c');
    expect(svg).not.toContain('NaN');
    const path = /<path d="([^"]+)"/.exec(svg)![1]!;
    expect(path.match(/M/g)).toHaveLength(2);
    expect(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [], emptyText: 'nothing yet' })).toContain('nothing yet');
  });

  it('the spectrum follows the histogram: x = −log10(1 − p), y = the percentile', () => {
    const operation = makeResult().phases[0]!.operations['GetItem']!;
    const points = percentileSpectrum(decodeHistogram(operation.histogram), 100);
    expect(points[0]![0]).toBe(0);
    const xMax = points[points.length - 1]![0];
    expect(xMax).toBeCloseTo(Math.log10(40_000), 10); // a 40,000-sample run shows up to p99.9975
    const at99 = points.find(([x]) => Math.abs(x - 2) < xMax / 200);
    expect(at99).toBeDefined();
    // Monotonic, and p99 on the curve near the reported p99.
    for (let i = 1; i < points.length; i++) expect(points[i]![1]).toBeGreaterThanOrEqual(points[i - 1]![1]);
    expect(points[points.length - 1]![1]).toBe(operation.latency.max);
    const charts = phaseCharts(makeResult().phases[0]!, { widthPx: 400, heightPx: 240 });
    for (const svg of Object.values(charts)) expect(checkMarkup(svg).errors).toEqual([]);
  });
});
