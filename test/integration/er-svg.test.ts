/**
 * The SVG ER diagram, from catalogs Postgres (PGlite) built, laid out by the real Graphviz WASM.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { foreignKeys, isPartition, userTables } from '../../src/catalog/helpers.js';
import { erSvg, HUB_REFERENCES, SEVERITY_COLORS } from '../../src/report/er-svg.js';
import { catalogFromSql, closeEngines } from '../support/engine.js';

afterAll(closeEngines);

/** A small XML well-formedness check: balanced tags, quoted attributes, no raw `<` or stray `&` in text. */
function xmlProblems(svg: string): string[] {
  const problems: string[] = [];
  const body = svg.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(body)) !== null) {
    if (m[0] === '<' || m[0] === '&') {
      problems.push(`stray ${m[0]} at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
      continue;
    }
    const [, close, name, , selfClose] = m;
    if (selfClose) continue;
    if (close) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}>`);
    } else {
      stack.push(name as string);
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  return problems;
}

const nodeIds = (svg: string): string[] => [...svg.matchAll(/<g id="([^"]+)" class="node">/g)].map((m) => m[1] as string);
const edgeIds = (svg: string): string[] => [...svg.matchAll(/<g id="([^"]+)" class="edge">/g)].map((m) => m[1] as string);
const unescapeXml = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
/** The markup of one `<g>` element (node or edge) by its id. */
function group(svg: string, id: string): string {
  const start = svg.indexOf(`<g id="${id}"`);
  if (start < 0) return '';
  return svg.slice(start, svg.indexOf('</g>', start));
}

const SHOP = `
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, note text);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  referrer_id bigint REFERENCES customers (id),
  placed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE order_notes (order_id bigint PRIMARY KEY REFERENCES orders (id), body text NOT NULL);
CREATE TABLE events (id bigint, happened_at timestamptz NOT NULL) PARTITION BY RANGE (happened_at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
`;

describe('erSvg on a small schema', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = await catalogFromSql(SHOP, { file: 'shop.sql' });
  });

  it('draws one node per table (partitions through their parent) and one edge per foreign key, with the id contract', async () => {
    const d = await erSvg(catalog);
    expect(xmlProblems(d.svg)).toEqual([]);
    expect(d.svg).toMatch(/<svg[^>]* viewBox="0(\.0+)? 0(\.0+)? [\d.]+ [\d.]+"/);
    expect(nodeIds(d.svg).sort()).toEqual(['table:public.customers', 'table:public.events', 'table:public.order_notes', 'table:public.orders']);
    expect(nodeIds(d.svg)).not.toContain('table:public.events_2024');
    expect(edgeIds(d.svg).sort()).toEqual([
      'fk:public.order_notes.order_notes_order_id_fkey',
      'fk:public.orders.orders_customer_id_fkey',
      'fk:public.orders.orders_referrer_id_fkey',
    ]);
    expect(d).toMatchObject({ engine: 'dot', shown: 4, total: 4, elidedEdges: 0 });
  });

  it('has no external references: no DOCTYPE, no links, no images, no fonts to fetch', async () => {
    const { svg } = await erSvg(catalog);
    expect(svg).not.toMatch(/<!DOCTYPE|<image|<a |xlink:href|href=|@import|url\(/);
    // Namespace declarations are names, not fetches; nothing else may look like a URL.
    expect(svg.replace(/xmlns(:xlink)?="[^"]*"/g, '')).not.toMatch(/https?:\/\//);
  });

  it('dashes optional (nullable) foreign keys only, and says 1:1 for a unique foreign key', async () => {
    const { svg } = await erSvg(catalog);
    const optional = group(svg, 'fk:public.orders.orders_referrer_id_fkey');
    const required = group(svg, 'fk:public.orders.orders_customer_id_fkey');
    const oneToOne = group(svg, 'fk:public.order_notes.order_notes_order_id_fkey');
    expect(optional).toContain('stroke-dasharray');
    expect(required).not.toContain('stroke-dasharray');
    expect(optional).toMatch(/<title>orders\.referrer_id → customers \(1:N, optional\)<\/title>/);
    expect(required).toMatch(/<title>orders\.customer_id → customers \(1:N\)<\/title>/);
    expect(oneToOne).toMatch(/\(1:1\)/);
  });

  it('draws every column of a small schema, only key columns on request, with PK/FK/UK markers', async () => {
    const all = await erSvg(catalog);
    const customers = group(all.svg, 'table:public.customers');
    expect(customers).toMatch(/>note</);
    expect(customers).toMatch(/>UK</);
    const keys = await erSvg(catalog, { columns: 'keys' });
    const keyCustomers = group(keys.svg, 'table:public.customers');
    expect(keyCustomers).not.toMatch(/>note</);
    expect(keyCustomers).toMatch(/>email</);
    expect(keyCustomers).toMatch(/\+ 1 more column</);
    expect(group(keys.svg, 'table:public.orders')).toMatch(/>PK</);
    expect(group(keys.svg, 'table:public.orders')).toMatch(/>FK</);
  });

  it('colours the border of highlighted tables by their worst severity, and only theirs', async () => {
    const { svg } = await erSvg(catalog, { highlight: new Map([['public.orders', 'critical']]) });
    expect(group(svg, 'table:public.orders')).toContain(`stroke="${SEVERITY_COLORS.critical}"`);
    expect(group(svg, 'table:public.customers')).not.toContain(`stroke="${SEVERITY_COLORS.critical}"`);
  });

  it('draws only the requested tables and the edges between them', async () => {
    const d = await erSvg(catalog, { tables: ['public.orders', 'public.customers'] });
    expect(nodeIds(d.svg).sort()).toEqual(['table:public.customers', 'table:public.orders']);
    expect(edgeIds(d.svg)).toHaveLength(2);
    expect(d).toMatchObject({ shown: 2, total: 4 });
  });

  it('gives the same bytes for the same catalog', async () => {
    expect((await erSvg(catalog)).svg).toBe((await erSvg(catalog)).svg);
  });
});

describe('erSvg with odd names', () => {
  it('escapes names for DOT and XML: markup, quotes, backslashes and Graphviz escapes come out as text', async () => {
    const catalog = await catalogFromSql(`
      CREATE SCHEMA "we ird";
      CREATE TABLE "we ird"."<img src=x onerror=alert(1)>" (id int PRIMARY KEY, "a""b&c\\N" text, "]]>--" int);
      CREATE TABLE "we ird"."child\\G" (id int PRIMARY KEY, parent_id int REFERENCES "we ird"."<img src=x onerror=alert(1)>" (id));
    `, { file: 'odd.sql' });
    const { svg } = await erSvg(catalog);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).not.toContain('<img');
    const ids = nodeIds(svg).map(unescapeXml).sort();
    expect(ids).toEqual(['table:we ird.<img src=x onerror=alert(1)>', 'table:we ird.child\\G']);
    expect(edgeIds(svg).map(unescapeXml)).toEqual(['fk:we ird.child\\G.child\\G_parent_id_fkey']);
    // Graphviz would expand \N to the node name and \G to the graph name; the text must stay literal.
    expect(svg).toContain('a&quot;b&amp;c\\N');
    expect(svg).toContain('we ird.child\\G');
    expect(svg).toMatch(/\]\]&gt;(--|&#45;&#45;)/);
  });
});

describe('erSvg on the 300+-table fixture', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    const file = resolve(import.meta.dirname, '../fixtures/large/schema.sql');
    catalog = await catalogFromSql(readFileSync(file, 'utf8'), { file });
  });

  it('clusters by domain, draws key columns only and every table, and elides hub edges from other domains', async () => {
    const t0 = performance.now();
    const d = await erSvg(catalog);
    const ms = performance.now() - t0;
    const tables = userTables(catalog).filter((t) => !isPartition(t));
    expect(tables.length).toBeGreaterThan(300);
    expect(xmlProblems(d.svg)).toEqual([]);
    expect(d.engine).toBe('osage');
    expect(d.shown).toBe(tables.length);
    expect(nodeIds(d.svg)).toHaveLength(tables.length);
    const clusters = [...d.svg.matchAll(/<g id="domain:[^"]+" class="cluster"><title>([^<]+)<\/title>/g)].map((m) => m[1]);
    expect(clusters.length).toBeGreaterThan(5);

    // Every FK between drawn tables is either an edge or counted as elided.
    const fks = tables.flatMap((t) => foreignKeys(t).filter((fk) => fk.references && tables.some((x) => x.schema === fk.references?.schema && x.name === fk.references?.table)));
    expect(edgeIds(d.svg).length + d.elidedEdges).toBe(fks.length);
    expect(d.elidedEdges).toBeGreaterThan(0);

    // Only hubs lose edges, and the hub says how many.
    const referrers = new Map<string, number>();
    for (const fk of fks) referrers.set(`${fk.references?.schema}.${fk.references?.table}`, (referrers.get(`${fk.references?.schema}.${fk.references?.table}`) ?? 0) + 1);
    const hubs = [...referrers].filter(([, n]) => n >= HUB_REFERENCES).map(([k]) => k);
    expect(hubs.length).toBeGreaterThan(0);
    const drawn = new Set(edgeIds(d.svg));
    const hubSet = new Set(hubs);
    const notHub = tables.flatMap((t) => foreignKeys(t).filter((fk) => fk.references && !hubSet.has(`${fk.references.schema}.${fk.references.table}`) && referrers.has(`${fk.references.schema}.${fk.references.table}`)).map((fk) => `fk:${t.schema}.${t.name}.${fk.name}`));
    expect(notHub.filter((id) => !drawn.has(id))).toEqual([]);
    expect(group(d.svg, 'table:public.organizations')).toMatch(/referenced by \d+ more tables/);

    // Key columns only: a wide table shows "+ N more columns".
    expect(d.svg).toMatch(/\+ \d+ more columns/);
    console.log(`erSvg: ${tables.length} tables, ${edgeIds(d.svg).length} edges drawn, ${d.elidedEdges} elided, ${clusters.length} domains, ${Math.round(ms)} ms`);
  });

  it('is deterministic on the large fixture too', async () => {
    const a = await erSvg(catalog);
    const b = await erSvg(catalog);
    expect(a.svg).toBe(b.svg);
  });

  it('does not elide anything from a schema of 40 tables or fewer, even with a hub', async () => {
    const hubbed = await catalogFromSql([
      'CREATE TABLE users (id int PRIMARY KEY);',
      ...Array.from({ length: 12 }, (_, i) => `CREATE TABLE t${i} (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users (id));`),
    ].join('\n'));
    const d = await erSvg(hubbed);
    expect(d).toMatchObject({ engine: 'dot', elidedEdges: 0, shown: 13 });
    expect(edgeIds(d.svg)).toHaveLength(12);
    expect(d.svg).not.toContain('class="cluster"');
  });
});
