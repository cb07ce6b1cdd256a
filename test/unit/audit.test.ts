/**
 * The audit's planning (which checks run, over what, sampled or not) on catalogs PGlite builds from SQL,
 * plus the small pure helpers: invariant wrapping, the progress bar, --check-timeout parsing.
 * The SQL the checks produce is executed against data in test/integration/audit-sql.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAudit } from '../../src/audit/plan.js';
import { renderBar } from '../../src/audit/progress.js';
import { invariantSql } from '../../src/audit/checks/invariants.js';
import type { AuditCheck, AuditRuleId, PlanContext, SampleSettings } from '../../src/audit/types.js';
import type { Catalog, Table, TableStats } from '../../src/catalog/model.js';
import { parseDuration } from '../../src/cli/main.js';
import { resolveConfig } from '../../src/config/load.js';
import { validateConfig } from '../../src/config/schema.js';
import { SchemasageError } from '../../src/errors.js';
import type { RuleSetting } from '../../src/rules/run.js';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/rules/types.js';
import { catalogFromSql, closeEngines } from '../support/engine.js';

afterAll(closeEngines);

/** One schema exercising every planner, with a must-not-fire twin next to each case. */
const SCHEMA = `
CREATE EXTENSION citext;

CREATE TABLE teams (id bigint PRIMARY KEY, name text NOT NULL);

-- users: implied FK (team_id), email with no unique index, status with no CHECK, a password hash.
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id bigint,
  email text NOT NULL,
  status text,
  password_hash text,
  nickname text,
  created_at timestamptz
);

-- orders: a NOT VALID foreign key, and every kind of column never-null-column must skip or keep.
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  user_id bigint NOT NULL,
  qty integer,
  price numeric,
  total numeric GENERATED ALWAYS AS (qty * price) STORED,
  note text,
  created_at timestamptz,
  updated_at timestamptz,
  shipped_at timestamptz,
  deleted_at timestamptz,
  due_on date,
  delivery_date date
);
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;

-- invoices: a validated foreign key, and a status limited by a CHECK.
CREATE TABLE invoices (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  status text NOT NULL CHECK (status IN ('draft', 'sent', 'paid'))
);

-- comments: a polymorphic reference (no single parent).
CREATE TABLE comments (
  id bigint PRIMARY KEY,
  commentable_id bigint NOT NULL,
  commentable_type text NOT NULL,
  body text NOT NULL
);

-- duplicate-values variants.
CREATE TABLE subscribers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);
CREATE UNIQUE INDEX accounts_lower_email_key ON accounts (lower(email));
CREATE TABLE customers (id bigint PRIMARY KEY, email citext NOT NULL);
CREATE TABLE profiles (id bigint PRIMARY KEY, email citext NOT NULL UNIQUE);

-- secrets: named hashes, issued tokens, metadata about secrets, provider tokens.
CREATE TABLE api_keys (
  id bigint PRIMARY KEY,
  key_hash text NOT NULL,
  key_prefix text NOT NULL,
  token_type text NOT NULL
);
CREATE TABLE legacy_logins (id bigint PRIMARY KEY, hashed_password text NOT NULL);
CREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), token text NOT NULL);
CREATE TABLE oauth_accounts (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  provider text NOT NULL,
  access_token text NOT NULL
);

-- exclusive flags: one unenforced, one with the partial unique index.
CREATE TABLE addresses (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), is_default boolean NOT NULL DEFAULT false);
CREATE TABLE payment_methods (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), is_default boolean NOT NULL DEFAULT false);
CREATE UNIQUE INDEX payment_methods_one_default ON payment_methods (user_id) WHERE is_default;
`;

let base: Catalog;

beforeAll(async () => {
  base = await catalogFromSql(SCHEMA);
});

function ctx(catalog: Catalog, over: Partial<PlanContext> = {}): PlanContext {
  return { catalog, review: DEFAULT_REVIEW_SETTINGS, invariants: [], configPath: null, sample: null, distinct: new Map(), ...over };
}

function plan(over: Partial<PlanContext> = {}, settings: Record<string, RuleSetting> = {}, catalog: Catalog = base): AuditCheck[] {
  return planAudit(ctx(catalog, over), settings);
}

function labels(checks: AuditCheck[], rule: AuditRuleId): string[] {
  return checks.filter((c) => c.rule === rule).map((c) => c.label);
}

function only(checks: AuditCheck[], rule: AuditRuleId, label: string): AuditCheck {
  const found = checks.filter((c) => c.rule === rule && c.label === label);
  expect(found, `${rule} ${label} among ${labels(checks, rule).join(' | ')}`).toHaveLength(1);
  return found[0] as AuditCheck;
}

function stats(rowEstimate: number): TableStats {
  return { rowEstimate, totalBytes: 0, tableBytes: 0, seqScans: 0, idxScans: 0, liveTuples: rowEstimate, deadTuples: 0, lastAutovacuum: null };
}

function table(c: Catalog, name: string): Table {
  const t = c.tables.find((x) => x.schema === 'public' && x.name === name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
}

describe('planAudit: orphaned-rows', () => {
  it('plans the NOT VALID foreign key and the implied team_id, nothing for validated or polymorphic references', () => {
    const checks = plan();
    expect(labels(checks, 'orphaned-rows')).toEqual(['orders.user_id → users', 'users.team_id → teams']);
    const notValid = only(checks, 'orphaned-rows', 'orders.user_id → users');
    expect(notValid.objects).toContainEqual(expect.objectContaining({ kind: 'constraint', name: 'orders_user_id_fkey' }));
    expect(notValid.sql).toContain('FROM public.orders AS t WHERE t.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.users AS p WHERE p.id = t.user_id)');
    expect(notValid.reads).toEqual([{ schema: 'public', table: 'orders' }, { schema: 'public', table: 'users' }]);
    const implied = only(checks, 'orphaned-rows', 'users.team_id → teams');
    expect(implied.sql).toContain('t.team_id IS NOT NULL');
    // Validated FKs (invoices, sessions, oauth_accounts, addresses, payment_methods → users) and comments.commentable_id: none.
    for (const c of checks.filter((x) => x.rule === 'orphaned-rows')) {
      expect(c.label).not.toMatch(/^(invoices|sessions|oauth_accounts|addresses|payment_methods|comments)\./);
    }
  });
});

describe('planAudit: duplicate-values', () => {
  it('folds case for a case-sensitive unique email and for an unindexed users.email, not for citext', () => {
    const checks = plan();
    expect(labels(checks, 'duplicate-values').sort()).toEqual(['customers (email)', 'subscribers (lower(email))', 'users (lower(email))']);
    const cs = only(checks, 'duplicate-values', 'subscribers (lower(email))');
    // Already unique case-sensitively: only rows with a capital are grouped, each joined to its lowercase twin by the index.
    expect(cs.sql).toContain(`t.email COLLATE "C" <> lower(t.email COLLATE "C")`);
    expect(cs.sql).toContain('WHERE u.email = up.val');
    const implied = only(checks, 'duplicate-values', 'users (lower(email))');
    expect(implied.sql).toContain('GROUP BY lower(t.email)');
    expect(implied.sql).toContain('HAVING count(*) > 1');
    const citext = only(checks, 'duplicate-values', 'customers (email)');
    expect(citext.sql).toContain('GROUP BY t.email ');
    expect(citext.sql).not.toContain('lower(');
  });

  it('plans nothing for a unique index on lower(email) or a unique citext email', () => {
    const checks = plan();
    const tables = checks.filter((c) => c.rule === 'duplicate-values').map((c) => c.reads[0]?.table);
    expect(tables).not.toContain('accounts');
    expect(tables).not.toContain('profiles');
  });
});

describe('planAudit: observed-enum-values', () => {
  it('plans status with no CHECK, not status limited by a CHECK', () => {
    const checks = plan();
    const enumLabels = labels(checks, 'observed-enum-values');
    expect(enumLabels).toContain('users.status');
    expect(enumLabels).not.toContain('invoices.status');
    expect(only(checks, 'observed-enum-values', 'users.status').sql).toMatch(/GROUP BY 1 .*LIMIT 31$/);
  });

  it('skips a column whose statistics show far more distinct values than a closed set has', () => {
    const distinct = new Map([['public.users.status', 500]]);
    expect(labels(plan({ distinct }), 'observed-enum-values')).not.toContain('users.status');
    // A handful of distinct values in the statistics: still planned.
    expect(labels(plan({ distinct: new Map([['public.users.status', 4]]) }), 'observed-enum-values')).toContain('users.status');
  });
});

describe('planAudit: unhashed-secret-values', () => {
  it('plans columns named as hashes and issued tokens, not prefixes, token types or provider tokens', () => {
    const checks = plan();
    expect(labels(checks, 'unhashed-secret-values').sort()).toEqual([
      'api_keys.key_hash', 'legacy_logins.hashed_password', 'sessions.token', 'users.password_hash',
    ]);
    const all = labels(checks, 'unhashed-secret-values');
    expect(all).not.toContain('api_keys.key_prefix');
    expect(all).not.toContain('api_keys.token_type');
    expect(all).not.toContain('oauth_accounts.access_token');
    // Counts only: the statement never selects the column's values.
    const pw = only(checks, 'unhashed-secret-values', 'users.password_hash');
    expect(pw.sql).toMatch(/^SELECT count\(t\.password_hash\) AS total, count\(\*\) FILTER \(WHERE t\.password_hash = ''\) AS empty, count\(\*\) FILTER \(WHERE .*\) AS bad/);
    expect(pw.sql).not.toMatch(/(min|max|array_agg)\(t\.password_hash/);
  });
});

describe('planAudit: exclusive-flag-violation', () => {
  it('plans is_default per owner when no partial unique index enforces it, not when one does', () => {
    const checks = plan();
    expect(labels(checks, 'exclusive-flag-violation')).toEqual(['addresses.is_default per user_id']);
    const c = only(checks, 'exclusive-flag-violation', 'addresses.is_default per user_id');
    expect(c.sql).toContain('WHERE t.is_default GROUP BY t.user_id HAVING count(*) > 1');
  });
});

describe('planAudit: never-null-column', () => {
  it('counts created_at, updated_at and plain nullable columns; skips PK, identity, generated and event timestamps', () => {
    const checks = plan();
    const orders = checks.find((c) => c.rule === 'never-null-column' && c.reads[0]?.table === 'orders');
    expect(orders).toBeDefined();
    const counted = [...(orders as AuditCheck).sql.matchAll(/count\(([a-z_]+)\)/g)].map((m) => m[1]);
    expect(counted).toEqual(['qty', 'price', 'note', 'created_at', 'updated_at']);
    expect(orders?.label).toBe('orders (5 nullable columns)');
    const users = checks.find((c) => c.rule === 'never-null-column' && c.reads[0]?.table === 'users');
    expect([...(users as AuditCheck).sql.matchAll(/count\(([a-z_]+)\)/g)].map((m) => m[1])).toEqual([
      'team_id', 'status', 'password_hash', 'nickname', 'created_at',
    ]);
    // Tables whose columns are all NOT NULL get no check.
    expect(checks.some((c) => c.rule === 'never-null-column' && c.reads[0]?.table === 'invoices')).toBe(false);
  });

  it('excludes the primary key and identity columns by what they are, not only because they are NOT NULL', () => {
    const c = structuredClone(base);
    for (const col of table(c, 'orders').columns) if (col.name === 'id' || col.name === 'seq') col.notNull = false;
    const orders = planAudit(ctx(c)).find((x) => x.rule === 'never-null-column' && x.reads[0]?.table === 'orders');
    expect(orders?.sql).not.toMatch(/count\((id|seq)\)/);
    expect(orders?.sql).toContain('count(qty)');
  });

  it('config "rules": { "never-null-column": "off" } removes those checks and keeps the rest', () => {
    const parsed = validateConfig({ rules: { 'never-null-column': 'off' } });
    expect(parsed.ok).toBe(true);
    const config = resolveConfig(parsed.ok ? parsed.config : {}, { path: 'schemasage.config.json', dir: '/p' });
    expect(config.settings['never-null-column']).toEqual({ level: 'off', options: {} });
    const on = plan();
    const off = plan({}, config.settings);
    expect(on.filter((c) => c.rule === 'never-null-column').length).toBeGreaterThan(0);
    expect(off.filter((c) => c.rule === 'never-null-column')).toEqual([]);
    expect(off.map((c) => `${c.rule} ${c.label}`)).toEqual(on.filter((c) => c.rule !== 'never-null-column').map((c) => `${c.rule} ${c.label}`));
  });
});

describe('planAudit: order and invariants', () => {
  it('orders checks by rule in contract order, then by label; invariants keep the config order', () => {
    const invariants = [
      { name: 'zeta', sql: 'NOT EXISTS (SELECT 1 FROM orders WHERE qty < 0)', message: 'negative quantity' },
      { name: 'alpha', sql: 'SELECT true', message: 'never' },
    ];
    const checks = plan({ invariants });
    const rules = checks.map((c) => c.rule);
    const order = ['orphaned-rows', 'duplicate-values', 'observed-enum-values', 'never-null-column', 'unhashed-secret-values', 'exclusive-flag-violation', 'invariant-violation'];
    expect(rules).toEqual([...rules].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    expect(labels(checks, 'invariant-violation')).toEqual(['invariant "zeta"', 'invariant "alpha"']);
    expect(only(checks, 'invariant-violation', 'invariant "zeta"').sql).toBe('SELECT (\nNOT EXISTS (SELECT 1 FROM orders WHERE qty < 0)\n) AS ok');
    for (const rule of order.slice(0, -1)) {
      const ls = labels(checks, rule as AuditRuleId);
      expect(ls).toEqual([...ls].sort());
    }
  });
});

describe('planAudit: sampling', () => {
  const sample: SampleSettings = { percent: 5, minRows: 1000 };

  function sampledCatalog(): Catalog {
    const c = structuredClone(base);
    for (const t of c.tables) t.stats = stats(10);
    table(c, 'orders').stats = stats(5000);
    table(c, 'teams').stats = stats(5000);
    return c;
  }

  it('reads a table with ≥ minRows estimated rows through TABLESAMPLE SYSTEM (percent), smaller ones whole', () => {
    const checks = plan({ sample }, {}, sampledCatalog());
    const onOrders = checks.filter((c) => c.reads[0]?.table === 'orders');
    expect(onOrders.map((c) => c.rule).sort()).toEqual(['never-null-column', 'orphaned-rows']);
    for (const c of onOrders) {
      expect(c.sampled).toBe(true);
      expect(c.sql).toContain('AS t TABLESAMPLE SYSTEM (5)');
    }
    const others = checks.filter((c) => c.reads[0]?.table !== 'orders' && c.reads.length > 0);
    expect(others.length).toBeGreaterThan(5);
    for (const c of others) {
      expect(c.sampled, c.label).toBe(false);
      expect(c.sql, c.label).not.toContain('TABLESAMPLE');
    }
  });

  it('never samples the parent of an orphan check (a sampled parent would invent orphans)', () => {
    const checks = plan({ sample }, {}, sampledCatalog());
    // teams is huge, users (the child) is small: the anti-join reads all of teams.
    const c = only(checks, 'orphaned-rows', 'users.team_id → teams');
    expect(c.sampled).toBe(false);
    expect(c.sql).not.toContain('TABLESAMPLE');
  });

  it('reads everything whole without --sample, whatever the estimates, and whole when stats are absent', () => {
    for (const c of plan({}, {}, sampledCatalog())) {
      expect(c.sampled).toBe(false);
      expect(c.sql).not.toContain('TABLESAMPLE');
    }
    // base has stats: null (not a live catalog): nothing is sampled even with --sample.
    for (const c of plan({ sample })) expect(c.sampled).toBe(false);
  });
});

describe('invariantSql', () => {
  it('wraps a predicate in SELECT (…) AS ok', () => {
    expect(invariantSql('NOT EXISTS (SELECT 1 FROM orders WHERE total < 0)')).toBe('SELECT (\nNOT EXISTS (SELECT 1 FROM orders WHERE total < 0)\n) AS ok');
    expect(invariantSql('  1 = 1  ')).toBe('SELECT (\n1 = 1\n) AS ok');
  });

  it('leaves a whole query as it is', () => {
    expect(invariantSql('SELECT count(*) = 0 FROM orders')).toBe('SELECT count(*) = 0 FROM orders');
    expect(invariantSql('select true')).toBe('select true');
    expect(invariantSql('WITH x AS (SELECT 1) SELECT count(*) = 1 FROM x')).toBe('WITH x AS (SELECT 1) SELECT count(*) = 1 FROM x');
    expect(invariantSql('-- totals match\nSELECT true')).toBe('-- totals match\nSELECT true');
    expect(invariantSql('/* one owner */ SELECT true')).toBe('/* one owner */ SELECT true');
  });

  it('drops a trailing semicolon', () => {
    expect(invariantSql('SELECT true;')).toBe('SELECT true');
    expect(invariantSql('NOT EXISTS (SELECT 1 FROM orders);  \n')).toBe('SELECT (\nNOT EXISTS (SELECT 1 FROM orders)\n) AS ok');
  });
});

describe('renderBar', () => {
  it('draws a 24-cell bar with done/total and the label', () => {
    expect(renderBar(6, 24, 'orphaned-rows orders.user_id → users')).toBe(`audit [${'#'.repeat(6)}${'-'.repeat(18)}] 6/24 orphaned-rows orders.user_id → users`);
    expect(renderBar(0, 10, 'x')).toBe(`audit [${'-'.repeat(24)}] 0/10 x`);
    expect(renderBar(10, 10, 'done')).toBe(`audit [${'#'.repeat(24)}] 10/10 done`);
    // Nothing to do counts as complete, not a division by zero.
    expect(renderBar(0, 0, 'done')).toBe(`audit [${'#'.repeat(24)}] 0/0 done`);
    expect(renderBar(1, 3, 'x')).toContain(`[${'#'.repeat(8)}${'-'.repeat(16)}]`);
  });

  it('stays within a terminal too narrow for the label', () => {
    for (const columns of [10, 20, 36]) expect(renderBar(3, 7, 'orphaned-rows orders.user_id → users', columns).length).toBeLessThan(columns);
  });

  it('cuts a long label with … so the line stays within the terminal width', () => {
    const label = `duplicate-values ${'very_long_table_name_'.repeat(10)}(lower(email))`;
    for (const columns of [60, 80, 120]) {
      const line = renderBar(3, 7, label, columns);
      expect(line.length).toBeLessThan(columns);
      expect(line.endsWith('…')).toBe(true);
      expect(line.startsWith(`audit [${'#'.repeat(10)}${'-'.repeat(14)}] 3/7 duplicate-values`)).toBe(true);
      // As much of the label as fits is kept.
      expect(line.length).toBeGreaterThanOrEqual(columns - 2);
    }
    // A label that fits is not touched.
    expect(renderBar(3, 7, 'short', 60).endsWith('] 3/7 short')).toBe(true);
  });
});

describe('parseDuration (--check-timeout)', () => {
  it('reads s, ms, m, and bare numbers as seconds', () => {
    expect(parseDuration('30s', '--check-timeout')).toBe(30_000);
    expect(parseDuration('500ms', '--check-timeout')).toBe(500);
    expect(parseDuration('2m', '--check-timeout')).toBe(120_000);
    expect(parseDuration('1.5', '--check-timeout')).toBe(1500);
  });

  it('rejects what is not a positive duration, naming the flag', () => {
    for (const bad of ['abc', '0ms', '', '-5s', '10h']) {
      expect(() => parseDuration(bad, '--check-timeout'), bad).toThrow(SchemasageError);
    }
    expect(() => parseDuration('abc', '--check-timeout')).toThrow(/--check-timeout abc/);
  });
});
