/** The documentation sections of the HTML (the `docs` command): decisions, domains, one section per table. */
import type { Catalog, Table } from '../../catalog/model.js';
import { isPartition, tableKeysOf, userTables } from '../../catalog/helpers.js';
import type { DocsModel, Relation } from '../../docs/model.js';
import type { Finding, ReviewResult } from '../../result.js';
import { anchor, esc, inline } from './escape.js';
import { itemAnchor } from './findings.js';
import type { Section } from './sections.js';

const keyOf = (t: { schema: string; name: string }): string => `${t.schema}.${t.name}`;
const label = (key: string): string => (key.startsWith('public.') ? key.slice(7) : key);
const tableLink = (key: string): string => `<a href="#${anchor('table', key)}"><code>${esc(label(key))}</code></a>`;

function overviewSection(model: DocsModel): Section {
  return { id: 'overview', title: 'Overview', html: `<p>${inline(model.overview)}</p>` };
}

function decisionsSection(model: DocsModel): Section {
  const html = model.decisions.length === 0
    ? '<p class="empty">No architecture decisions detected.</p>'
    : model.decisions.map((d) => [
      `<div class="decision" data-topic="${esc(d.topic)}"><h3>${esc(d.title)}</h3><p>${inline(d.summary)}</p>`,
      d.evidence.length > 0 ? `<ul>${d.evidence.map((e) => `<li>${inline(e)}</li>`).join('')}</ul>` : '',
      d.exceptions.length > 0 ? `<p class="notes">Exceptions: ${d.exceptions.map((e) => `<code>${esc(e)}</code>`).join(', ')}</p>` : '',
      '</div>',
    ].join('')).join('\n');
  return { id: 'decisions', title: 'Architecture decisions', html };
}

function domainsSection(model: DocsModel): Section {
  const purpose = new Map(model.tables.map((t) => [t.key, t.purpose]));
  const html = model.domains.map((d) =>
    `<h3>${esc(d.name)} <span class="pill">${d.tables.length} table${d.tables.length === 1 ? '' : 's'}</span></h3>` +
    `<table class="grid"><tbody>${d.tables.map((k) => `<tr><td>${tableLink(k)}</td><td>${inline(purpose.get(k) ?? '')}</td></tr>`).join('')}</tbody></table>`,
  ).join('\n');
  return { id: 'domains', title: 'Domains', html };
}

function relationLine(r: Relation, key: string): string {
  const parent = `${r.parent.schema}.${r.parent.table}`;
  const child = `${r.child.schema}.${r.child.table}`;
  const optional = r.optional ? ', optional' : '';
  if (r.cardinality === 'M:N' && r.via) {
    const other = parent === key ? child : parent;
    return `<li><span class="pill">M:N</span> with ${tableLink(other)} through ${tableLink(`${r.via.schema}.${r.via.table}`)}</li>`;
  }
  const cols = (c: string[]): string => c.map((x) => `<code>${esc(x)}</code>`).join(', ');
  if (child === key) {
    return `<li><span class="pill">${esc(r.cardinality === '1:1' ? '1:1' : 'N:1')}</span> ${cols(r.child.columns)} → ${tableLink(parent)} (${cols(r.parent.columns)})${optional}, on delete ${esc(r.onDelete)}</li>`;
  }
  return `<li><span class="pill">${esc(r.cardinality)}</span> ${tableLink(child)} (${cols(r.child.columns)}) references this table${optional}, on delete ${esc(r.onDelete)}</li>`;
}

function grid(head: readonly string[], rows: readonly string[][]): string {
  if (rows.length === 0) return '<p class="empty">None.</p>';
  return `<table class="grid"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const code = (text: string | null): string => (text ? `<code>${esc(text)}</code>` : '');

function tableSection(t: Table, model: DocsModel, findings: readonly { f: Finding; prefix: string }[]): string {
  const key = keyOf(t);
  const doc = model.tables.find((x) => x.key === key);
  const relations = model.relations.filter((r) =>
    `${r.parent.schema}.${r.parent.table}` === key || `${r.child.schema}.${r.child.table}` === key || (r.via && `${r.via.schema}.${r.via.table}` === key));
  const out = [
    `<section class="docs-table" id="${anchor('table', key)}" data-table="${esc(key)}">`,
    `<h3>${esc(label(key))}${doc?.domain ? ` <span class="pill">${esc(doc.domain)}</span>` : ''}</h3>`,
    doc ? `<p>${inline(doc.purpose)}</p>` : '',
    t.comment && doc?.purposeFrom !== 'comment' ? `<p class="notes">${esc(t.comment)}</p>` : '',
    '<h4>Columns</h4>',
    grid(['Name', 'Type', 'Null', 'Default', 'Comment'], t.columns.map((c) => [
      code(c.name), esc(c.type), c.notNull ? 'not null' : 'null', code(c.default ?? (c.identity ? `identity (${c.identity})` : c.generated ? `generated: ${c.generated}` : null)), c.comment ? esc(c.comment) : '',
    ])),
    '<h4>Constraints</h4>',
    grid(['Name', 'Type', 'Definition'], t.constraints.map((c) => [code(c.name), esc(c.type), code(c.definition)])),
    '<h4>Indexes</h4>',
    grid(['Name', 'Definition'], t.indexes.map((i) => [code(i.name), code(i.definition)])),
    '<h4>Relationships</h4>',
    relations.length > 0 ? `<ul>${relations.map((r) => relationLine(r, key)).join('')}</ul>` : '<p class="empty">None.</p>',
  ];
  if (t.rlsEnabled || t.policies.length > 0) {
    out.push(`<h4>Row level security${t.rlsEnabled ? '' : ' (disabled)'}</h4>`,
      grid(['Policy', 'Command', 'Roles', 'Using', 'With check'], t.policies.map((p) => [code(p.name), esc(p.command), esc(p.roles.join(', ')), code(p.using), code(p.withCheck)])));
  }
  if (t.triggers.length > 0) {
    out.push('<h4>Triggers</h4>', grid(['Name', 'When', 'Function'], t.triggers.map((tr) => [code(tr.name), esc(`${tr.timing} ${tr.events.join(' or ')} for each ${tr.level}`), code(`${tr.functionSchema}.${tr.functionName}()`)])));
  }
  out.push('<h4>Findings</h4>', findings.length === 0
    ? '<p class="empty">No findings on this table.</p>'
    : `<ul>${findings.map(({ f, prefix }) => `<li class="sev-${f.severity}"><span class="badge">${f.severity}</span> <a href="#${itemAnchor(prefix, f.id)}"><strong>${esc(f.id)}</strong></a> ${inline(f.title)}</li>`).join('')}</ul>`);
  out.push('</section>');
  return out.join('\n');
}

export function docsSections(model: DocsModel, result: ReviewResult, catalog: Catalog): Section[] {
  const byTable = new Map<string, Array<{ f: Finding; prefix: string }>>();
  for (const [list, prefix] of [[result.findings, 'finding'], [result.audit ?? [], 'audit']] as const) {
    for (const f of list) for (const k of tableKeysOf(f.objects)) byTable.set(k, [...(byTable.get(k) ?? []), { f, prefix }]);
  }
  const tables = userTables(catalog).filter((t) => !isPartition(t)).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  return [
    overviewSection(model),
    decisionsSection(model),
    domainsSection(model),
    { id: 'tables', title: `Tables (${tables.length})`, html: tables.map((t) => tableSection(t, model, byTable.get(keyOf(t)) ?? [])).join('\n') },
  ];
}
