/**
 * The HTML report as a string: escaping, self-containment, the embedded data, and which sections
 * each command gets. The browser test (test/browser/html-report.test.ts) covers what a person sees.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { buildDocsModel } from '../../src/docs/model.js';
import { erSvg, type ErSvg } from '../../src/report/er-svg.js';
import { renderHtml } from '../../src/report/html.js';
import { renderReport } from '../../src/report/index.js';
import type { DriftEntry, Finding } from '../../src/result.js';
import { col, pk, table } from '../support/build.js';
import { finding, resultFor, shopCatalog, shopFindings } from '../fixtures/report/shop.js';

const XSS = '<img src=x onerror=alert(1)>';
const SCRIPT = '</script><script>alert(2)</script>';

let diagram: ErSvg;
beforeAll(async () => {
  diagram = await erSvg(shopCatalog());
});

function sectionIds(html: string): string[] {
  return [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1] as string).filter((id) => !id.startsWith('t-') && !id.startsWith('table-'));
}

function reportData(html: string): { command: string; tables: Record<string, { label: string; columns: Array<{ name: string; type: string }>; findings: Array<{ id: string; anchor: string }>; section?: string }> } {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no report data');
  return JSON.parse(m[1] as string);
}

const capability = (id: string): Finding => finding(id, 'missing-capability', 'medium', {
  category: 'completeness', title: 'Missing: Refresh tokens', details: { capability: 'refresh-tokens', priority: 'high' },
  objects: [{ kind: 'table', schema: 'public', name: 'refresh_tokens' }], fix: { sql: 'CREATE TABLE refresh_tokens (id bigint PRIMARY KEY);' },
});

const drift: DriftEntry[] = [
  { kind: 'missing-table', severity: 'high', objects: [{ kind: 'table', schema: 'public', name: 'coupons' }], expected: 'coupons', actual: 'absent', fix: { sql: 'CREATE TABLE coupons (code text PRIMARY KEY);' } },
  { kind: 'extra-column', severity: 'low', objects: [{ kind: 'column', schema: 'public', table: 'orders', name: 'legacy_ref' }], expected: 'absent', actual: 'orders.legacy_ref', fix: null },
];

function hostileCatalog(): Catalog {
  const cat = shopCatalog();
  cat.tables.push(table(XSS, [col(SCRIPT, 'text', { comment: SCRIPT, default: `'${XSS}'::text` }), col('id', 'integer', { notNull: true })], {
    constraints: [pk(['id'], `${XSS}_pkey`)], comment: `Comment ${XSS}`,
  }));
  return cat;
}

describe('renderHtml escaping', () => {
  it('shows hostile names, comments, messages and SQL only as text', async () => {
    const cat = hostileCatalog();
    const hostile = finding('H9', 'no-primary-key', 'high', {
      title: `Title ${XSS}`, message: `Message \`${XSS}\` and ${SCRIPT}`, rationale: `Why ${SCRIPT}`, category: `cat${XSS}`,
      objects: [{ kind: 'table', schema: 'public', name: XSS }], location: { file: `dir/${XSS}.sql`, line: 3, column: 1 },
      fix: { sql: `ALTER TABLE "${XSS}" ADD PRIMARY KEY (id); -- ${SCRIPT}`, notes: `Notes ${XSS}`, orm: { prisma: `model X { /* ${SCRIPT} */ }`, drizzle: `pgTable('${XSS}')` } },
    });
    const result = resultFor([...shopFindings(), hostile], { source: { kind: 'sql', path: `"><svg onload=alert(3)>.sql`, layout: null } });
    const html = renderHtml({ result, catalog: cat }, { diagram: await erSvg(cat, { highlight: new Map([[`public.${XSS}`, 'high']]) }) });

    expect(html).not.toContain('<img');
    expect(html).not.toContain('<svg onload');
    expect(html).not.toContain('alert(2)</script>');
    // Exactly our two scripts: the JSON data and the client.
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Title &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;');

    // The data survives the escaping intact.
    const data = reportData(html);
    const t = data.tables[`public.${XSS}`];
    expect(t?.label).toBe(XSS);
    expect(t?.columns.map((c) => c.name)).toContain(SCRIPT);
    expect(t?.findings.map((f) => f.id)).toEqual(['H9']);
  });

  it('renders the Markdown subset of messages (`code`, **bold**) as markup around escaped text', () => {
    const f = finding('M1', 'x', 'medium', { message: 'Use `a<b` and **not** <b>this</b>' });
    const html = renderHtml({ result: resultFor([f]), catalog: shopCatalog() }, { diagram: null });
    expect(html).toContain('Use <code>a&lt;b</code> and <strong>not</strong> &lt;b&gt;this&lt;/b&gt;');
  });
});

describe('renderHtml is self-contained', () => {
  it('loads nothing: no external src/href, no @import or url(), a CSP that forbids fetching, only in-page links', async () => {
    const html = await renderReport('html', { result: resultFor(shopFindings()), catalog: shopCatalog() }, { color: false });
    expect(html).not.toMatch(/\b(?:src|href|xlink:href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(|<link\b|<iframe\b|<img\b/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain(`content="default-src 'none'`);
    for (const m of html.matchAll(/\bhref="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
    // Every in-page link and copy button points at an element that exists, and ids are unique.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] as string);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of html.matchAll(/href="#([^"]+)"/g)) expect(ids).toContain(m[1]);
    for (const m of html.matchAll(/data-copy="([^"]+)"/g)) expect(ids).toContain(m[1]);
  });

  it('embeds the diagram as inline SVG with the table and FK ids, and each table\'s columns and findings as JSON', async () => {
    const html = renderHtml({ result: resultFor(shopFindings()), catalog: shopCatalog() }, { diagram });
    expect(html).toMatch(/<div class="diagram-stage" id="diagram-stage"><svg /);
    expect(html).toContain('id="table:public.orders" class="node"');
    expect(html).not.toContain('<?xml');
    const data = reportData(html);
    expect(data.command).toBe('review');
    expect(Object.keys(data.tables)).toContain('public.payments');
    expect(Object.keys(data.tables)).not.toContain('auth.users');
    expect(data.tables['public.payments']?.columns.map((c) => c.name)).toContain('order_id');
    expect(data.tables['public.payments']?.findings.map((f) => f.id)).toEqual(['H1', 'M1', 'L4']);
    expect(data.tables['public.products']?.findings).toEqual([]);
    expect(data.tables['public.payments']?.section).toBeUndefined();
  });

  it('draws no diagram when the schema has no tables of its own (only the Supabase shim\'s)', async () => {
    const cat = shopCatalog();
    const shimOnly = { ...cat, tables: cat.tables.filter((t) => t.origin !== 'user') };
    expect(shimOnly.tables.length).toBeGreaterThan(0);
    const html = await renderReport('html', { result: resultFor([]), catalog: shimOnly }, { color: false });
    expect(html).not.toContain('<svg');
    expect(sectionIds(html)).not.toContain('diagram');
    const withTables = await renderReport('html', { result: resultFor([]), catalog: cat }, { color: false });
    expect(sectionIds(withTables)).toContain('diagram');
  });

  it('gives the same bytes for the same input', () => {
    const input = { result: resultFor(shopFindings()), catalog: shopCatalog() };
    expect(renderHtml(input, { diagram })).toBe(renderHtml(input, { diagram }));
  });
});

describe('renderHtml sections by command', () => {
  it('review: summary with grade, diagram, findings with fix and copy, missing elements apart, notes; no drift, diff or audit', () => {
    const result = resultFor([...shopFindings(), capability('M2')], { summary: { ...resultFor([]).summary, grade: 'C' } });
    const html = renderHtml({ result, catalog: shopCatalog() }, { diagram });
    expect(sectionIds(html)).toEqual(['summary', 'diagram', 'findings', 'missing', 'notes']);
    expect(html).toContain('id="grade">C<');
    expect(html).not.toContain('id="verdict"');
    const findings = html.slice(html.indexOf('<section id="findings"'), html.indexOf('<section id="missing"'));
    expect(findings).toContain('id="finding-C1"');
    expect(findings).not.toContain('id="finding-M2"');
    expect(findings).toContain('<button type="button" class="copy" data-copy="finding-C1-fix">Copy</button>');
    expect(findings).toContain('<pre id="finding-C1-fix"><code>ALTER TABLE orders ENABLE ROW LEVEL SECURITY;');
    // A finding without a fix has no copy button.
    const m1 = findings.slice(findings.indexOf('id="finding-M1"'), findings.indexOf('</article>', findings.indexOf('id="finding-M1"')));
    expect(m1).not.toContain('class="copy"');
    const missing = html.slice(html.indexOf('<section id="missing"'));
    expect(missing).toContain('id="finding-M2"');
    expect(missing).toContain('high priority');
  });

  it('review without missing capabilities or notes has neither section; no diagram without one', () => {
    const html = renderHtml({ result: resultFor(shopFindings(), { notes: [] }), catalog: shopCatalog() }, { diagram: null });
    expect(sectionIds(html)).toEqual(['summary', 'findings']);
    expect(html).not.toContain('<svg');
  });

  it('filter bar: severity chips with counts, categories and tables that findings name, and the counter', () => {
    const html = renderHtml({ result: resultFor(shopFindings()), catalog: shopCatalog() }, { diagram: null });
    expect(html).toMatch(/value="critical" checked> Critical <span class="n">1<\/span>/);
    expect(html).toMatch(/value="low" checked> Low <span class="n">4<\/span>/);
    const categories = [...html.matchAll(/<option value="([^"]*)">/g)].map((m) => m[1]);
    expect(categories).toEqual(['', 'docs', 'foreign-keys', 'integrity', 'security', 'structure', '', 'public.audit_log', 'public.feature_flags', 'public.order_items', 'public.orders', 'public.payments']);
    expect(html).toContain('8 of 8 findings shown');
  });

  it('no findings at all: no filter bar, and the findings section says so', () => {
    const html = renderHtml({ result: resultFor([]), catalog: shopCatalog() }, { diagram: null });
    expect(html).not.toContain('id="filters"');
    expect(html).toContain('No findings.');
  });

  it('diff: verdict and reasons, changes, migration quality, rollback with copy; no drift or health', () => {
    const result = resultFor([finding('C1', 'add-required-column', 'critical', { category: 'migration', objects: [{ kind: 'column', schema: 'public', table: 'orders', name: 'x' }] })], {
      command: 'diff',
      summary: { ...resultFor([]).summary, verdict: 'block' },
      verdictReasons: ['1 critical finding: C1 NOT NULL column added'],
      changes: [{ action: 'created', object: { kind: 'column', schema: 'public', table: 'orders', name: 'x' }, detail: 'column added: integer NOT NULL', location: { file: 'm/006.sql', line: 2, column: 3 } }],
      rollback: { sql: 'ALTER TABLE orders DROP COLUMN x;', irreversible: ['orders.x: dropping loses data'], verified: true, problems: [] },
      migration: { files: ['m/006.sql'], statements: 2, failed: 0, transactions: false, lockTimeout: false, concurrent: 0, dataChanges: 0, additive: true },
      existingDebt: { count: 2, bySeverity: { critical: 0, high: 1, medium: 1, low: 0, info: 0 } },
      notes: [],
    });
    const html = renderHtml({ result, catalog: shopCatalog() }, { diagram: null });
    expect(sectionIds(html)).toEqual(['summary', 'verdict-reasons', 'changes', 'migration-quality', 'findings', 'rollback']);
    expect(html).toContain('<h2>Findings on this change (1)</h2>');
    expect(html).toContain('class="verdict verdict-block" id="verdict">block<');
    expect(html).toContain('<code>m/006.sql:2:3</code>');
    expect(html).toContain('<pre id="rollback-sql"><code>ALTER TABLE orders DROP COLUMN x;</code></pre>');
    expect(html).toContain('data-copy="rollback-sql"');
    expect(html).toContain('Existing debt, not blamed on this change: 2 findings (1 high, 1 medium)');
  });

  it('check: drift entries with expected, actual and fix, and health counts; no findings section when there are none', () => {
    const result = resultFor([], {
      command: 'check', drift, notes: [],
      health: { actual: { tables: 3, indexes: 4, foreignKeys: 1, views: 0, totalBytes: null, rowEstimate: null }, expected: { tables: 3, indexes: 5, foreignKeys: 1, views: 0, totalBytes: null, rowEstimate: null }, largest: [] },
    });
    const html = renderHtml({ result, catalog: shopCatalog() }, { diagram: null });
    expect(sectionIds(html)).toEqual(['summary', 'health', 'drift']);
    expect(html).toContain('id="drift-D1"');
    expect(html).toMatch(/data-severity="high" data-category="drift" data-tables="\[&quot;public.coupons&quot;\]"/);
    expect(html).toContain('<pre id="drift-D1-fix"><code>CREATE TABLE coupons');
    expect(html).not.toContain('drift-D2-fix');
    expect(html).toMatch(/<tr class="differs"><th>Indexes<\/th><td>5<\/td><td>4<\/td><\/tr>/);
    expect(html).toContain('2 of 2 findings shown');
  });

  it('audit findings get their own filterable section only when the result has an audit', () => {
    const audit = [finding('A1', 'orphaned-rows', 'high', { category: 'audit', objects: [{ kind: 'table', schema: 'public', name: 'payments' }] })];
    const withAudit = renderHtml({ result: resultFor(shopFindings(), { audit, notes: [] }), catalog: shopCatalog() }, { diagram: null });
    expect(sectionIds(withAudit)).toEqual(['summary', 'findings', 'audit']);
    expect(withAudit).toContain('id="audit-A1"');
    expect(reportData(withAudit).tables['public.payments']?.findings.map((f) => f.anchor)).toContain('audit-A1');
    expect(withAudit).toContain('9 of 9 findings shown');
    const without = renderHtml({ result: resultFor(shopFindings(), { notes: [] }), catalog: shopCatalog() }, { diagram: null });
    expect(sectionIds(without)).not.toContain('audit');
  });

  it('docs: overview, decisions, domains and one section per table with columns, relationships and findings; the panel links there', () => {
    const cat = shopCatalog();
    const result = resultFor(shopFindings(), { command: 'docs', notes: [] });
    const model = buildDocsModel(cat, result);
    const html = renderHtml({ result, catalog: cat }, { diagram, docs: model });
    expect(sectionIds(html)).toEqual(['summary', 'overview', 'decisions', 'diagram', 'findings', 'domains', 'tables']);
    expect(html).toContain(`<title>${model.title.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</title>`);
    const data = reportData(html);
    const section = data.tables['public.payments']?.section as string;
    expect(section).toMatch(/^table-/);
    const payments = html.slice(html.indexOf(`<section class="docs-table" id="${section}"`));
    const body = payments.slice(0, payments.indexOf('</section>'));
    expect(body).toContain('<h4>Columns</h4>');
    expect(body).toContain('<code>order_id</code>');
    expect(body).toMatch(/<span class="pill">N:1<\/span> <code>order_id<\/code> → <a href="#table-[^"]+"><code>orders<\/code><\/a>/);
    expect(body).toContain('href="#finding-H1"');
    expect(body).not.toContain('href="#finding-C1"');
    // Every table section exists once, for user tables only.
    expect(html.match(/<section class="docs-table"/g)).toHaveLength(Object.keys(data.tables).length);
    expect(html).not.toContain('data-table="auth.users"');
  });
});
