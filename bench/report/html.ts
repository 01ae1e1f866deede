/**
 * The self-contained HTML report of a `silt bench` run: one file with inline CSS and inline SVG
 * charts (bench/report/charts.ts), no script and no external reference of any kind — it opens from
 * disk, offline, forever. Sections: the environment, the generator self-check, then per phase the
 * table of the terminal report and its four charts, then the configuration as run.
 *
 * Text is escaped, and '/' is written as a character reference so that no text (an endpoint URL in
 * the configuration, say) can look like a reference to a reader scanning for '//'.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BenchResult, PhaseResult } from '../harness/result.js';
import { phaseCharts } from './charts.js';
import { formatBytes, formatCount, formatMs } from './format.js';
import { describeLoad, GENERATOR_BOUND_FRACTION, generatorShare, phaseOpsPerSecond, phaseTotal } from './table.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'/]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '/': '&#47;' })[c]!);
}

const CHART_SIZE = { widthPx: 560, heightPx: 300 } as const;

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f6; color: #111827; font: 14px/1.5 Inter, 'Segoe UI', system-ui, -apple-system, Helvetica, Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 28px 24px 48px; }
header.top { display: flex; align-items: baseline; gap: 14px; flex-wrap: wrap; margin-bottom: 18px; }
header.top h1 { margin: 0; font-size: 26px; letter-spacing: -0.02em; }
header.top h1 span { color: #b45309; }
header.top p { margin: 0; color: #6b7280; }
.card { background: #ffffff; border: 1px solid #e5e7eb; border-radius: 12px; padding: 18px 20px; margin-bottom: 18px; box-shadow: 0 1px 2px rgba(0,0,0,0.04); }
.card h2 { margin: 0 0 4px; font-size: 18px; }
.card .desc { margin: 0 0 12px; color: #4b5563; }
dl.env { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 8px 24px; margin: 0; }
dl.env div { display: flex; flex-direction: column; }
dl.env dt { font-size: 11px; text-transform: uppercase; letter-spacing: 0.06em; color: #6b7280; }
dl.env dd { margin: 0; font-weight: 500; word-break: break-word; }
.selfcheck { border-left: 4px solid #4e79a7; }
.selfcheck p { margin: 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; vertical-align: middle; }
.badge.warn { background: #fef3c7; color: #92400e; }
.badge.info { background: #e0e7ff; color: #3730a3; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; text-align: right; border-bottom: 1px solid #f0f1f3; white-space: nowrap; }
th { font-size: 12px; font-weight: 600; color: #6b7280; border-bottom: 1px solid #e5e7eb; }
th:first-child, td:first-child { text-align: left; }
tr.total td { font-weight: 600; border-top: 1px solid #d1d5db; }
td.bad { color: #b91c1c; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 14px; }
.charts figure { margin: 0; border: 1px solid #f0f1f3; border-radius: 8px; overflow: hidden; }
.charts svg { display: block; width: 100%; height: auto; }
.params { color: #6b7280; font-size: 13px; margin: 0 0 8px; }
pre { margin: 0; padding: 12px; background: #f9fafb; border-radius: 8px; overflow: auto; font: 12px/1.45 ui-monospace, 'SF Mono', Menlo, Consolas, monospace; }
footer { color: #9ca3af; font-size: 12px; text-align: center; margin-top: 24px; }
`;

function field(label: string, value: string): string {
  return `<div><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd></div>`;
}

function environmentCard(result: BenchResult): string {
  const env = result.environment;
  const commit = env.gitCommit === null ? 'unknown' : `${env.gitCommit.slice(0, 12)}${env.gitDirty === true ? ' (uncommitted changes)' : ''}`;
  return [
    '<section class="card"><h2>Environment</h2><dl class="env">',
    field('CPU', `${env.cpuModel} × ${env.cores} cores`),
    field('Memory', formatBytes(env.memoryBytes)),
    field('Platform', env.platform),
    field('Node', env.node),
    field('Commit', commit),
    field('Load average (1 min)', `${env.loadAverage1mStart.toFixed(2)} at start, ${env.loadAverage1mEnd.toFixed(2)} at end`),
    field('Options', env.argv.length === 0 ? '(default suite)' : env.argv.join(' ')),
    field('Started', result.startedAt),
    '</dl></section>',
  ].join('');
}

function selfCheckCard(result: BenchResult): string {
  if (result.selfCheck.length === 0) {
    return '<section class="card selfcheck"><p><strong>Generator self-check:</strong> not run; results may be generator-bound without notice.</p></section>';
  }
  const lines = result.selfCheck.map(
    (check) =>
      `<p><strong>Generator self-check (${escapeHtml(check.transport)}, ${check.workers} worker${check.workers === 1 ? '' : 's'}):</strong> ` +
      `the generator drives <strong>${formatCount(check.opsPerSecond)} ops/s</strong> (p99 ${formatMs(check.p99Us)} ms) against a null target; ` +
      `results near that are generator-bound.</p>`,
  );
  return `<section class="card selfcheck">${lines.join('')}</section>`;
}

function phaseTable(phase: PhaseResult): string {
  const names = Object.keys(phase.operations).sort();
  const header = ['operation', 'ops/s', 'count', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'errors', 'throttles'];
  const rows: string[] = [];
  const row = (name: string, op: ReturnType<typeof phaseTotal>, className: string): void => {
    const ok = op.count > op.errors + op.throttles;
    const latency = (us: number): string => `<td>${ok ? formatMs(us) : '—'}</td>`;
    rows.push(
      `<tr${className === '' ? '' : ` class="${className}"`}><td>${escapeHtml(name)}</td><td>${formatCount(op.opsPerSecond)}</td><td>${formatCount(op.count)}</td>` +
        latency(op.latency.p50) + latency(op.latency.p90) + latency(op.latency.p99) + latency(op.latency.p999) + latency(op.latency.max) +
        `<td${op.errors > 0 ? ' class="bad"' : ''}>${formatCount(op.errors)}</td><td${op.throttles > 0 ? ' class="bad"' : ''}>${formatCount(op.throttles)}</td></tr>`,
    );
  };
  for (const name of names) row(name, phase.operations[name]!, '');
  if (names.length > 1) row('total', phaseTotal(phase), 'total');
  return `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function phaseCard(result: BenchResult, phase: PhaseResult): string {
  const charts = phaseCharts(phase, CHART_SIZE);
  const share = generatorShare(result, phase);
  const badge =
    share !== null && share >= GENERATOR_BOUND_FRACTION
      ? ` <span class="badge warn" title="throughput near the generator's own capacity">generator-bound: ${Math.round(share * 100)}% of self-check</span>`
      : '';
  const corrected = phase.correctedForCoordinatedOmission ? ' <span class="badge info">coordinated omission corrected</span>' : '';
  const workers = `${phase.workers} worker${phase.workers === 1 ? '' : 's'}`;
  const parameters = Object.entries(phase.parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => `${key} = ${String(value)}`);
  return [
    `<section class="card phase"><h2>${escapeHtml(phase.name)}${badge}${corrected}</h2>`,
    `<p class="desc">${escapeHtml(`${phase.workload} on ${phase.target.kind} (${phase.target.description}) · ${describeLoad(phase).replace(/, latency from.*$/, '')} · ${workers} · ` +
      `${(phase.durationMs / 1000).toFixed(1)} s measured after ${(phase.warmupMs / 1000).toFixed(1)} s warm-up · ${formatCount(phaseOpsPerSecond(phase))} ops/s`)}</p>`,
    parameters.length === 0 ? '' : `<p class="params">${escapeHtml(parameters.join(' · '))}</p>`,
    phaseTable(phase),
    `<div class="charts"><figure>${charts.latency}</figure><figure>${charts.throughput}</figure><figure>${charts.spectrum}</figure><figure>${charts.throttles}</figure></div>`,
    '</section>',
  ].join('');
}

/** The report as one HTML document. */
export function renderHtml(result: BenchResult): string {
  const commit = result.environment.gitCommit === null ? '' : ` · ${result.environment.gitCommit.slice(0, 10)}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`silt bench — ${result.startedAt}`)}</title>`,
    `<style>${STYLE}</style></head><body><main>`,
    `<header class="top"><h1>silt <span>bench</span></h1><p>${escapeHtml(`${result.startedAt}${commit} · ${result.phases.length} phase${result.phases.length === 1 ? '' : 's'}`)}</p></header>`,
    environmentCard(result),
    selfCheckCard(result),
    ...result.phases.map((phase) => phaseCard(result, phase)),
    `<section class="card"><h2>Configuration</h2><pre>${escapeHtml(JSON.stringify(result.config, null, 2))}</pre></section>`,
    `<footer>${escapeHtml(`Generated by silt bench from a ${result.schema} result. Latency in ms; histograms are HDR, merged exactly across workers.`)}</footer>`,
    '</main></body></html>',
    '',
  ].join('\n');
}

export async function writeHtml(path: string, result: BenchResult): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderHtml(result));
}
