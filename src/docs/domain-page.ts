/**
 * One page per domain (`domains/<slug>.md`): its Mermaid diagram (at most
 * MAX_DOMAIN_DIAGRAM_ENTITIES entities; tables of other domains that its foreign keys reach are
 * drawn bare so no edge is lost), its tables with their purposes, and the relationships that touch it.
 */
import { code, fenced, joinAnd, table } from '../report/markdown.js';
import { erDiagram } from '../report/mermaid.js';
import { linkPath, MARKER, MAX_ALL_COLUMNS_TABLES, MAX_DOMAIN_DIAGRAM_ENTITIES, purposeCell, README, tableLink, type DocsContext } from './context.js';
import type { DocsDomain, Relation } from './model.js';
import { tableKey } from './relations.js';

function diagramSection(ctx: DocsContext, d: DocsDomain): string[] {
  const diagram = erDiagram(ctx.catalog, {
    tables: d.tables,
    referenced: true,
    max: MAX_DOMAIN_DIAGRAM_ENTITIES,
    columns: d.tables.length <= MAX_ALL_COLUMNS_TABLES ? 'all' : 'keys',
  });
  const inside = new Set(d.tables);
  const hasEdges = d.tables.some((k) => k in diagram.entities && (ctx.relations.get(k)?.out ?? []).some((r) => tableKey(r.parent) in diagram.entities));
  // Unrelated tables (the "Other" domain) make a grid of boxes, not a diagram.
  if (!hasEdges && d.tables.length > 1) return [];
  const notes: string[] = [];
  if (diagram.shown < diagram.total) notes.push(`Showing the ${diagram.shown} most connected of its ${diagram.total} tables (a diagram is capped at ${MAX_DOMAIN_DIAGRAM_ENTITIES} entities); every table is listed below.`);
  const bare = Object.keys(diagram.entities).filter((k) => !inside.has(k));
  if (bare.length > 0) {
    const names = bare.map((k) => code(k.startsWith('public.') ? k.slice(7) : k));
    notes.push(`${joinAnd(names.length > 4 ? [...names.slice(0, 4), `${names.length - 4} more`] : names)} ${names.length === 1 ? 'is' : 'are'} drawn without columns: this domain's foreign keys point at ${names.length === 1 ? 'it' : 'them'} from outside.`);
  }
  // Referenced from shown tables but left out for size, or absent from the catalog (--schema).
  const referenced = new Set(d.tables.filter((k) => k in diagram.entities).flatMap((k) => (ctx.relations.get(k)?.out ?? []).map((r) => tableKey(r.parent))).filter((k) => !inside.has(k)));
  const missing = [...referenced].filter((k) => !(k in diagram.entities)).length;
  if (missing > 0) notes.push(`Foreign keys to ${missing} more ${missing === 1 ? 'table' : 'tables'} outside the domain are not drawn; the relationships below list them.`);
  const out = ['## Diagram', ''];
  if (notes.length > 0) out.push(notes.join(' '), '');
  out.push(fenced('mermaid', diagram.source), '');
  return out;
}

function relationRows(ctx: DocsContext, from: string, d: DocsDomain): string[][] {
  const inside = new Set(d.tables);
  const seen = new Set<Relation>();
  const rows: string[][] = [];
  for (const k of d.tables) {
    const rels = ctx.relations.get(k);
    for (const r of [...(rels?.out ?? []), ...(rels?.in ?? []), ...(rels?.manyToMany ?? [])]) {
      if (seen.has(r)) continue;
      seen.add(r);
      const parent = tableLink(ctx, from, r.parent.schema, r.parent.table);
      const child = tableLink(ctx, from, r.child.schema, r.child.table);
      const crosses = !inside.has(tableKey(r.parent)) || !inside.has(tableKey(r.child));
      const via = r.cardinality === 'M:N' && r.via
        ? `through ${tableLink(ctx, from, r.via.schema, r.via.table)}`
        : `${r.child.columns.map(code).join(', ')}${r.optional ? ' (optional)' : ''}`;
      rows.push([parent, r.cardinality, child, via, r.cardinality === 'M:N' ? '—' : r.onDelete.toUpperCase(), crosses ? 'yes' : '']);
    }
  }
  return rows;
}

export function renderDomainPage(ctx: DocsContext, d: DocsDomain): string {
  const from = `domains/${d.slug}.md`;
  const out = [MARKER, `# Domain: ${d.name}`, '', `[← ${ctx.model.title}](${linkPath(from, README)})`, ''];
  const root = d.tables[0];
  if (d.name === 'Other') out.push(`${d.tables.length} ${d.tables.length === 1 ? 'table' : 'tables'} outside any cluster of foreign keys or shared name prefixes.`, '');
  else if (root) out.push(`${code(root.startsWith('public.') ? root.slice(7) : root)} and ${d.tables.length - 1} ${d.tables.length - 1 === 1 ? 'table' : 'tables'} around it, grouped by foreign keys and shared name prefixes.`, '');
  out.push(...diagramSection(ctx, d));
  out.push('## Tables', '', table(['Table', 'Purpose'], d.tables.map((k) => {
    const info = ctx.tableInfo.get(k);
    return [info ? tableLink(ctx, from, info.schema, info.name) : code(k), purposeCell(ctx, k)];
  })), '');
  const rows = relationRows(ctx, from, d);
  if (rows.length > 0) {
    out.push('## Relationships', '', 'Every relationship with at least one end in this domain; "Crosses" marks those that reach another domain.', '');
    out.push(table(['From', 'Cardinality', 'To', 'Via', 'On delete', 'Crosses'], rows), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
