/**
 * The ER diagram as SVG, laid out by Graphviz running as WASM (@hpcc-js/wasm-graphviz): no browser,
 * no network. Used by `docs` (schema.svg) and by the HTML report (inline, pan/zoom, click a table).
 *
 * Contract (the HTML report's script and its browser test rely on it):
 * - every drawn table is one `<g class="node">` whose `id` is `table:<schema>.<name>`;
 * - every drawn foreign key is one `<g class="edge">` whose `id` is `fk:<schema>.<table>.<constraint>`;
 * - the SVG has a viewBox and no external references (fonts, images, links).
 *
 * Notation: an edge runs from the referenced table to the referencing one. At the referenced end
 * `||` means the FK is NOT NULL (exactly one), `o|` that it is nullable (zero or one, and the edge
 * is dashed); at the referencing end a crow's foot means many, a bar means one (a unique FK, 1:1).
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { Catalog, Column, Table } from '../catalog/model.js';
import { anyNullable, foreignKeys, hasUniqueIndexOn, isPartition, primaryKey, userTables } from '../catalog/helpers.js';
import { groupDomains } from './domains.js';

export interface ErSvgOptions {
  /** Only these tables (`schema.name` keys); default: every user table that is not a partition. */
  tables?: readonly string[];
  /** Table keys to draw highlighted (e.g. tables with findings), keyed to the worst severity. */
  highlight?: ReadonlyMap<string, 'critical' | 'high' | 'medium' | 'low' | 'info'>;
  /** Draw every column (docs) or only key columns. Default: every column up to 40 tables, keys beyond. */
  columns?: 'keys' | 'all';
  /**
   * Force a layout (for measurements); default: `dot` up to 40 tables, `osage` beyond. `fdp` is not
   * deterministic after the first layout in a process (@hpcc-js/wasm-graphviz 1.29), so it is never the default.
   */
  engine?: Engine;
}

export type Engine = 'dot' | 'fdp' | 'osage';

export interface ErSvg {
  svg: string;
  /** Tables drawn / tables in the catalog. */
  shown: number;
  total: number;
  /**
   * The Graphviz engine used: `dot` for small schemas; `osage` for large ones, which packs the
   * domain clusters into a grid (dot draws 20 domains as one row 20× wider than tall; fdp is 10×
   * slower and not deterministic).
   */
  engine: Engine;
  /** Foreign keys not drawn as edges (to hub tables in large schemas), each still listed in the docs. */
  elidedEdges: number;
}

/** Above this many tables the diagram clusters by domain, shows key columns only and elides hub edges. */
export const LARGE_DIAGRAM = 40;
/** In a large schema, a table referenced by this many tables is a hub; edges into it from other domains are elided. */
export const HUB_REFERENCES = 8;

export const SEVERITY_COLORS = {
  critical: '#b91c1c',
  high: '#ea580c',
  medium: '#ca8a04',
  low: '#2563eb',
  info: '#64748b',
} as const;

/**
 * Graphviz in WASM cannot measure the fonts a browser will pick; for a monospace font its Courier
 * estimate is right to within 1%, so column names and types never overflow their cells.
 */
const FONT = 'Courier';
const TITLE_FONT = 'Helvetica';
const BORDER = '#94a3b8';

const GRAPH_ATTRS: Record<Engine, string> = {
  dot: 'rankdir=TB nodesep=0.4 ranksep=0.7',
  // Domains packed as a grid, each domain's tables as a grid inside it, in the order written;
  // curved edges: routing splines around 300 tables costs 7 s, curves 1 s.
  osage: 'pack=16 packmode="array_u" splines=curved',
  fdp: 'start=1 K=1.2 sep="+18" overlap=false splines=true',
};

let graphviz: Promise<Graphviz> | null = null;

/** One WASM instance per process: loading it costs more than laying out a small schema. */
async function layout(dot: string, engine: Engine): Promise<string> {
  graphviz ??= Graphviz.load();
  const gv = await graphviz;
  try {
    return gv.layout(dot, 'svg', engine);
  } catch (err) {
    // The library unloads its instance after a failed layout; ours must not outlive it.
    graphviz = null;
    throw err;
  }
}

const keyOf = (t: { schema: string; name: string }): string => `${t.schema}.${t.name}`;
const byKey = (a: Table, b: Table): number => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0);

/** Text for XML (SVG) and for Graphviz's HTML-like labels, which its XML parser reads. */
export function xmlEscape(text: string): string {
  return text
    // Control characters are not allowed in XML 1.0 at all; a quoted identifier may still hold them.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const SHORT_TYPES: Array<[RegExp, string]> = [
  [/^character varying/, 'varchar'],
  [/^timestamp\((\d)\) with time zone/, 'timestamptz($1)'],
  [/^timestamp with time zone/, 'timestamptz'],
  [/^timestamp\((\d)\) without time zone/, 'timestamp($1)'],
  [/^timestamp without time zone/, 'timestamp'],
  [/^time with time zone/, 'timetz'],
  [/^time without time zone/, 'time'],
  [/^double precision/, 'float8'],
  [/^character\b/, 'char'],
];

/** `timestamp with time zone` → `timestamptz`: a diagram row has room for a short type only. */
export function shortType(type: string): string {
  for (const [pattern, short] of SHORT_TYPES) if (pattern.test(type)) return type.replace(pattern, short);
  return type;
}

function columnMarkers(table: Table): Map<string, string[]> {
  const markers = new Map<string, string[]>();
  const add = (column: string, marker: string): void => {
    const list = markers.get(column) ?? [];
    if (!list.includes(marker)) list.push(marker);
    markers.set(column, list);
  };
  for (const c of primaryKey(table)?.columns ?? []) add(c, 'PK');
  for (const fk of foreignKeys(table)) for (const c of fk.columns) add(c, 'FK');
  for (const c of table.columns) if (!markers.get(c.name)?.includes('PK') && hasUniqueIndexOn(table, [c.name])) add(c.name, 'UK');
  return markers;
}

function displayName(t: Table): string {
  return t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
}

/**
 * Text inside an HTML-like label: XML-escaped for Graphviz's parser, and backslashes doubled
 * because Graphviz expands `\N`, `\G`, … in labels even inside HTML.
 */
function labelText(text: string): string {
  return xmlEscape(text).replace(/\\/g, '\\\\');
}

/** Graphviz drops the whole label when an element is empty (`<FONT></FONT>`), so cells get a space. */
function cell(content: string, color?: string): string {
  const inner = content === '' ? ' ' : color ? `<FONT COLOR="${color}">${content}</FONT>` : content;
  return `<TD ALIGN="LEFT">${inner}</TD>`;
}

function row(c: Column, markers: readonly string[]): string {
  const name = markers.includes('PK') ? `<B>${labelText(c.name)}</B>` : labelText(c.name);
  const type = `${shortType(c.type)}${c.notNull ? '' : '?'}`;
  return `<TR>${cell(name)}${cell(labelText(type), '#475569')}${cell(markers.join(' '), '#0f766e')}</TR>`;
}

function label(t: Table, columns: 'keys' | 'all', hubReferences: number): string {
  const markers = columnMarkers(t);
  const drawn = columns === 'all' ? t.columns : t.columns.filter((c) => markers.has(c.name));
  const rows = drawn.map((c) => row(c, markers.get(c.name) ?? []));
  const hidden = t.columns.length - drawn.length;
  if (hidden > 0) rows.push(`<TR><TD ALIGN="LEFT" COLSPAN="3"><FONT COLOR="#64748b"><I>+ ${hidden} more column${hidden === 1 ? '' : 's'}</I></FONT></TD></TR>`);
  if (hubReferences > 0) rows.push(`<TR><TD ALIGN="LEFT" COLSPAN="3"><FONT COLOR="#64748b"><I>← referenced by ${hubReferences} more table${hubReferences === 1 ? '' : 's'}</I></FONT></TD></TR>`);
  const header = `<TR><TD ALIGN="LEFT" COLSPAN="3" BGCOLOR="#e2e8f0"><B>${labelText(displayName(t))}</B></TD></TR>`;
  return `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">${header}${rows.join('')}</TABLE>>`;
}

/** DOT double-quoted string: only `"` needs escaping, and a trailing backslash would eat the quote. */
function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, ' ')}"`;
}

interface Edge {
  id: string;
  title: string;
  from: string;
  to: string;
  attrs: string;
}

/** The DOT source Graphviz lays out, with the opaque names it uses mapped back to the real ids. */
export interface ErDot {
  dot: string;
  realIds: ReadonlyMap<string, { id: string; title: string }>;
  shown: number;
  total: number;
  engine: Engine;
  elidedEdges: number;
}

export function erDot(catalog: Catalog, opts: ErSvgOptions = {}): ErDot {
  const all = userTables(catalog).filter((t) => !isPartition(t));
  const wanted = opts.tables ? new Set(opts.tables) : null;
  const tables = all.filter((t) => !wanted || wanted.has(keyOf(t))).sort(byKey);
  const large = tables.length > LARGE_DIAGRAM;
  const engine = opts.engine ?? (large ? 'osage' : 'dot');
  const columns = opts.columns ?? (large ? 'keys' : 'all');

  // Graphviz sees opaque names (n0, e0); the real ids are put back into the SVG afterwards, so no
  // user string ever passes through DOT's escString expansion (\N, \G, …) or its id escaping.
  const tableByKey = new Map(tables.map((t) => [keyOf(t), t]));
  const nodeName = new Map(tables.map((t, i) => [keyOf(t), `n${i}`]));
  const realIds = new Map<string, { id: string; title: string }>();
  tables.forEach((t, i) => realIds.set(`n${i}`, { id: `table:${keyOf(t)}`, title: displayName(t) }));

  const domainOf = new Map<string, number>();
  const domains = large ? groupDomains(catalog).map((d) => ({ ...d, tables: d.tables.filter((t) => nodeName.has(keyOf(t))) })).filter((d) => d.tables.length > 0) : [];
  domains.forEach((d, i) => d.tables.forEach((t) => domainOf.set(keyOf(t), i)));

  const referrers = new Map<string, number>();
  for (const t of tables) for (const fk of foreignKeys(t)) {
    const target = fk.references ? `${fk.references.schema}.${fk.references.table}` : '';
    if (nodeName.has(target) && target !== keyOf(t)) referrers.set(target, (referrers.get(target) ?? 0) + 1);
  }
  const isHub = (k: string): boolean => large && (referrers.get(k) ?? 0) >= HUB_REFERENCES;

  const edges: Edge[] = [];
  const elidedInto = new Map<string, number>();
  for (const t of tables) {
    for (const fk of [...foreignKeys(t)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!fk.references) continue;
      const target = `${fk.references.schema}.${fk.references.table}`;
      const from = nodeName.get(target);
      if (!from) continue;
      // A hub's edges from every other domain would cross the whole drawing; its own domain keeps them.
      if (isHub(target) && target !== keyOf(t) && domainOf.get(target) !== domainOf.get(keyOf(t))) {
        elidedInto.set(target, (elidedInto.get(target) ?? 0) + 1);
        continue;
      }
      const optional = anyNullable(t, fk.columns);
      const oneToOne = hasUniqueIndexOn(t, fk.columns);
      const id = `e${edges.length}`;
      const title = `${displayName(t)}.${fk.columns.join(', ')} → ${displayName(tableByKey.get(target) ?? t)} (${oneToOne ? '1:1' : '1:N'}${optional ? ', optional' : ''})`;
      edges.push({
        id,
        title,
        from,
        to: nodeName.get(keyOf(t)) as string,
        attrs: `dir=both arrowtail=${optional ? 'teeodot' : 'teetee'} arrowhead=${oneToOne ? 'teeodot' : 'crowodot'}${optional ? ' style=dashed' : ''}`,
      });
      realIds.set(id, { id: `fk:${keyOf(t)}.${fk.name}`, title });
    }
  }

  const node = (t: Table): string => {
    const severity = opts.highlight?.get(keyOf(t));
    const color = severity ? `color="${SEVERITY_COLORS[severity]}" penwidth=2.5` : `color="${BORDER}"`;
    return `${nodeName.get(keyOf(t)) as string} [id=${nodeName.get(keyOf(t)) as string} ${color} label=${label(t, columns, elidedInto.get(keyOf(t)) ?? 0)}];`;
  };

  const lines = [
    'digraph schema {',
    `  graph [${GRAPH_ATTRS[engine]} bgcolor="transparent"];`,
    `  node [shape=box style="rounded,filled" fillcolor="#ffffff" margin=0 fontname="${FONT}" fontsize=11];`,
    `  edge [color="#64748b" arrowsize=0.8 fontname="${FONT}" fontsize=9];`,
  ];
  if (large) {
    const clustered = new Set<string>();
    domains.forEach((d, i) => {
      lines.push(`  subgraph cluster_${i} {`, `    graph [id=c${i} label=${dotString(d.name)} fontname="${TITLE_FONT}" fontsize=40 style="rounded,filled" color="#cbd5e1" fillcolor="#f8fafc" margin=16];`);
      realIds.set(`c${i}`, { id: `domain:${d.name}`, title: d.name });
      for (const t of d.tables) {
        lines.push(`    ${node(t)}`);
        clustered.add(keyOf(t));
      }
      lines.push('  }');
    });
    for (const t of tables) if (!clustered.has(keyOf(t))) lines.push(`  ${node(t)}`);
  } else {
    for (const t of tables) lines.push(`  ${node(t)}`);
  }
  for (const e of edges) lines.push(`  ${e.from} -> ${e.to} [id=${e.id} ${e.attrs}];`);
  lines.push('}');

  const elidedEdges = [...elidedInto.values()].reduce((a, b) => a + b, 0);
  return { dot: lines.join('\n'), realIds, shown: tables.length, total: all.length, engine, elidedEdges };
}

export async function erSvg(catalog: Catalog, opts: ErSvgOptions = {}): Promise<ErSvg> {
  const { dot, realIds, shown, total, engine, elidedEdges } = erDot(catalog, opts);
  const raw = await layout(dot, engine);
  return { svg: finishSvg(raw, realIds), shown, total, engine, elidedEdges };
}

/** Puts the real ids and titles back, and drops what a self-contained SVG must not carry. */
function finishSvg(raw: string, realIds: ReadonlyMap<string, { id: string; title: string }>): string {
  const body = raw
    .replace(/<\?xml[^>]*>\s*/, '')
    // The DOCTYPE points at the W3C DTD (an external reference) and the comments only repeat names.
    .replace(/<!DOCTYPE[^>]*>\s*/, '')
    .replace(/<!--[\s\S]*?-->\s*/g, '')
    .replace(/<g id="([^"]+)" class="(node|edge|cluster)">\s*<title>[^<]*<\/title>/g, (whole, id: string, cls: string) => {
      const real = realIds.get(id);
      if (!real) return whole;
      return `<g id="${xmlEscape(real.id)}" class="${cls}"><title>${xmlEscape(real.title)}</title>`;
    })
    // The SVG's own title is the graph name; a document title is more useful to a reader.
    .replace(/<title>schema<\/title>/, '<title>Schema</title>');
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n${body.trim()}\n`;
}
