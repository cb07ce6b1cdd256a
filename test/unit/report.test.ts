import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Catalog, Table } from '../../src/catalog/model.js';
import { render } from '../../src/report/index.js';
import { computeGrade, healthGrade } from '../../src/report/grade.js';
import { groupDomains } from '../../src/report/domains.js';
import { findStrengths } from '../../src/report/strengths.js';
import { erDiagram } from '../../src/report/mermaid.js';
import { domainTitle } from '../../src/report/words.js';
import { wrap } from '../../src/report/text.js';
import type { Finding, ReviewResult, SuppressedFinding } from '../../src/result.js';
import { actionFor } from '../../src/report/actions.js';
import { catalog, col, fk, idx, pk, table, unique } from '../support/build.js';
import { finding, resultFor, shopCatalog, shopFindings } from '../fixtures/report/shop.js';

const ANSI = /\u001b\[/;

function md(result: ReviewResult = resultFor(shopFindings()), cat: Catalog = shopCatalog()): string {
  return render('md', { result, catalog: cat }, { color: false });
}

function headings(doc: string): string[] {
  return doc.split('\n').filter((l) => /^#{1,2} /.test(l));
}

function mermaidBlock(doc: string): string {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(doc);
  if (!m) throw new Error('no mermaid block');
  return m[1] as string;
}

/** Entities declared in an erDiagram and the relationships between them. */
function parseEr(source: string): { entities: Set<string>; relations: Array<[string, string]>; bad: string[] } {
  const entities = new Set<string>();
  const relations: Array<[string, string]> = [];
  const bad: string[] = [];
  const lines = source.split('\n');
  expect(lines[0]).toBe('erDiagram');
  let inBlock = false;
  for (const line of lines.slice(1)) {
    if (inBlock) {
      if (line.trim() === '}') inBlock = false;
      else if (!/^\s+[A-Za-z][A-Za-z0-9_]*(\[\])? [A-Za-z_][A-Za-z0-9_-]*( (PK|FK|UK)(, (PK|FK|UK))*)?$/.test(line)) bad.push(line);
      continue;
    }
    let m = /^\s+([A-Za-z_][A-Za-z0-9_-]*) \{$/.exec(line);
    if (m) { entities.add(m[1] as string); inBlock = true; continue; }
    m = /^\s+([A-Za-z_][A-Za-z0-9_-]*)$/.exec(line);
    if (m) { entities.add(m[1] as string); continue; }
    m = /^\s+([A-Za-z_][A-Za-z0-9_-]*) (\|\||\|o)--(o\||o\{) ([A-Za-z_][A-Za-z0-9_-]*) : "[^"]*"$/.exec(line);
    if (m) { relations.push([m[1] as string, m[4] as string]); continue; }
    bad.push(line);
  }
  expect(inBlock).toBe(false);
  return { entities, relations, bad };
}

describe('md review document', () => {
  it('has the sections of the review in document order', () => {
    const doc = md();
    const expected = [
      '# Schema review: supabase/migrations', '## Summary', '## Inventory', '## Strengths', '## Critical findings', '## High findings',
      '## Medium findings', '## Low findings', '## Observations (info)', '## Checklist', '## Appendix',
    ];
    expect(headings(doc)).toEqual(expected);
    expect(doc).toContain('reviewed 2025-03-04 · PGlite (PostgreSQL 18.6)');
    expect(doc).not.toContain('10:11:12');
  });

  it('leaves out empty sections and says so only in the summary', () => {
    const doc = md(resultFor([]));
    const hs = headings(doc);
    expect(hs.some((h) => /findings|Observations|Checklist/.test(h) && h !== '## Summary')).toBe(false);
    expect(doc.match(/No findings at this severity/g)?.length).toBe(5);
    expect(doc).toContain('No findings.');
    // No section is empty: a heading is never followed straight by one of the same or a higher level.
    const level = (l: string): number => /^(#{1,6}) /.exec(l)?.[1]?.length ?? 0;
    const lines = doc.split('\n').filter((l) => l.trim() !== '');
    lines.forEach((l, i) => {
      const next = lines[i + 1];
      if (level(l) > 0 && next !== undefined && level(next) > 0) expect(level(next), `after ${l}`).toBeGreaterThan(level(l));
    });
    expect(lines[lines.length - 1]).not.toMatch(/^#/);
  });

  it('omits severity sections that have no findings', () => {
    const doc = md(resultFor(shopFindings().filter((f) => f.severity === 'high')));
    expect(headings(doc)).toContain('## High findings');
    expect(headings(doc)).not.toContain('## Critical findings');
    expect(headings(doc)).not.toContain('## Medium findings');
  });

  it('renders a finding with rule, object, location, why it matters and the fix', () => {
    const doc = md();
    const h1 = doc.slice(doc.indexOf('### H1 · Foreign key without a supporting index'), doc.indexOf('## Medium findings'));
    expect(h1).toContain('`unindexed-foreign-key`');
    expect(h1).toContain('`payments.order_id`');
    expect(h1).toContain('`supabase/migrations/20240101000000_init.sql:64`');
    expect(h1).toContain('**Why it matters.** Postgres does not index');
    expect(h1).toContain('```sql\nCREATE INDEX CONCURRENTLY payments_order_id_idx ON payments (order_id);\n```');
    expect(h1).toContain('CONCURRENTLY cannot run inside a transaction block.');
  });

  it('states the three biggest risks with their objects, and never info', () => {
    const doc = md();
    const summary = doc.slice(doc.indexOf('## Summary'), doc.indexOf('## Inventory'));
    expect(summary).toContain('1. **C1** Row level security disabled on an exposed table: orders');
    expect(summary).toContain('2. **H1** Foreign key without a supporting index: payments.order_id');
    expect(summary).toContain('3. **M1** Money amount without a currency: payments.amount');
    expect(summary).not.toContain('I1');
    expect(summary).toContain('2 findings were suppressed');
  });

  it('groups many findings of one rule into one block instead of repeating the rationale', () => {
    const doc = md();
    expect(doc).toContain('### L1–L4 · Table without a comment (4)');
    expect(doc.match(/Rationale of missing-comment/g)?.length).toBe(1);
    expect(doc).not.toContain('### L2 ·');
    const three = shopFindings().filter((f) => f.rule === 'missing-comment').slice(0, 3);
    const doc3 = md(resultFor(three));
    expect(doc3).toContain('### L1 · Table without a comment');
    expect(doc3).toContain('### L3 · Table without a comment');
  });

  it('writes the checklist highest severity first, one task per fix', () => {
    const shuffled = [...shopFindings()].reverse();
    const doc = md(resultFor(shuffled));
    const tasks = doc.split('\n').filter((l) => l.startsWith('- [ ] '));
    expect(tasks.map((t) => t.split(' ')[3])).toEqual(['C1', 'H1', 'M1', 'L1', 'L2', 'L3', 'L4']);
    expect(tasks).toContain('- [ ] H1 Index payments.order_id (unindexed-foreign-key)');
    expect(tasks).toContain('- [ ] C1 Enable RLS on orders (rls-disabled)');
    // An info observation without a fix is not a task.
    expect(tasks.some((t) => t.includes('I1'))).toBe(false);
  });

  it('names the subject of a finding, not every supporting object, in one-line summaries', () => {
    const f = finding('H1', 'foreign-key-type-mismatch', 'high', {
      title: 'Foreign key column type differs from the referenced column',
      objects: [{ kind: 'column', schema: 'public', table: 'order_items', name: 'variant_id' }, { kind: 'constraint', schema: 'public', table: 'order_items', name: 'order_items_variant_id_fkey' }],
    });
    const peers = finding('L1', 'inconsistent-column-type', 'low', {
      objects: [{ kind: 'column', schema: 'public', table: 'payments', name: 'amount' }, { kind: 'column', schema: 'public', table: 'refunds', name: 'amount' }],
    });
    const doc = md(resultFor([f, peers]));
    expect(doc).toContain('- [ ] H1 Align the type of order_items.variant_id with the key it references (foreign-key-type-mismatch)');
    expect(doc).toContain('1. **H1** Foreign key column type differs from the referenced column: order_items.variant_id\n');
    expect(doc).toContain('- [ ] L1 Use one type for payments.amount, refunds.amount (inconsistent-column-type)');
    // The finding itself still lists every object.
    expect(doc).toContain('**Objects** `order_items.variant_id`, `order_items.order_items_variant_id_fkey`');
  });

  it('falls back to the title for a rule it has no phrase for', () => {
    const f = finding('M1', 'some-future-rule', 'medium', { title: 'Something odd', objects: [{ kind: 'table', schema: 'public', name: 'orders' }] });
    expect(md(resultFor([f]))).toContain('- [ ] M1 Something odd: orders (some-future-rule)');
  });

  it('never shows shim objects (auth.users, auth enums, views, functions)', () => {
    const doc = md();
    // The fix SQL of a finding may call auth.uid(); the inventory, strengths and diagram never list shim objects.
    expect(doc).not.toMatch(/auth\.users|auth__users|aal_level|auth_sessions|`uid\(|auth\.uid\(\)`/);
    const inventory = doc.slice(doc.indexOf('## Inventory'), doc.indexOf('## Strengths'));
    expect(inventory).toContain('9 tables');
    const { entities } = parseEr(mermaidBlock(doc));
    expect([...entities].sort()).toEqual(['audit_log', 'feature_flags', 'order_items', 'orders', 'payments', 'products', 'profiles', 'user_settings', 'users']);
  });

  it('groups the inventory by domain with PK, references and RLS notes', () => {
    const doc = md();
    const inv = doc.slice(doc.indexOf('## Inventory'), doc.indexOf('## Strengths'));
    expect(inv.indexOf('### Orders')).toBeLessThan(inv.indexOf('### Users'));
    expect(inv.indexOf('### Users')).toBeLessThan(inv.indexOf('### Other'));
    expect(inv).toContain('| `payments` | 5 | `id` (bigint, identity) | `orders`, `users` | RLS on, 1 policy |');
    expect(inv).toContain('| `orders` | 5 | `id` (bigint, identity) | `users` | RLS off |');
    expect(inv).toContain('People who can sign in; RLS on, 1 policy');
    expect(inv).toContain('| `order_status` | pending, paid, shipped, cancelled |');
    expect(inv).toContain('`daily_sales`: materialized view');
    expect(inv).toContain('| `is_admin()` | sql | boolean | **definer**, search_path pinned |');
    expect(inv).toContain('RLS is enabled on 8 of 9 tables (9 policies). Without it: `orders`.');
    expect(inv).toContain('`pgcrypto` 1.3');
    expect(inv).not.toContain('plpgsql` 1.0');
    expect(inv).not.toContain('Rows (est.)');
  });

  it('shows row estimates only for a live database', () => {
    const live = shopCatalog();
    live.live = true;
    for (const t of live.tables) t.stats = { rowEstimate: 12345, totalBytes: 0, tableBytes: 0, seqScans: 0, idxScans: 0, liveTuples: 0, deadTuples: 0, lastAutovacuum: null };
    const inv = md(resultFor([]), live);
    expect(inv).toContain('Rows (est.)');
    expect(inv).toContain('| `orders` | 5 | 12,345 |');
  });

  it('draws an ER diagram whose relationships only name declared tables', () => {
    const { entities, relations, bad } = parseEr(mermaidBlock(md()));
    expect(bad).toEqual([]);
    for (const [a, b] of relations) {
      expect(entities.has(a), a).toBe(true);
      expect(entities.has(b), b).toBe(true);
    }
    const source = mermaidBlock(md());
    expect(source).toContain('users ||--o| profiles : "user_id"');
    expect(source).toContain('orders ||--o{ payments : "order_id"');
    expect(source).toContain('uuid user_id PK, FK');
  });

  it('marks a nullable FK as optional on the referenced side', () => {
    const c = catalog({
      tables: [
        table('teams', [col('id', 'bigint')], { constraints: [pk(['id'])] }),
        table('invites', [col('id', 'bigint'), col('team_id', 'bigint')], { constraints: [pk(['id']), fk(['team_id'], 'teams')] }),
      ],
    });
    expect(erDiagram(c).source).toContain('teams |o--o{ invites : "team_id"');
  });

  it('caps the diagram at 60 tables, keeping it valid and saying so', () => {
    const tables: Table[] = [table('hub', [col('id', 'bigint')], { constraints: [pk(['id'])] })];
    for (let i = 0; i < 75; i++) {
      tables.push(table(`t${String(i).padStart(2, '0')}`, [col('id', 'bigint'), col('hub_id', 'bigint', { notNull: true })], {
        constraints: [pk(['id']), ...(i < 40 ? [fk(['hub_id'], 'hub')] : [])],
      }));
    }
    const c = catalog({ tables });
    const d = erDiagram(c);
    expect(d.shown).toBe(60);
    expect(d.total).toBe(76);
    const { entities, relations, bad } = parseEr(d.source);
    expect(bad).toEqual([]);
    expect(entities.has('hub')).toBe(true);
    expect(relations.length).toBe(40);
    for (const [a, b] of relations) expect(entities.has(a) && entities.has(b)).toBe(true);
    const doc = md(resultFor([], { summary: { ...resultFor([]).summary, tables: 76 } }), c);
    expect(doc).toContain('Showing the 60 most connected of 76 tables');
  });

  it('keeps schema-qualified and awkward names valid entity identifiers', () => {
    const c = catalog({
      tables: [
        table('users', [col('id', 'bigint')], { schema: 'billing', constraints: [pk(['id'])] }),
        table('2fa codes', [col('id', 'bigint'), col('user id', 'bigint')], { constraints: [pk(['id']), fk(['user id'], 'users', ['id'], {}, 'billing')] }),
        table('one', [col('id', 'bigint')], { constraints: [pk(['id'])] }),
      ],
    });
    const { entities, relations, bad } = parseEr(erDiagram(c).source);
    expect(bad).toEqual([]);
    expect(relations).toEqual([['billing__users', 't_2fa_codes']]);
    expect(entities.has('one_')).toBe(true);
  });
});

describe('strengths', () => {
  const allIndexed = (): Catalog => {
    const c = shopCatalog();
    const payments = c.tables.find((t) => t.name === 'payments') as Table;
    payments.indexes.push({ ...idx('payments_order_id_idx', ['order_id']), table: 'payments' });
    return c;
  };
  const ids = (c: Catalog, findings: Finding[]) => findStrengths(c, findings).map((s) => s.id);

  it('claims every FK is indexed only when the catalog shows it', () => {
    expect(ids(allIndexed(), [])).toContain('every-foreign-key-indexed');
    expect(ids(shopCatalog(), [])).not.toContain('every-foreign-key-indexed');
  });

  it('never claims a strength that a finding contradicts', () => {
    const contradicting = finding('H1', 'unindexed-foreign-key', 'high');
    expect(ids(allIndexed(), [contradicting])).not.toContain('every-foreign-key-indexed');
    const doc = md(resultFor([contradicting]), allIndexed());
    expect(doc).not.toContain('Every foreign key is indexed');
    expect(md(resultFor([]), allIndexed())).toContain('**Every foreign key is indexed.** All 8 foreign keys have a supporting index');
    expect(ids(shopCatalog(), [finding('M1', 'money-as-float', 'medium')])).not.toContain('money-stored-exactly');
  });

  it('states its evidence from the catalog', () => {
    const strengths = findStrengths(shopCatalog(), []);
    const byId = new Map(strengths.map((s) => [s.id, s]));
    expect(byId.get('every-table-has-primary-key')?.evidence).toContain('All 9 tables');
    expect(byId.get('timestamptz-throughout')?.evidence).toContain('All 10 timestamp columns');
    expect(byId.get('money-stored-exactly')?.evidence).toContain('`products.price_cents` (bigint)');
    expect(byId.get('identity-columns')?.evidence).toContain('All 5 integer primary keys');
    expect(byId.get('enforced-status-columns')?.evidence).toContain('`orders.status` (enum order_status)');
  });

  it('does not praise what is not there', () => {
    const c = catalog({
      tables: [
        table('events', [col('id', 'integer', { default: "nextval('events_id_seq'::regclass)" }), col('at', 'timestamp without time zone'), col('price', 'double precision'), col('status', 'text')], { constraints: [pk(['id'])] }),
        table('logs', [col('line', 'text')]),
      ],
    });
    const found = ids(c, []);
    for (const id of ['every-table-has-primary-key', 'timestamptz-throughout', 'money-stored-exactly', 'identity-columns', 'enforced-status-columns', 'every-foreign-key-indexed', 'rls-on-exposed-tables', 'table-comments']) {
      expect(found, id).not.toContain(id);
    }
  });

  it('claims RLS on every exposed table on Supabase only when it is true and unflagged', () => {
    const c = shopCatalog();
    expect(ids(c, [])).not.toContain('rls-on-exposed-tables');
    const orders = c.tables.find((t) => t.name === 'orders') as Table;
    orders.rlsEnabled = true;
    orders.policies = [{ name: 'p', schema: 'public', table: 'orders', command: 'all', permissive: true, roles: [], using: null, withCheck: null, provenance: {} }];
    expect(ids(c, [])).toContain('rls-on-exposed-tables');
    expect(ids(c, [finding('H1', 'rls-enabled-no-policy', 'high')])).not.toContain('rls-on-exposed-tables');
  });
});

describe('domains', () => {
  const names = (c: Catalog) => groupDomains(c).map((d) => [d.name, d.tables.map((t) => t.name)]);

  it('clusters orders/order_items/payments and users/profiles/user_settings, loners under Other', () => {
    const domains = groupDomains(shopCatalog());
    const byName = new Map(domains.map((d) => [d.name, d.tables.map((t) => t.name)]));
    expect(byName.get('Orders')).toEqual(['orders', 'order_items', 'payments', 'products']);
    expect(byName.get('Users')).toEqual(['users', 'profiles', 'user_settings']);
    expect(byName.get('Other')).toEqual(['audit_log', 'feature_flags']);
    expect(domains[domains.length - 1]?.name).toBe('Other');
    expect(domains.flatMap((d) => d.tables).some((t) => t.origin !== 'user')).toBe(false);
  });

  it('is deterministic whatever order the catalog lists tables in', () => {
    const a = shopCatalog();
    const b = shopCatalog();
    b.tables.reverse();
    expect(names(b)).toEqual(names(a));
  });

  it('handles a SaaS schema: teams, roles, billing, a shared file_ prefix', () => {
    const id = () => col('id', 'bigint');
    const ref = (name: string, notNull = true) => col(name, 'bigint', { notNull });
    const t = (name: string, cols: ReturnType<typeof col>[], fks: Array<[string, string]> = []) =>
      table(name, [id(), ...cols], { constraints: [pk(['id']), ...fks.map(([c, target]) => fk([c], target, ['id'], { name: `${name}_${c}_fkey` }))] });
    const c = catalog({
      tables: [
        t('users', []),
        t('roles', []),
        t('permissions', []),
        t('role_permissions', [ref('role_id'), ref('permission_id')], [['role_id', 'roles'], ['permission_id', 'permissions']]),
        t('user_roles', [ref('user_id'), ref('role_id')], [['user_id', 'users'], ['role_id', 'roles']]),
        t('teams', [ref('owner_id')], [['owner_id', 'users']]),
        t('team_members', [ref('team_id'), ref('user_id'), ref('role_id')], [['team_id', 'teams'], ['user_id', 'users'], ['role_id', 'roles']]),
        t('invitations', [ref('team_id', false), ref('role_id', false), ref('invited_by_id')], [['team_id', 'teams'], ['role_id', 'roles'], ['invited_by_id', 'users']]),
        t('plans', []),
        t('subscriptions', [ref('user_id'), ref('plan_id')], [['user_id', 'users'], ['plan_id', 'plans']]),
        t('invoices', [ref('user_id'), ref('subscription_id', false)], [['user_id', 'users'], ['subscription_id', 'subscriptions']]),
        t('projects', [ref('user_id')], [['user_id', 'users']]),
        t('file_uploads', [ref('user_id')], [['user_id', 'users']]),
        t('file_shares', [ref('file_upload_id')], [['file_upload_id', 'file_uploads']]),
        t('file_versions', [ref('file_upload_id')], [['file_upload_id', 'file_uploads']]),
        t('themes', []),
        t('webhook_events', []),
      ],
    });
    const byName = new Map(groupDomains(c).map((d) => [d.name, d.tables.map((x) => x.name)]));
    expect(byName.get('Teams')).toEqual(['teams', 'invitations', 'team_members']);
    expect(byName.get('Roles')).toEqual(['roles', 'permissions', 'role_permissions']);
    expect(byName.get('Users')).toEqual(['users', 'projects', 'user_roles']);
    expect(byName.get('File Uploads')).toEqual(['file_uploads', 'file_shares', 'file_versions']);
    expect(byName.get('Other')).toEqual(['themes', 'webhook_events']);
    const billing = [...byName.values()].find((tables) => tables.includes('subscriptions'));
    expect(billing?.sort()).toEqual(['invoices', 'plans', 'subscriptions']);
  });

  it('names a group of tables sharing a token after the token, and keeps a prefix parent in it', () => {
    const id = () => col('id', 'bigint');
    const t = (name: string, fks: Array<[string, string]> = []) =>
      table(name, [id(), ...fks.map(([c]) => col(c, 'bigint', { notNull: true }))], { constraints: [pk(['id']), ...fks.map(([c, target]) => fk([c], target, ['id'], { name: `${name}_${c}_fkey` }))] });
    const c = catalog({
      tables: [
        t('users'), t('teams'), t('projects'), t('notes'), t('tags'), t('events'),
        t('billing_customers'), t('billing_invoices', [['customer_id', 'billing_customers']]),
        t('billing_invoice_lines', [['invoice_id', 'billing_invoices']]), t('billing_plans'),
        t('hr_employees'), t('hr_contracts', [['employee_id', 'hr_employees']]), t('hr_leaves', [['employee_id', 'hr_employees']]), t('hr_teams'),
      ],
    });
    const byName = new Map(groupDomains(c).map((d) => [d.name, d.tables.map((x) => x.name).sort()]));
    expect(byName.get('Billing')).toEqual(['billing_customers', 'billing_invoice_lines', 'billing_invoices', 'billing_plans']);
    expect(byName.get('HR')).toEqual(['hr_contracts', 'hr_employees', 'hr_leaves', 'hr_teams']);
    // Not a token: the unprefixed tables stay where they were.
    expect([...byName.keys()]).not.toContain('Users');
  });

  it('does not treat a prefix on most tables as a domain', () => {
    const c = catalog({ tables: ['app_a', 'app_b', 'app_c', 'app_d', 'other'].map((n) => table(n, [col('id', 'bigint')], { constraints: [pk(['id'])] })) });
    expect(groupDomains(c).map((d) => d.name)).toEqual(['Other']);
  });

  it('titles domains in readable plural English', () => {
    expect(domainTitle('orders')).toBe('Orders');
    expect(domainTitle('user')).toBe('Users');
    expect(domainTitle('order_item')).toBe('Order Items');
    expect(domainTitle('CustomField')).toBe('Custom Fields');
    expect(domainTitle('APIKey')).toBe('API Keys');
    expect(domainTitle('category')).toBe('Categories');
    expect(domainTitle('address')).toBe('Addresses');
    expect(domainTitle('person')).toBe('People');
    expect(domainTitle('order_status')).toBe('Order Statuses');
    expect(domainTitle('search_history')).toBe('Search History');
  });

  it('names two domains that would title alike apart', () => {
    const mk = (schema: string) => [
      table('users', [col('id', 'bigint')], { schema, constraints: [pk(['id'])] }),
      table('user_prefs', [col('id', 'bigint')], { schema, constraints: [pk(['id'])] }),
    ];
    const d = groupDomains(catalog({ tables: [...mk('public'), ...mk('billing')] })).map((x) => x.name).sort();
    expect(d).toEqual(['Users (billing.users)', 'Users (users)']);
  });
});

describe('text output', () => {
  const text = (color: boolean, result = resultFor(shopFindings())) => render('text', { result, catalog: shopCatalog() }, { color });

  it('has no ANSI codes when color is off, and uses them when on', () => {
    expect(text(false)).not.toMatch(ANSI);
    expect(text(true)).toMatch(ANSI);
  });

  it('groups by severity, critical first, one line per finding with its location, summary last', () => {
    const out = text(false);
    const lines = out.trimEnd().split('\n');
    const order = ['CRITICAL (1)', 'HIGH (1)', 'MEDIUM (1)', 'LOW (4)', 'INFO (1)'].map((h) => lines.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(out).toContain('  H1  unindexed-foreign-key  payments.order_id  supabase/migrations/20240101000000_init.sql:64:3\n      payments.order_id references orders');
    expect(lines[lines.length - 2]).toMatch(/^Summary {2}1 critical · 1 high · 1 medium · 4 low · 1 info · 2 suppressed$/);
    expect(lines[lines.length - 1]).toMatch(/9 tables · 17 indexes · 8 foreign keys · grade D$/);
    expect(out.indexOf('Notes')).toBeGreaterThan(out.indexOf('INFO (1)'));
    expect(out).toContain('Extension pg_cron is not available in PGlite');
  });

  it('fits a 100-column terminal', () => {
    const long = finding('H1', 'security-definer-mutable-search-path', 'high', {
      message: 'word '.repeat(80).trim(),
      objects: [{ kind: 'function', schema: 'public', name: 'a_rather_long_function_name_for_testing' }],
      location: { file: 'supabase/migrations/20240101000000_a_very_long_migration_file_name_indeed.sql', line: 1200, column: 14 },
    });
    for (const line of text(false, resultFor([...shopFindings(), long])).split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('says so when there is nothing to report', () => {
    const out = text(false, resultFor([]));
    expect(out).toContain('No findings.');
    expect(out).toMatch(/grade A\n$/);
  });

  it('wraps words without losing any', () => {
    const lines = wrap('alpha beta gamma delta', 14, '  ');
    expect(lines).toEqual(['  alpha beta', '  gamma delta']);
  });
});

describe('json output', () => {
  it('round-trips the result with schemaVersion 1 first', () => {
    const result = resultFor(shopFindings());
    const out = render('json', { result, catalog: shopCatalog() }, { color: true });
    expect(out.endsWith('}\n')).toBe(true);
    expect(out).not.toMatch(ANSI);
    const parsed = JSON.parse(out) as ReviewResult;
    expect(parsed).toEqual(result);
    expect(parsed.schemaVersion).toBe(1);
    expect(Object.keys(parsed)[0]).toBe('schemaVersion');
  });

  it('writes keys in the contract order whatever order they were built in', () => {
    const result = resultFor(shopFindings());
    const scrambled = Object.fromEntries(Object.entries(result).reverse()) as unknown as ReviewResult;
    scrambled.findings = result.findings.map((f) => Object.fromEntries(Object.entries(f).reverse()) as unknown as Finding);
    const parsed = JSON.parse(render('json', { result: scrambled, catalog: shopCatalog() }, { color: false })) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'tool', 'command', 'source', 'engine', 'generatedAt', 'summary', 'findings', 'notes', 'timings']);
    const f = (parsed['findings'] as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    expect(Object.keys(f)).toEqual(['id', 'rule', 'severity', 'category', 'title', 'message', 'rationale', 'objects', 'location', 'details', 'fix', 'fingerprint']);
    expect(Object.keys((f['location'] as Record<string, unknown>))).toEqual(['file', 'line', 'column']);
    expect(Object.keys(parsed['summary'] as Record<string, unknown>)).toEqual(['tables', 'views', 'indexes', 'foreignKeys', 'enums', 'functions', 'policies', 'findings', 'suppressed']);
  });
});

describe('health grade', () => {
  const counts = (c: Partial<Record<'critical' | 'high' | 'medium' | 'low' | 'info', number>>) => ({ critical: 0, high: 0, medium: 0, low: 0, info: 0, ...c });

  it('is A for a clean schema and ignores info', () => {
    expect(computeGrade(counts({}), 10)).toBe('A');
    expect(computeGrade(counts({ info: 50 }), 10)).toBe('A');
  });

  it('weighs findings per table', () => {
    expect(healthGrade(counts({ high: 2, medium: 4, low: 10 }), 20)).toEqual({ grade: 'B', score: 0.85, weighted: 17 });
    expect(computeGrade(counts({ low: 10 }), 200)).toBe('A');
    expect(computeGrade(counts({ low: 10 }), 1)).toBe('B');
    expect(computeGrade(counts({ medium: 5 }), 3)).toBe('C');
    expect(computeGrade(counts({ high: 5 }), 5)).toBe('D');
    expect(computeGrade(counts({ high: 10 }), 5)).toBe('F');
  });

  it('caps the grade at D when anything is critical', () => {
    expect(computeGrade(counts({ critical: 1 }), 500)).toBe('D');
    expect(computeGrade(counts({ critical: 10 }), 3)).toBe('F');
  });
});

describe('golden files', () => {
  const dir = fileURLToPath(new URL('../fixtures/report/', import.meta.url));
  for (const [format, file] of [['md', 'shop.md'], ['text', 'shop.txt']] as const) {
    it(`renders the shop review as ${file}`, () => {
      const out = render(format, { result: resultFor(shopFindings()), catalog: shopCatalog() }, { color: false });
      const path = `${dir}${file}`;
      if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path, out);
      expect(existsSync(path), `${file} missing: run with UPDATE_GOLDEN=1 and review the diff`).toBe(true);
      expect(out).toBe(readFileSync(path, 'utf8'));
    });
  }
});

describe('one-to-one relationships', () => {
  it('draws a unique FK as zero-or-one on the referencing side', () => {
    const c = catalog({
      tables: [
        table('accounts', [col('id', 'bigint')], { constraints: [pk(['id'])] }),
        table('account_limits', [col('id', 'bigint'), col('account_id', 'bigint', { notNull: true })], { constraints: [pk(['id']), fk(['account_id'], 'accounts'), unique(['account_id'])] }),
      ],
    });
    expect(erDiagram(c).source).toContain('accounts ||--o| account_limits : "account_id"');
    expect(erDiagram(c).source).toContain('bigint account_id FK, UK');
  });
});

/** A missing-capability finding the way the rule reports it: severity from priority, title "Missing: …", DDL as the fix. */
function capability(id: string, name: string, title: string, priority: 'high' | 'medium' | 'low', extra: Partial<Finding> = {}): Finding {
  const severity = priority === 'high' ? 'medium' : priority === 'medium' ? 'low' : 'info';
  const tableName = name.replace(/-/g, '_');
  return finding(id, 'missing-capability', severity, {
    category: 'completeness', title: `Missing: ${title}`, rationale: 'An application like this needs it.',
    message: `\`users\` has \`password_hash\` but nothing stores ${title.toLowerCase()}.`,
    objects: [{ kind: 'table', schema: 'public', name: tableName }],
    location: { file: 'supabase/migrations/20240101000000_init.sql', line: 5, column: 3 },
    details: {
      capability: name, priority, trigger: ['`users.password_hash`: the app runs its own sign-in'],
      checked: ['refresh_tokens', 'user_tokens', 'a tokens table with a type column'], table: tableName,
      reason: `Reason for ${name}. A second sentence.`,
    },
    fix: { sql: `CREATE TABLE ${tableName} (\n  id uuid PRIMARY KEY DEFAULT gen_random_uuid()\n);`, notes: `Alternative for ${name}.` },
    ...extra,
  });
}

/** The shop findings plus three missing capabilities, numbered as the runner would (by severity, then rule). */
function withCapabilities(): Finding[] {
  const base = shopFindings();
  const bySeverity = (sev: string) => base.filter((f) => f.severity === sev);
  return [
    ...bySeverity('critical'), ...bySeverity('high'),
    ...bySeverity('medium'), // M1 missing-currency sorts after missing-capability by rule id; order within a severity does not matter here
    capability('M2', 'refresh-tokens', 'Refresh token storage', 'high'),
    capability('M3', 'password-reset', 'Password reset tokens', 'high'),
    ...bySeverity('low'),
    capability('L5', 'user-preferences', 'User preferences', 'medium'),
    ...bySeverity('info'),
    capability('I2', 'search-history', 'Search history', 'low'),
  ];
}

const section = (doc: string, heading: string): string => {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no ${heading}`);
  const next = doc.indexOf('\n## ', start + heading.length + 2);
  return doc.slice(start + 1, next < 0 ? undefined : next);
};

describe('md missing elements', () => {
  it('comes after the findings and before the checklist', () => {
    const hs = headings(md(resultFor(withCapabilities())));
    expect(hs.indexOf('## Missing elements')).toBeGreaterThan(hs.indexOf('## Observations (info)'));
    expect(hs.indexOf('## Missing elements')).toBeLessThan(hs.indexOf('## Checklist'));
  });

  it('summarises by priority, one line per capability with its id', () => {
    const s = section(md(resultFor(withCapabilities())), '## Missing elements');
    const high = s.indexOf('**High priority**');
    const medium = s.indexOf('**Medium priority**');
    const low = s.indexOf('**Low priority**');
    expect(high).toBeGreaterThan(0);
    expect(medium).toBeGreaterThan(high);
    expect(low).toBeGreaterThan(medium);
    expect(s).toContain('- **M2** Refresh token storage: Reason for refresh-tokens.\n- **M3** Password reset tokens: Reason for password-reset.');
    expect(s.slice(medium, low)).toContain('- **L5** User preferences: Reason for user-preferences.');
    expect(s.slice(low)).toContain('- **I2** Search history');
  });

  it('gives each capability its heading, why, evidence, what was checked, the DDL and the alternatives', () => {
    const s = section(md(resultFor(withCapabilities())), '## Missing elements');
    const m2 = s.slice(s.indexOf('### M2 · Missing: Refresh token storage (high priority)'), s.indexOf('### M3'));
    expect(m2).toContain('**Capability** `refresh-tokens`');
    expect(m2).toContain('**Proposed table** `refresh_tokens`');
    expect(m2).toContain('`supabase/migrations/20240101000000_init.sql:5`');
    expect(m2).toContain('**Why it matters.** Reason for refresh-tokens. A second sentence.');
    expect(m2).toContain('**What implies it.** `users.password_hash`: the app runs its own sign-in');
    expect(m2).toContain('`refresh_tokens`; `user_tokens`; a tokens table with a type column');
    expect(m2).toContain('```sql\nCREATE TABLE refresh_tokens (\n  id uuid PRIMARY KEY DEFAULT gen_random_uuid()\n);\n```');
    expect(m2).toContain('Alternative for refresh-tokens.');
    // Blocks follow the priority order, not the id order.
    expect(s.indexOf('### L5 · Missing: User preferences (medium priority)')).toBeLessThan(s.indexOf('### I2 · Missing: Search history (low priority)'));
  });

  it('is not repeated among the findings, but still counted and on the checklist', () => {
    const doc = md(resultFor(withCapabilities()));
    expect(doc.match(/### M2 ·/g)?.length).toBe(1);
    expect(section(doc, '## Medium findings')).not.toContain('missing-capability');
    expect(section(doc, '## Observations (info)')).not.toContain('I2');
    expect(section(doc, '## Summary')).toContain('| Medium | 3 | `missing-currency`, `missing-capability` ×2 |');
    const tasks = doc.split('\n').filter((l) => l.startsWith('- [ ] '));
    expect(tasks).toContain('- [ ] M2 Add refresh token storage (missing-capability, high priority)');
    expect(tasks).toContain('- [ ] L5 Add user preferences (missing-capability, medium priority)');
    expect(tasks).toContain('- [ ] I2 Add search history (missing-capability, low priority)');
  });

  it('leaves out a severity section that only held missing capabilities', () => {
    const doc = md(resultFor([shopFindings()[0] as Finding, capability('M1', 'refresh-tokens', 'Refresh token storage', 'high')]));
    expect(headings(doc)).not.toContain('## Medium findings');
    expect(headings(doc)).toContain('## Missing elements');
  });

  it('names the missing elements in the summary but keeps them out of the biggest risks', () => {
    const summary = section(md(resultFor(withCapabilities())), '## Summary');
    expect(summary).toContain('**Missing elements:** 4 (2 high priority): Refresh token storage (M2), Password reset tokens (M3), User preferences (L5) and Search history (I2).');
    expect(summary).toContain('3. **M1** Money amount without a currency');
    const only = section(md(resultFor([capability('M1', 'refresh-tokens', 'Refresh token storage', 'high')])), '## Summary');
    expect(only).not.toContain('Biggest risks');
    expect(only).toContain('No findings in the existing design; the missing elements are below.');
  });

  it('names a capability from its details, its title, or the catalogue, in that order', () => {
    const own = capability('M1', 'sessions', 'Session tracking', 'high', { details: { capability: 'sessions', priority: 'high', title: 'Server-side sessions' } });
    const plainTitle = capability('M2', 'audit-log', 'x', 'high', { title: 'Missing capability' });
    const unknown = capability('M3', 'magic-links', 'x', 'high', { title: 'Missing capability' });
    expect(actionFor(own)).toBe('Add server-side sessions');
    expect(actionFor(capability('M4', 'oauth-accounts', 'OAuth account links', 'high'))).toBe('Add OAuth account links');
    expect(actionFor(plainTitle)).toBe('Add audit log');
    expect(actionFor(unknown)).toBe('Add magic links');
    const doc = md(resultFor([own]));
    expect(doc).toContain('### M1 · Missing: Server-side sessions (high priority)');
    // Without trigger and checked lists, the message says what the evidence is.
    expect(section(doc, '## Missing elements')).toContain('nothing stores session tracking');
  });

  it('is absent when nothing is missing', () => {
    expect(headings(md())).not.toContain('## Missing elements');
  });
});

describe('md tenancy', () => {
  const tenancy = (source: 'config' | 'inferred', carriers = 11, scoped = 13): ReviewResult['tenancy'] => ({
    column: 'organization_id', parent: 'public.organizations', source, carriers, scoped,
    evidence: source === 'config' ? '`organization_id` is set as the tenant column in the configuration' : '`organization_id` references `organizations` and is carried by 11 of the 13 tables reachable from it',
  });

  it('says in the inventory which tenant key was inferred, from what, and how to change it', () => {
    const inv = section(md(resultFor([], { tenancy: tenancy('inferred') })), '## Inventory');
    const t = inv.slice(inv.indexOf('### Tenancy'));
    expect(t).toContain('scoped to a tenant by `organization_id` → `organizations`, inferred from the schema: `organization_id` references `organizations` and is carried by 11 of the 13 tables reachable from it.');
    expect(t).toContain('set `tenantColumn` in the configuration');
    expect(t).toContain('11 of 13 tenant-owned tables carry it');
    // Beside row level security, before the extensions.
    expect(inv.indexOf('### Row level security')).toBeLessThan(inv.indexOf('### Tenancy'));
    expect(inv.indexOf('### Tenancy')).toBeLessThan(inv.indexOf('### Extensions'));
  });

  it('says when the key was configured', () => {
    const inv = section(md(resultFor([], { tenancy: tenancy('config', 13, 13) })), '## Inventory');
    expect(inv).toContain('Rows are scoped to a tenant by `organization_id` → `organizations`, as configured (`tenantColumn`).');
    expect(inv).toContain('All 13 tenant-owned tables carry it.');
    expect(inv).not.toContain('inferred');
  });

  it('says nothing about tenancy in a single-tenant schema', () => {
    expect(md(resultFor([], { tenancy: null }))).not.toContain('Tenancy');
    expect(md(resultFor([]))).not.toContain('Tenancy');
  });
});

describe('md suppressed findings', () => {
  const sup = (rule: string, by: SuppressedFinding['by'], reason: string | null, extra: Partial<SuppressedFinding> = {}): SuppressedFinding => ({
    rule, severity: 'high', fingerprint: `fp-${rule}-${by}`, objects: [{ kind: 'column', schema: 'public', table: 'orders', name: 'user_id' }],
    location: { file: 'db/schema.sql', line: 9, column: 3 }, by, reason, ...extra,
  });
  const list = [
    sup('missing-comment', 'baseline', null, { severity: 'low', objects: [{ kind: 'table', schema: 'public', name: 'orders' }], location: null }),
    sup('unindexed-foreign-key', 'inline', 'tiny table | never deleted'),
    sup('plaintext-secret', 'ignore', 'hashed by the app'),
    sup('missing-foreign-key', 'comment', null),
    sup('rls-disabled', 'config', null, { severity: 'critical' }),
  ];

  it('lists them in the appendix by kind, with their reasons, and says so in the summary', () => {
    const doc = md(resultFor(shopFindings(), { suppressed: list, summary: { ...resultFor([]).summary, suppressed: 5 } }));
    expect(section(doc, '## Summary')).toContain('5 findings were suppressed (1 by rule off in config, 1 by config ignore, 1 by inline comment, 1 by COMMENT ON marker, 1 by baseline); they are listed in the appendix.');
    const appendix = section(doc, '## Appendix');
    expect(appendix.indexOf('### Suppressed findings')).toBeLessThan(appendix.indexOf('### ER diagram'));
    const rows = appendix.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| `rls-disabled`', '| `plaintext-secret`', '| `unindexed-foreign-key`', '| `missing-foreign-key`', '| `missing-comment`']);
    expect(rows).toContain('| `unindexed-foreign-key` | High | `orders.user_id` | `db/schema.sql:9` | inline comment | tiny table \\| never deleted |');
    expect(rows).toContain('| `missing-comment` | Low | `orders` | — | baseline | — |');
    expect(rows).toContain('| `plaintext-secret` | High | `orders.user_id` | `db/schema.sql:9` | config ignore | hashed by the app |');
  });

  it('caps a long baseline and points to the JSON for the rest', () => {
    const many = Array.from({ length: 60 }, (_, i) => sup('missing-comment', 'baseline', null, { fingerprint: `fp${i}`, objects: [{ kind: 'table', schema: 'public', name: `t${i}` }] }));
    const appendix = section(md(resultFor([], { suppressed: many, summary: { ...resultFor([]).summary, suppressed: 60 } })), '## Appendix');
    expect(appendix.split('\n').filter((l) => l.startsWith('| `missing-comment`'))).toHaveLength(50);
    expect(appendix).toContain('… and 10 more; `--format json` lists them all.');
  });

  it('keeps the summary sentence when only the count is known', () => {
    expect(md()).toContain('2 findings were suppressed by configuration, inline comments or the baseline.');
    expect(md()).not.toContain('### Suppressed findings');
  });
});

describe('checklist phrases', () => {
  const ids = [
    'enum-like-without-check', 'missing-currency', 'missing-timestamps', 'updated-at-without-trigger', 'audit-timestamp-nullable',
    'case-sensitive-unique', 'soft-delete-unique', 'junction-without-unique', 'missing-domain-check', 'nullable-boolean',
    'exclusive-flag-unenforced', 'tenant-column-missing', 'tenant-column-nullable', 'tenant-unique-not-scoped',
    'tenant-foreign-key-not-scoped', 'tenant-rls-not-scoped', 'naming-convention', 'mixed-table-plurality', 'reserved-word-identifier',
    'identifier-too-long', 'table-inheritance', 'rule-defined', 'unlogged-table', 'repeating-column-group', 'id-array-instead-of-junction',
    'catch-all-jsonb', 'isolated-table', 'missing-comment', 'missing-capability',
  ];

  it('has an imperative for every new rule that names its object, not the title fallback', () => {
    for (const id of ids) {
      const f = finding('M1', id, 'medium', { objects: [{ kind: 'table', schema: 'public', name: 'orders' }], details: { capability: 'audit-log' } });
      const phrase = actionFor(f);
      expect(phrase, id).not.toContain(`Title of ${id}`);
      expect(phrase, id).toMatch(/^[A-Z]/);
      if (id !== 'missing-capability') expect(phrase, id).toContain('orders');
    }
  });
});

describe('text missing elements', () => {
  const text = (findings: Finding[]) => render('text', { result: resultFor(findings), catalog: shopCatalog() }, { color: false });

  it('lists missing capabilities compactly by priority, apart from the severity groups', () => {
    const out = text(withCapabilities());
    const block = out.slice(out.indexOf('MISSING ELEMENTS (4)'), out.indexOf('Notes'));
    const rows = block.split('\n').filter((l) => /^ {2}[A-Z]\d/.test(l));
    expect(rows).toEqual(['  M2  high    Refresh token storage', '  M3  high    Password reset tokens', '  L5  medium  User preferences', '  I2  low     Search history']);
    expect(block).toContain('--format md');
    expect(out).toContain('MEDIUM (1)');
    expect(out).not.toMatch(/M2 {2}missing-capability/);
    // The totals still count them at their severity.
    expect(out).toMatch(/Summary {2}1 critical · 1 high · 3 medium · 5 low · 2 info · 2 suppressed/);
    for (const line of out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('shows nothing extra when nothing is missing', () => {
    expect(text(shopFindings())).not.toContain('MISSING ELEMENTS');
  });
});
