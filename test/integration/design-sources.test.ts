/**
 * DBML files and Markdown design docs reviewed end to end through the pipeline, in real PGlite:
 * findings point at the lines the user wrote, and stand-in tables for what a design doc leaves out
 * are never reviewed, counted or listed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SchemasageError } from '../../src/errors.js';
import { loadCatalog, review } from '../../src/pipeline.js';
import { inventorySection } from '../../src/report/inventory.js';
import type { Finding } from '../../src/result.js';

const DBML = 'test/fixtures/dbml/ticketing.dbml';
const DOC = 'test/fixtures/markdown/billing-design.md';

const tmp = mkdtempSync(join(tmpdir(), 'schemasage-design-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function lineOf(file: string, needle: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

const on = (findings: Finding[], rule: string, table: string, name?: string) =>
  findings.find((f) => f.rule === rule && f.objects.some((o) => (o.table ?? o.name) === table && (name === undefined || o.name === name)));

function scratchDoc(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe('a DBML design reviewed', async () => {
  const { result } = await review(DBML, { cache: false });

  it('is a dbml source with every table, enum and foreign key @dbml/core exported', () => {
    expect(result.source).toEqual({ kind: 'dbml', path: DBML, layout: null });
    expect(result.summary).toMatchObject({ tables: 19, enums: 3, foreignKeys: 23 });
  });

  it('points findings at the DBML field, Ref and Table lines', () => {
    expect(on(result.findings, 'money-as-float', 'ticket_types', 'price')?.location).toEqual({ file: DBML, line: lineOf(DBML, "price float [not null, note: 'in the event currency']"), column: 3 });
    expect(on(result.findings, 'unindexed-foreign-key', 'orders')?.location).toMatchObject({ file: DBML, line: lineOf(DBML, 'Ref: orders.coupon_id > coupons.id') });
    expect(on(result.findings, 'unindexed-foreign-key', 'venues')?.location).toMatchObject({ file: DBML, line: lineOf(DBML, 'Ref venue_organization:') });
    expect(on(result.findings, 'missing-timestamps', 'coupons')?.location).toEqual({ file: DBML, line: lineOf(DBML, 'Table coupons {'), column: 1 });
    expect(on(result.findings, 'timestamp-without-time-zone', 'users', 'last_login_at')?.location?.line).toBe(lineOf(DBML, 'last_login_at timestamp'));
  });

  it('never points a finding anywhere but the .dbml', () => {
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.findings.filter((f) => f.location && f.location.file !== DBML)).toEqual([]);
  });

  it('leaves indexed foreign keys alone (the DBML indexes reach the database)', () => {
    expect(on(result.findings, 'unindexed-foreign-key', 'orders', 'orders_buyer_id_fkey')).toBeUndefined();
    expect(result.findings.filter((f) => f.rule === 'unindexed-foreign-key' && f.message.includes('orders.buyer_id'))).toEqual([]);
  });
});

describe('DBML comments', () => {
  it('a `// schemasage-ignore` above a Table covers findings on its fields; other tables still get them', async () => {
    const dbml = scratchDoc('ignored.dbml', [
      '// Quotes arrive from a float feed and are never summed.',
      '// schemasage-ignore money-as-float: quotes from a float feed, never summed',
      'Table quotes {',
      '  id bigint [pk]',
      '',
      '  // the feed value as received',
      '  price float [not null]',
      '}',
      '',
      'Table invoices {',
      '  id bigint [pk]',
      '  total float [not null]',
      '}',
      '',
    ].join('\n'));
    const { result } = await review(dbml, { cache: false, cwd: tmp });
    expect(on(result.findings, 'money-as-float', 'quotes')).toBeUndefined();
    expect((result.suppressed ?? []).find((f) => f.rule === 'money-as-float')?.location).toEqual({ file: 'ignored.dbml', line: 7, column: 3 });
    expect(on(result.findings, 'money-as-float', 'invoices', 'total')?.location).toEqual({ file: 'ignored.dbml', line: 12, column: 3 });
  });
});

describe('a Markdown design doc reviewed', async () => {
  const loaded = await loadCatalog(DOC, { cache: false });
  const { result, catalog } = await review(DOC, { cache: false });
  const stubs = ['organizations', 'users'];

  it('reviews the tables the doc defines, at their lines in the .md', () => {
    expect(result.source).toEqual({ kind: 'markdown', path: DOC, layout: null });
    expect(result.summary).toMatchObject({ tables: 5, enums: 1 });
    expect(on(result.findings, 'money-as-float', 'invoices', 'total')?.location).toEqual({ file: DOC, line: lineOf(DOC, 'total            double precision NOT NULL'), column: 3 });
    expect(on(result.findings, 'money-as-float', 'invoice_line_items', 'unit_price')?.location?.line).toBe(lineOf(DOC, 'unit_price   real NOT NULL'));
    // A table inside a numbered list, in a ~~~postgresql block, keeps its indented column.
    expect(on(result.findings, 'unindexed-foreign-key', 'payment_methods')?.location).toMatchObject({ file: DOC, line: lineOf(DOC, '     organization_id  bigint NOT NULL REFERENCES organizations (id),') });
    expect(result.findings.filter((f) => f.location && f.location.file !== DOC)).toEqual([]);
  });

  it('never reviews, counts or lists the stand-ins for tables the doc only references', () => {
    expect(catalog.tables.filter((t) => stubs.includes(t.name)).map((t) => [t.name, t.origin])).toEqual([['organizations', 'shim'], ['users', 'shim']]);
    expect(result.findings.filter((f) => stubs.includes(f.objects[0]?.table ?? f.objects[0]?.name ?? ''))).toEqual([]);
    const inventory = inventorySection(result, catalog) ?? '';
    expect(inventory).toContain('invoice_line_items');
    for (const name of stubs) expect(inventory).not.toMatch(new RegExp(`\\b${name}\\b`));
    expect(loaded.catalog.notes.map((n) => n.message)).toContainEqual(expect.stringMatching(/references 2 tables it does not define \(organizations, users\)/));
  });

  it('applies the ALTER TABLE of a table the doc does not define, and skips the example query', () => {
    expect(catalog.tables.find((t) => t.name === 'organizations')?.columns.map((c) => c.name)).toEqual(['id', 'billing_email']);
    expect(result.notes.map((n) => n.message)).toContainEqual(expect.stringMatching(/^skipped 1 statement in .*billing-design\.md that is a query or data change, not schema$/));
  });

  it('leaves the commented-out block out', () => {
    expect(catalog.tables.some((t) => t.name === 'credit_notes')).toBe(false);
  });
});

describe('partial design docs in real PGlite', () => {
  it('applies a Supabase-style doc that references auth.users and defines tables out of order', async () => {
    const doc = scratchDoc('profiles.md', [
      '# Profiles', '',
      '```sql',
      'CREATE TABLE public.posts (',
      '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
      '  author_id uuid NOT NULL REFERENCES public.profiles (id),',
      '  body text NOT NULL',
      ');',
      '```', '',
      'Profiles extend the auth user:', '',
      '```sql',
      'CREATE TABLE public.profiles (',
      '  id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,',
      '  display_name text',
      ');',
      'ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;',
      'CREATE POLICY "own profile" ON public.profiles FOR UPDATE USING (auth.uid() = id);',
      '```', '',
    ].join('\n'));
    const { result, catalog } = await review(doc, { cache: false, cwd: tmp });
    expect(result.summary.tables).toBe(2);
    expect(catalog.tables.find((t) => t.schema === 'auth' && t.name === 'users')?.origin).toBe('shim');
    expect(catalog.tables.find((t) => t.name === 'profiles')?.policies.map((p) => p.name)).toEqual(['own profile']);
    expect(on(result.findings, 'unindexed-foreign-key', 'posts')?.location).toEqual({ file: 'profiles.md', line: 6, column: '  author_id uuid NOT NULL REFERENCES'.indexOf('REFERENCES') + 1 });
    expect(result.findings.filter((f) => f.objects[0]?.schema === 'auth')).toEqual([]);
  });

  it('creates a SQL function that reads a table the doc leaves out (bodies are checked when called)', async () => {
    const doc = scratchDoc('functions.md', [
      '```sql',
      'CREATE TABLE projects (id bigint PRIMARY KEY, org_id bigint NOT NULL REFERENCES organizations (id));',
      'CREATE FUNCTION member_orgs(p_user bigint) RETURNS SETOF bigint LANGUAGE sql STABLE AS $$',
      '  SELECT org_id FROM memberships WHERE user_id = p_user',
      '$$;',
      '```',
    ].join('\n'));
    const { catalog } = await review(doc, { cache: false, cwd: tmp });
    expect(catalog.functions.filter((f) => f.origin === 'user').map((f) => f.name)).toEqual(['member_orgs']);
  });

  it('honours a schemasage-ignore comment inside a block', async () => {
    const doc = scratchDoc('ignored.md', [
      '```sql',
      '-- schemasage-ignore money-as-float: quotes from a float feed, never summed',
      'CREATE TABLE prices (',
      '  id bigint PRIMARY KEY,',
      '  amount double precision NOT NULL',
      ');',
      '```',
    ].join('\n'));
    const { result } = await review(doc, { cache: false, cwd: tmp });
    expect(on(result.findings, 'money-as-float', 'prices')).toBeUndefined();
    expect((result.suppressed ?? []).some((s) => s.rule === 'money-as-float')).toBe(true);
  });

  it('reports a statement Postgres rejects at its line in the .md', async () => {
    const doc = scratchDoc('rejected.md', ['# Doc', '', '```sql', 'CREATE TABLE jobs (', '  id bigint PRIMARY KEY,', '  state job_state NOT NULL', ');', '```'].join('\n'));
    const error = await loadCatalog(doc, { cache: false, cwd: tmp }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(SchemasageError);
    expect((error as SchemasageError).message).toMatch(/type "job_state" does not exist/);
    expect((error as SchemasageError).location).toEqual({ file: 'rejected.md', line: 6, column: 9 });
  });
});
