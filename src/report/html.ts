/**
 * The HTML report: one self-contained file (inline CSS, JS and SVG; no network) for review, diff,
 * check, audit and docs. The ER diagram pans, zooms, and shows a table's columns and findings on
 * click; findings filter by severity, category and table; every fix has a copy button.
 *
 * Every user string goes through esc()/inline() (src/report/html/escape.ts); the data for the
 * script is JSON in a `<script type="application/json">` with `<` escaped.
 */
import { tableKeysOf } from '../catalog/helpers.js';
import type { DocsModel } from '../docs/model.js';
import type { Finding } from '../result.js';
import type { ErSvg } from './er-svg.js';
import type { RenderInput } from './index.js';
import { CLIENT_SCRIPT } from './html/client.js';
import { reportData } from './html/data.js';
import { docsSections } from './html/docs.js';
import { esc, scriptJson } from './html/escape.js';
import { driftCard, FILTERED_EMPTY, filterBar, findingCard, type FilterableItem } from './html/findings.js';
import {
  auditRunNote, diagramSection, diffSections, header, healthSection, notesSection, pageTitle, rollbackSection, summary, suppressedSection,
  type Section,
} from './html/sections.js';
import { STYLE } from './html/style.js';

export interface HtmlOptions {
  /** The diagram to embed (null: the report has no diagram, e.g. an empty schema). */
  diagram: ErSvg | null;
  /** `docs` renders the documentation (decisions, relationships, per-table sections) instead of a review. */
  docs?: DocsModel;
}

const CAPABILITY_RULE = 'missing-capability';

function filterable(section: Section): Section {
  return { ...section, html: `${section.html}\n${FILTERED_EMPTY}` };
}

function findingSections(input: RenderInput): { sections: Section[]; items: FilterableItem[] } {
  const { result } = input;
  const items: FilterableItem[] = [];
  const track = (f: Finding): void => {
    items.push({ severity: f.severity, category: f.category, tables: tableKeysOf(f.objects) });
  };
  const sections: Section[] = [];
  const design = result.findings.filter((f) => f.rule !== CAPABILITY_RULE);
  const missing = result.findings.filter((f) => f.rule === CAPABILITY_RULE);
  // check reports drift, not findings; a findings section there would always say "none".
  if (result.command !== 'check' || design.length > 0) {
    design.forEach(track);
    const title = result.command === 'diff' ? 'Findings on this change' : 'Findings';
    sections.push(filterable({
      id: 'findings',
      title: `${title} (${design.length})`,
      html: design.length > 0 ? design.map((f) => findingCard(f)).join('\n') : '<p class="empty">No findings.</p>',
    }));
  }
  if (missing.length > 0) {
    missing.forEach(track);
    sections.push(filterable({
      id: 'missing',
      title: `Missing elements (${missing.length})`,
      html: `<p>What an application like this needs and the schema lacks, with DDL that follows the schema's own conventions.</p>\n${missing.map((f) => findingCard(f)).join('\n')}`,
    }));
  }
  if (result.drift) {
    for (const d of result.drift) items.push({ severity: d.severity, category: 'drift', tables: tableKeysOf(d.objects) });
    sections.push(filterable({
      id: 'drift',
      title: `Drift (${result.drift.length})`,
      html: result.drift.length > 0 ? result.drift.map(driftCard).join('\n') : '<p class="empty">The schema matches the expected design.</p>',
    }));
  }
  if (result.audit) {
    result.audit.forEach(track);
    sections.push(filterable({
      id: 'audit',
      title: `Data audit (${result.audit.length})`,
      html: `${auditRunNote(result)}\n${result.audit.length > 0 ? result.audit.map((f) => findingCard(f, 'audit')).join('\n') : '<p class="empty">The data obeys every rule that was checked.</p>'}`,
    }));
  }
  return { sections, items };
}

function renderSection(s: Section, attrs = ''): string {
  return `<section id="${esc(s.id)}"${attrs}>\n<h2>${esc(s.title)}</h2>\n${s.html}\n</section>`;
}

export function renderHtml(input: RenderInput, opts: HtmlOptions): string {
  const { result, catalog } = input;
  const docs = opts.docs;
  const title = pageTitle(result, docs?.title);
  const { sections: findings, items } = findingSections(input);

  const before: Section[] = [summary(result)];
  if (docs) before.push(...docsSections(docs, result, catalog).slice(0, 2));
  if (opts.diagram) before.push(diagramSection(opts.diagram));
  if (result.command === 'diff') before.push(...diffSections(result));
  const health = healthSection(result);
  if (health) before.push(health);
  const after: Section[] = docs ? docsSections(docs, result, catalog).slice(2) : [];
  for (const s of [rollbackSection(result), suppressedSection(result), notesSection(result)]) if (s) after.push(s);

  const all = [...before, ...findings, ...after];
  const toc = all.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('');
  const body = [
    ...before.map((s) => renderSection(s)),
    // The filter bar sticks while the findings scroll by, and only then: the wrapper bounds it.
    `<div class="filtered">${items.length > 0 ? filterBar(items) : ''}`,
    ...findings.map((s) => renderSection(s, ' data-filterable')),
    '</div>',
    ...after.map((s) => renderSection(s)),
  ].filter((s) => s !== '');

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may load from anywhere: a report opened from a CI artefact must work offline and leak nothing.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    header(result, title),
    `<nav class="toc" aria-label="Sections">${toc}</nav>`,
    '<main>',
    ...body,
    '</main>',
    `<aside id="panel" hidden aria-label="Table details"><button type="button" class="close" aria-label="Close">Close</button><div id="panel-body"></div></aside>`,
    `<script type="application/json" id="report-data">${scriptJson(reportData(result, catalog, docs !== undefined))}</script>`,
    `<script>${CLIENT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
