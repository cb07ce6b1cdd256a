/** The report's sections other than findings and docs: header, summary, diagram, diff, check, audit, notes. */
import { describeRef } from '../../catalog/helpers.js';
import { SEVERITIES, type ReviewResult } from '../../result.js';
import type { ErSvg } from '../er-svg.js';
import { SEVERITY_COLORS } from '../er-svg.js';
import { engineLabel, formatLocation, sourceKindLabel } from '../labels.js';
import { esc, inline } from './escape.js';
import { copyable } from './findings.js';

export interface Section {
  id: string;
  title: string;
  html: string;
}

const COMMAND_TITLES: Record<ReviewResult['command'], string> = {
  review: 'Schema review',
  diff: 'Migration review',
  check: 'Drift check',
  audit: 'Data audit',
  docs: 'Schema documentation',
  fix: 'Fix migration',
};

export function pageTitle(result: ReviewResult, docsTitle?: string): string {
  return docsTitle ?? `${COMMAND_TITLES[result.command]}: ${result.source.path}`;
}

export function header(result: ReviewResult, title: string): string {
  const meta = [
    `Source <code>${esc(result.source.path)}</code> (${esc(sourceKindLabel(result))})`,
    `Engine ${esc(engineLabel(result.engine))}`,
    `Generated <time datetime="${esc(result.generatedAt)}">${esc(result.generatedAt)}</time>`,
    `${esc(result.tool.name)} ${esc(result.tool.version)}`,
  ];
  return `<header class="top"><h1>${esc(title)}</h1><p class="meta">${meta.map((m) => `<span>${m}</span>`).join('')}</p></header>`;
}

function card(n: string | number, label: string, cls = ''): string {
  return `<div class="card${cls ? ` ${cls}` : ''}"><span class="n">${esc(String(n))}</span><span class="l">${esc(label)}</span></div>`;
}

export function summary(result: ReviewResult): Section {
  const s = result.summary;
  const out: string[] = [];
  const lead: string[] = [];
  if (s.verdict) lead.push(`<p>Verdict: <span class="verdict verdict-${esc(s.verdict)}" id="verdict">${esc(s.verdict.replace(/-/g, ' '))}</span></p>`);
  if (s.grade) lead.push(`<p>Health grade: <span class="grade" id="grade">${esc(s.grade)}</span></p>`);
  out.push(...lead);
  out.push(`<div class="cards severity-counts">${SEVERITIES.map((sev) => card(s.findings[sev], sev, `sev sev-${sev}`)).join('')}</div>`);
  out.push(`<div class="cards">${[
    card(s.tables, 'tables'), card(s.views, 'views'), card(s.indexes, 'indexes'), card(s.foreignKeys, 'foreign keys'),
    card(s.enums, 'enums'), card(s.functions, 'functions'), card(s.policies, 'policies'),
  ].join('')}</div>`);
  if (s.suppressed > 0) out.push(`<p class="notes">${s.suppressed} finding${s.suppressed === 1 ? '' : 's'} suppressed (listed under Suppressed).</p>`);
  if (result.tenancy) out.push(`<p class="notes">Tenant key <code>${esc(result.tenancy.column)}</code> (${esc(result.tenancy.source)}): ${inline(result.tenancy.evidence)}.</p>`);
  return { id: 'summary', title: 'Summary', html: out.join('\n') };
}

/** The SVG from Graphviz, made ready to inline: no XML prolog, no namespace URLs (HTML needs none). */
export function inlineSvg(svg: string): string {
  return svg
    .replace(/<\?xml[^>]*>\s*/, '')
    .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
    .replace(/<svg width="[^"]*" height="[^"]*"/, (m) => m.replace(/(\d+(?:\.\d+)?)pt/g, '$1'));
}

export function diagramSection(diagram: ErSvg): Section {
  const swatches = Object.entries(SEVERITY_COLORS).map(([sev, color]) => `<span style="border-bottom:3px solid ${color}">${sev}</span>`).join(' ');
  const counts = diagram.shown === diagram.total ? `${diagram.shown} tables` : `${diagram.shown} of ${diagram.total} tables`;
  const elided = diagram.elidedEdges > 0
    ? ` ${diagram.elidedEdges} foreign key${diagram.elidedEdges === 1 ? '' : 's'} into hub tables from other domains are not drawn; each hub says how many.`
    : '';
  return {
    id: 'diagram',
    title: 'ER diagram',
    html: [
      `<div class="diagram">`,
      `<div class="diagram-toolbar needs-js"><button type="button" data-zoom="in" title="Zoom in" aria-label="Zoom in">+</button>` +
        `<button type="button" data-zoom="out" title="Zoom out" aria-label="Zoom out">\u2212</button>` +
        `<button type="button" data-zoom="fit" title="Fit the whole diagram">Fit</button>` +
        `<output id="zoom-level">100%</output><span>Drag to pan, wheel to zoom, click a table for its columns and findings.</span></div>`,
      `<div class="diagram-viewport" id="diagram-viewport"><div class="diagram-stage" id="diagram-stage">${inlineSvg(diagram.svg)}</div></div>`,
      `</div>`,
      `<p class="legend">${esc(counts)}, laid out by Graphviz (${esc(diagram.engine)}). Border colour: worst finding on the table (${swatches}). ` +
        `Edges run from the referenced table (‖ required, o| optional and dashed) to the referencing one (crow's foot: many, bar: one).${esc(elided)}</p>`,
    ].join('\n'),
  };
}

export function diffSections(result: ReviewResult): Section[] {
  const out: Section[] = [];
  if (result.summary.verdict || result.verdictReasons) {
    const reasons = result.verdictReasons ?? [];
    out.push({
      id: 'verdict-reasons',
      title: 'Verdict',
      html: `<p><span class="verdict verdict-${esc(result.summary.verdict ?? '')}">${esc((result.summary.verdict ?? 'none').replace(/-/g, ' '))}</span></p>` +
        (reasons.length > 0 ? `<ul>${reasons.map((r) => `<li>${inline(r)}</li>`).join('')}</ul>` : '<p class="empty">No reasons given.</p>') +
        (result.existingDebt ? `<p class="notes">Existing debt, not blamed on this change: ${result.existingDebt.count} finding${result.existingDebt.count === 1 ? '' : 's'} (${SEVERITIES.filter((s) => (result.existingDebt?.bySeverity[s] ?? 0) > 0).map((s) => `${result.existingDebt?.bySeverity[s]} ${s}`).join(', ') || 'none'}).</p>` : ''),
    });
  }
  if (result.changes) {
    const rows = result.changes.map((c) =>
      `<tr><td>${esc(c.action)}</td><td>${esc(c.object.kind)}</td><td><code>${esc(describeRef(c.object))}</code></td><td>${inline(c.detail)}</td><td>${c.location ? `<code>${esc(formatLocation(c.location, true))}</code>` : ''}</td></tr>`);
    out.push({
      id: 'changes',
      title: `Changes (${result.changes.length})`,
      html: rows.length > 0
        ? `<table class="grid" id="changes-table"><thead><tr><th>Action</th><th>Kind</th><th>Object</th><th>Detail</th><th>Location</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
        : '<p class="empty">The change creates, alters and drops nothing.</p>',
    });
  }
  if (result.migration) {
    const m = result.migration;
    const facts: Array<[string, string]> = [
      ['Files', m.files.map((f) => `<code>${esc(f)}</code>`).join(', ')],
      ['Statements', `${m.statements}${m.failed > 0 ? ` (${m.failed} rejected by Postgres)` : ''}`],
      ['Own transaction', m.transactions ? 'yes' : 'no'],
      ['lock_timeout before locking statements', m.lockTimeout ? 'yes' : 'no'],
      ['CONCURRENTLY statements', String(m.concurrent)],
      ['Data changes', String(m.dataChanges)],
      ['Additive only', m.additive ? 'yes' : 'no'],
    ];
    out.push({ id: 'migration-quality', title: 'Migration quality', html: `<table class="grid"><tbody>${facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>` });
  }
  return out;
}

/** diff: the rollback script, after the findings it may have to undo. */
export function rollbackSection(result: ReviewResult): Section | null {
  if (result.rollback) {
    const r = result.rollback;
    const parts = [
      `<p>${r.verified ? 'Verified: applied to the head schema in the engine, it gives back the base schema exactly.' : 'Not verified.'}</p>`,
    ];
    if (r.problems.length > 0) parts.push(`<ul>${r.problems.map((p) => `<li>${inline(p)}</li>`).join('')}</ul>`);
    if (r.irreversible.length > 0) parts.push(`<h4>Irreversible</h4><ul>${r.irreversible.map((p) => `<li>${inline(p)}</li>`).join('')}</ul>`);
    parts.push(copyable('rollback-sql', 'Rollback SQL', r.sql));
    return { id: 'rollback', title: 'Rollback', html: parts.join('\n') };
  }
  return null;
}

export function healthSection(result: ReviewResult): Section | null {
  const h = result.health;
  if (!h) return null;
  const rows: Array<[string, number | null, number | null]> = [
    ['Tables', h.expected.tables, h.actual.tables],
    ['Indexes', h.expected.indexes, h.actual.indexes],
    ['Foreign keys', h.expected.foreignKeys, h.actual.foreignKeys],
    ['Views', h.expected.views, h.actual.views],
  ];
  if (h.actual.rowEstimate !== null) rows.push(['Rows (estimate)', h.expected.rowEstimate, h.actual.rowEstimate]);
  if (h.actual.totalBytes !== null) rows.push(['Total bytes', h.expected.totalBytes, h.actual.totalBytes]);
  const body = rows.map(([k, e, a]) => `<tr${e !== a ? ' class="differs"' : ''}><th>${esc(k)}</th><td>${e ?? '—'}</td><td>${a ?? '—'}</td></tr>`).join('');
  const largest = h.largest.length > 0
    ? `<h4>Largest tables</h4><table class="grid"><thead><tr><th>Table</th><th>Rows (estimate)</th><th>Bytes</th></tr></thead><tbody>${h.largest.map((t) => `<tr><td><code>${esc(t.table)}</code></td><td>${t.rowEstimate}</td><td>${t.totalBytes}</td></tr>`).join('')}</tbody></table>`
    : '';
  return { id: 'health', title: 'Health', html: `<table class="grid" id="health-table"><thead><tr><th></th><th>Expected</th><th>Actual</th></tr></thead><tbody>${body}</tbody></table>${largest}` };
}

export function auditRunNote(result: ReviewResult): string {
  const run = result.auditRun;
  if (!run) return '';
  const failed = run.checks.filter((c) => c.status !== 'ok');
  const lines = [`<p class="notes">${run.checks.length} check${run.checks.length === 1 ? '' : 's'} ran${run.complete ? '' : ', some did not finish: the audit is partial'}; statement timeout ${run.statementTimeoutMs} ms${run.sample ? `; tables sampled: ${run.sample.tables.map((t) => `<code>${esc(t)}</code>`).join(', ') || 'none'}` : ''}.</p>`];
  if (failed.length > 0) lines.push(`<ul>${failed.map((c) => `<li><code>${esc(c.rule)}</code> ${esc(c.label)}: ${esc(c.status)}${c.error ? ` (${esc(c.error)})` : ''}</li>`).join('')}</ul>`);
  return lines.join('\n');
}

export function suppressedSection(result: ReviewResult): Section | null {
  const list = result.suppressed ?? [];
  if (list.length === 0) return null;
  const rows = list.map((s) =>
    `<tr><td><code>${esc(s.rule)}</code></td><td>${esc(s.severity)}</td><td>${s.objects.map((o) => `<code>${esc(describeRef(o))}</code>`).join(', ')}</td><td>${esc(s.by)}</td><td>${s.reason ? inline(s.reason) : ''}</td></tr>`);
  return {
    id: 'suppressed',
    title: `Suppressed (${list.length})`,
    html: `<details><summary>Findings the team chose not to see</summary><table class="grid"><thead><tr><th>Rule</th><th>Severity</th><th>Objects</th><th>By</th><th>Reason</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`,
  };
}

export function notesSection(result: ReviewResult): Section | null {
  if (result.notes.length === 0) return null;
  return {
    id: 'notes',
    title: 'Notes',
    html: `<ul>${result.notes.map((n) => `<li><span class="pill">${esc(n.kind)}</span> ${inline(n.message)}${n.location ? ` <code>${esc(formatLocation(n.location, true))}</code>` : ''}</li>`).join('')}</ul>`,
  };
}
