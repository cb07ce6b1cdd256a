/** Finding cards, drift cards and the filter bar that shows or hides them. */
import type { Location } from '../../catalog/model.js';
import { describeRef, tableKeysOf } from '../../catalog/helpers.js';
import type { DriftEntry, Finding, ObjectRef, Severity } from '../../result.js';
import { SEVERITIES } from '../../result.js';
import { capabilityLabel, capabilityPriority } from '../actions.js';
import { formatLocation } from '../labels.js';
import { esc, inline } from './escape.js';

/** Anything the filters act on: a finding (review, audit, diff) or a drift entry. */
export interface FilterableItem {
  severity: Severity;
  category: string;
  tables: string[];
}


export function itemAnchor(prefix: string, id: string): string {
  return `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function copyBlock(id: string, title: string, code: string): string {
  return `<div class="fix-head">${esc(title)} <button type="button" class="copy" data-copy="${esc(id)}">Copy</button></div>` +
    `<pre id="${esc(id)}"><code>${esc(code)}</code></pre>`;
}

export function copyable(id: string, title: string, code: string): string {
  return copyBlock(id, title, code);
}

function locationText(loc: Location | null): string {
  return loc ? `<code>${esc(formatLocation(loc, true))}</code>` : '<span class="empty">no location</span>';
}

function itemAttrs(item: FilterableItem, anchorId: string, kind: string): string {
  return `id="${esc(anchorId)}" class="item sev-${item.severity}" data-kind="${kind}" data-severity="${item.severity}" ` +
    `data-category="${esc(item.category)}" data-tables="${esc(JSON.stringify(item.tables))}"`;
}

function objectsList(objects: readonly ObjectRef[]): string {
  return objects.length === 0 ? '<span class="empty">none</span>' : objects.map((o) => `<code>${esc(describeRef(o))}</code>`).join(', ');
}

/** One finding as a card: everything the JSON has, with the fix SQL and ORM snippets copyable. */
export function findingCard(f: Finding, prefix = 'finding'): string {
  const id = itemAnchor(prefix, f.id);
  const capability = f.rule === 'missing-capability';
  const title = capability ? `Missing: ${capabilityLabel(f)}` : f.title;
  const out = [
    `<article ${itemAttrs({ severity: f.severity, category: f.category, tables: tableKeysOf(f.objects) }, id, prefix)}>`,
    `<header><span class="badge">${f.severity}</span> <span class="fid">${esc(f.id)}</span> <h3>${inline(title)}</h3>` +
      `<code class="rule">${esc(f.rule)}</code>${capability ? ` <span class="pill">${capabilityPriority(f)} priority</span>` : ''}</header>`,
    `<dl><dt>Objects</dt><dd>${objectsList(f.objects)}</dd><dt>Location</dt><dd>${locationText(f.location)}</dd><dt>Category</dt><dd>${esc(f.category)}</dd></dl>`,
    `<p class="message">${inline(f.message)}</p>`,
  ];
  if (f.rationale) out.push(`<details><summary>Why it matters</summary><p>${inline(f.rationale)}</p></details>`);
  if (f.fix) {
    out.push(copyBlock(`${id}-fix`, 'Fix', f.fix.sql));
    if (f.fix.notes) out.push(`<p class="notes">${inline(f.fix.notes)}</p>`);
    for (const [orm, snippet] of [['Prisma', f.fix.orm?.prisma], ['Drizzle', f.fix.orm?.drizzle]] as const) {
      if (snippet) out.push(`<details class="orm"><summary>${orm}</summary>${copyBlock(`${id}-${orm.toLowerCase()}`, `${orm} schema change`, snippet)}</details>`);
    }
  }
  out.push('</article>');
  return out.join('\n');
}

/** One drift entry as a card; drift is filterable like findings (category `drift`). */
export function driftCard(d: DriftEntry, index: number): string {
  const id = itemAnchor('drift', `D${index + 1}`);
  const out = [
    `<article ${itemAttrs({ severity: d.severity, category: 'drift', tables: tableKeysOf(d.objects) }, id, 'drift')}>`,
    `<header><span class="badge">${d.severity}</span> <span class="fid">D${index + 1}</span> <h3>${esc(d.kind)}</h3></header>`,
    `<dl><dt>Objects</dt><dd>${objectsList(d.objects)}</dd><dt>Expected</dt><dd>${inline(d.expected)}</dd><dt>Actual</dt><dd>${inline(d.actual)}</dd></dl>`,
  ];
  if (d.fix) out.push(copyBlock(`${id}-fix`, 'Fix', d.fix.sql));
  out.push('</article>');
  return out.join('\n');
}

const SEVERITY_NAMES: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

/** The filter bar: shown only with JavaScript (without it every finding is simply listed). */
export function filterBar(items: readonly FilterableItem[]): string {
  const bySeverity = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
  for (const i of items) bySeverity.set(i.severity, (bySeverity.get(i.severity) ?? 0) + 1);
  const categories = [...new Set(items.map((i) => i.category))].sort();
  const tables = [...new Set(items.flatMap((i) => i.tables))].sort();
  const chips = SEVERITIES.map((s) =>
    `<label class="chip sev-${s}"><input type="checkbox" data-filter-severity value="${s}" checked> ${SEVERITY_NAMES[s]} <span class="n">${bySeverity.get(s) ?? 0}</span></label>`,
  ).join('');
  const option = (value: string, text: string): string => `<option value="${esc(value)}">${esc(text)}</option>`;
  return [
    `<div class="filters needs-js" id="filters" role="search" aria-label="Filter findings">`,
    `<fieldset><legend>Severity</legend>${chips}</fieldset>`,
    `<label>Category <select id="filter-category">${option('', 'All categories')}${categories.map((c) => option(c, c)).join('')}</select></label>`,
    `<label>Table <select id="filter-table">${option('', 'All tables')}${tables.map((t) => option(t, t.startsWith('public.') ? t.slice(7) : t)).join('')}</select></label>`,
    `<button type="button" id="filter-reset">Show all</button>`,
    `<span class="counter" id="filter-count" aria-live="polite">${items.length} of ${items.length} finding${items.length === 1 ? '' : 's'} shown</span>`,
    `</div>`,
  ].join('\n');
}

/** The note a filtered-out section shows instead of going blank. */
export const FILTERED_EMPTY = '<p class="empty filtered-empty" hidden>Nothing here matches the filters.</p>';
