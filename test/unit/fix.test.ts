/** The fix planner on Catalog fixtures: phases, dependencies, dedupe, collisions, human-input skips, pre-checks. */
import { parseSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMigration, fixStatements, renderMigration, selectFindings, type Migration } from '../../src/fix/index.js';
import { schemaView } from '../../src/fix/statements.js';
import type { Finding, Severity } from '../../src/result.js';
import { ensureParser } from '../../src/sources/split.js';
import { catalog, col, idx, pk, table, unique } from '../support/build.js';

beforeAll(async () => {
  await ensureParser();
});

const PREFIX: Record<Severity, string> = { critical: 'C', high: 'H', medium: 'M', low: 'L', info: 'I' };
let n = 0;
function finding(rule: string, sql: string | null, opts: { severity?: Severity; id?: string; table?: string; capability?: string } = {}): Finding {
  const severity = opts.severity ?? 'high';
  n++;
  return {
    id: opts.id ?? `${PREFIX[severity]}${n}`, rule, severity, category: 'test', title: rule, message: `${rule} message`, rationale: '',
    objects: [{ kind: 'table', schema: 'public', name: opts.table ?? 'orders' }], location: null,
    details: opts.capability ? { capability: opts.capability } : {}, fix: sql === null ? null : { sql }, fingerprint: `fp-${rule}-${n}`,
  };
}

const shop = catalog({
  tables: [
    table('customers', [col('id', 'bigint'), col('email', 'text')], { constraints: [pk(['id'], 'customers_pkey')] }),
    table('coupons', [col('id', 'bigint'), col('code', 'text')], { constraints: [pk(['id'], 'coupons_pkey')] }),
    table('orders', [col('id', 'bigint'), col('customer_id', 'bigint'), col('coupon_id', 'bigint'), col('total', 'numeric'), col('status', 'text')], {
      constraints: [pk(['id'], 'orders_pkey'), unique(['status', 'id'], 'orders_status_id_key')],
      indexes: [idx('orders_status_idx', ['status'])],
    }),
  ],
});

function plan(findings: Finding[]): Migration {
  return buildMigration(findings, schemaView(shop), shop);
}

/** The executable statements in file order, each as `phase: sql`. */
function order(m: Migration): string[] {
  return renderMigration(m, { source: 'shop.sql', version: 'test', orm: null }).statements.map((s) => `${s.phase ?? '-'}: ${s.sql}`);
}

describe('phases', () => {
  it('puts NOT VALID constraints in the transaction, index builds after it, validation last', () => {
    const f = finding('missing-foreign-key', `CREATE INDEX CONCURRENTLY orders_coupon_id_idx ON orders (coupon_id);
ALTER TABLE orders ADD CONSTRAINT orders_coupon_id_fkey FOREIGN KEY (coupon_id) REFERENCES coupons (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_coupon_id_fkey;`);
    expect(order(plan([f]))).toEqual([
      "-: SET lock_timeout = '5s'",
      '-: BEGIN',
      'transaction: ALTER TABLE orders ADD CONSTRAINT orders_coupon_id_fkey FOREIGN KEY (coupon_id) REFERENCES coupons (id) NOT VALID',
      '-: COMMIT',
      'concurrent: CREATE INDEX CONCURRENTLY orders_coupon_id_idx ON orders (coupon_id)',
      'validate: ALTER TABLE orders VALIDATE CONSTRAINT orders_coupon_id_fkey',
    ]);
  });

  it('keeps what a fix does after validating behind the validation, and what does not depend on it in the transaction', () => {
    const f = finding('tenant-column-missing', `ALTER TABLE orders ADD COLUMN team_id uuid;
UPDATE orders SET team_id = NULL WHERE team_id IS NULL;
ALTER TABLE orders ADD CONSTRAINT orders_team_id_not_null CHECK (team_id IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_team_id_not_null;
ALTER TABLE orders ALTER COLUMN team_id SET NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_team_id_not_null;
ALTER TABLE orders ADD CONSTRAINT orders_team_id_fkey FOREIGN KEY (team_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_team_id_fkey;
CREATE INDEX CONCURRENTLY orders_team_id_idx ON orders (team_id);`);
    const rows = order(plan([f]));
    expect(rows.filter((r) => r.startsWith('transaction:'))).toEqual([
      'transaction: ALTER TABLE orders ADD COLUMN team_id uuid',
      'transaction: UPDATE orders SET team_id = NULL WHERE team_id IS NULL',
      'transaction: ALTER TABLE orders ADD CONSTRAINT orders_team_id_not_null CHECK (team_id IS NOT NULL) NOT VALID',
      'transaction: ALTER TABLE orders ADD CONSTRAINT orders_team_id_fkey FOREIGN KEY (team_id) REFERENCES customers (id) NOT VALID',
    ]);
    expect(rows.filter((r) => r.startsWith('validate:'))).toEqual([
      'validate: ALTER TABLE orders VALIDATE CONSTRAINT orders_team_id_not_null',
      'validate: ALTER TABLE orders ALTER COLUMN team_id SET NOT NULL',
      'validate: ALTER TABLE orders DROP CONSTRAINT orders_team_id_not_null',
      'validate: ALTER TABLE orders VALIDATE CONSTRAINT orders_team_id_fkey',
    ]);
    expect(rows.indexOf('concurrent: CREATE INDEX CONCURRENTLY orders_team_id_idx ON orders (team_id)')).toBeLessThan(rows.indexOf('validate: ALTER TABLE orders VALIDATE CONSTRAINT orders_team_id_not_null'));
  });

  it('attaches a unique constraint to its concurrently built index after the build', () => {
    const f = finding('junction-without-unique', `CREATE UNIQUE INDEX CONCURRENTLY orders_customer_coupon_key ON orders (customer_id, coupon_id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_coupon_key UNIQUE USING INDEX orders_customer_coupon_key;`);
    expect(order(plan([f])).slice(1)).toEqual([
      'concurrent: CREATE UNIQUE INDEX CONCURRENTLY orders_customer_coupon_key ON orders (customer_id, coupon_id)',
      'attach: ALTER TABLE orders ADD CONSTRAINT orders_customer_coupon_key UNIQUE USING INDEX orders_customer_coupon_key',
    ]);
  });

  it('holds a foreign key back behind the unique index it references, and a drop behind the index that replaces it', () => {
    const f = finding('tenant-foreign-key-not-scoped', `CREATE UNIQUE INDEX CONCURRENTLY coupons_id_code_key ON coupons (id, code);
ALTER TABLE orders ADD CONSTRAINT orders_coupon_fkey FOREIGN KEY (coupon_id, status) REFERENCES coupons (id, code) NOT VALID;`);
    const g = finding('soft-delete-unique', `CREATE UNIQUE INDEX CONCURRENTLY orders_status_live_key ON orders (status, id) WHERE total IS NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_status_id_key;`, { severity: 'medium' });
    const rows = order(plan([f, g]));
    expect(rows).not.toContain('-: BEGIN');
    expect(rows.slice(1)).toEqual([
      'concurrent: CREATE UNIQUE INDEX CONCURRENTLY coupons_id_code_key ON coupons (id, code)',
      'concurrent: ALTER TABLE orders ADD CONSTRAINT orders_coupon_fkey FOREIGN KEY (coupon_id, status) REFERENCES coupons (id, code) NOT VALID',
      'concurrent: CREATE UNIQUE INDEX CONCURRENTLY orders_status_live_key ON orders (status, id) WHERE total IS NOT NULL',
      'concurrent: ALTER TABLE orders DROP CONSTRAINT orders_status_id_key',
    ]);
  });

  it('builds an index on an existing table CONCURRENTLY, and one on a table the migration creates inside the transaction', () => {
    const existing = finding('unindexed-foreign-key', 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);');
    const created = finding('missing-capability', `CREATE TABLE refresh_tokens (id bigint PRIMARY KEY, customer_id bigint NOT NULL);
CREATE INDEX refresh_tokens_customer_id_idx ON refresh_tokens (customer_id);`, { severity: 'medium', capability: 'refresh-tokens', table: 'refresh_tokens' });
    const m = plan([existing, created]);
    expect(order(m)).toEqual([
      "-: SET lock_timeout = '5s'",
      '-: BEGIN',
      'transaction: CREATE TABLE refresh_tokens (id bigint PRIMARY KEY, customer_id bigint NOT NULL)',
      'transaction: CREATE INDEX refresh_tokens_customer_id_idx ON refresh_tokens (customer_id)',
      '-: COMMIT',
      'concurrent: CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)',
    ]);
    expect(m.included[0]?.notes.join(' ')).toMatch(/made CONCURRENTLY: orders already exists/);
  });

  it('adds a CHECK on an existing table NOT VALID and validates it at the end; on a new table it stays as written', () => {
    const f = finding('missing-domain-check', 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);');
    const g = finding('missing-capability', `CREATE TABLE audit_log (id bigint PRIMARY KEY, amount numeric);
ALTER TABLE audit_log ADD CONSTRAINT audit_log_amount_check CHECK (amount >= 0);`, { severity: 'low', capability: 'audit-log', table: 'audit_log' });
    expect(order(plan([f, g])).slice(1)).toEqual([
      '-: BEGIN',
      'transaction: ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID',
      'transaction: CREATE TABLE audit_log (id bigint PRIMARY KEY, amount numeric)',
      'transaction: ALTER TABLE audit_log ADD CONSTRAINT audit_log_amount_check CHECK (amount >= 0)',
      '-: COMMIT',
      'validate: ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check',
    ]);
  });

  it('renames tables and columns last, with what the same fix does to the new name after them', () => {
    const rename = finding('money-as-float', `ALTER TABLE orders ALTER COLUMN total TYPE bigint USING (total * 100)::bigint;
ALTER TABLE orders RENAME COLUMN total TO total_cents;
COMMENT ON COLUMN orders.total_cents IS 'cents';`);
    const other = finding('missing-domain-check', 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;', { severity: 'low' });
    const rows = order(plan([rename, other]));
    expect(rows.slice(-4)).toEqual([
      '-: BEGIN',
      'rename: ALTER TABLE orders RENAME COLUMN total TO total_cents',
      "rename: COMMENT ON COLUMN orders.total_cents IS 'cents'",
      '-: COMMIT',
    ]);
    expect(rows).toContain('validate: ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check');
  });

  it('drops the fix\'s own BEGIN and COMMIT: the migration has its transaction', () => {
    const f = finding('prefer-identity', 'BEGIN;\nALTER TABLE orders ALTER COLUMN id DROP DEFAULT;\nCOMMIT;', { severity: 'low' });
    expect(order(plan([f]))).toEqual(["-: SET lock_timeout = '5s'", '-: BEGIN', 'transaction: ALTER TABLE orders ALTER COLUMN id DROP DEFAULT', '-: COMMIT']);
  });

  it('writes a comment naming the finding before each run of its statements', () => {
    const f = finding('unindexed-foreign-key', 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);', { id: 'H7' });
    const text = renderMigration(plan([f]), { source: 'shop.sql', version: 'test', orm: null }).text;
    expect(text).toMatch(/-- H7 unindexed-foreign-key: orders\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders \(customer_id\);/);
    expect(text.startsWith('-- Generated by schemasage fix test from shop.sql.')).toBe(true);
  });
});

describe('dedupe and collisions', () => {
  it('writes a statement two fixes share once, and says so on the second', () => {
    const a = finding('plaintext-secret', 'CREATE EXTENSION IF NOT EXISTS pgcrypto;\nALTER TABLE customers ADD COLUMN password_hash text;', { id: 'H1' });
    const b = finding('plaintext-secret', 'CREATE EXTENSION  IF NOT EXISTS pgcrypto;\nALTER TABLE orders ADD COLUMN token_hash text;', { id: 'H2' });
    const m = plan([a, b]);
    expect(order(m).filter((r) => r.includes('pgcrypto'))).toEqual(['transaction: CREATE EXTENSION IF NOT EXISTS pgcrypto']);
    expect(m.included[1]?.notes).toEqual(['`CREATE EXTENSION IF NOT EXISTS pgcrypto` is already in H1\'s step']);
    expect(m.skipped).toEqual([]);
  });

  it('keeps one of two equal type changes of a column; two different ones collide and the first by order wins', () => {
    const a = finding('foreign-key-type-mismatch', 'ALTER TABLE orders ALTER COLUMN coupon_id TYPE bigint;', { id: 'H1' });
    const b = finding('inconsistent-column-type', 'ALTER TABLE orders ALTER COLUMN coupon_id TYPE bigint USING coupon_id::bigint;', { id: 'L1', severity: 'low' });
    const c = finding('money-type', 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);', { id: 'M1', severity: 'medium' });
    const d = finding('inconsistent-column-type', 'ALTER TABLE orders ALTER COLUMN total TYPE double precision;', { id: 'L2', severity: 'low' });
    const m = plan([a, c, b, d]);
    expect(m.included.map((p) => p.finding.id)).toEqual(['H1', 'M1', 'L1']);
    expect(m.included[2]?.statements).toEqual([]);
    expect(m.skipped.map((s) => [s.finding.id, s.reason])).toEqual([['L2', expect.stringMatching(/collides with M1's fix \(both change the type of column orders\.total\)/)]]);
  });

  it('skips the second of two fixes that drop the same constraint, and of two renames of one table', () => {
    const a = finding('case-sensitive-unique', 'CREATE UNIQUE INDEX CONCURRENTLY orders_lower_status ON orders (lower(status));\nALTER TABLE orders DROP CONSTRAINT orders_status_id_key;', { id: 'M1', severity: 'medium' });
    const b = finding('soft-delete-unique', 'CREATE UNIQUE INDEX CONCURRENTLY orders_status_live ON orders (status) WHERE total IS NULL;\nALTER TABLE orders DROP CONSTRAINT orders_status_id_key;', { id: 'M2', severity: 'medium' });
    const c = finding('mixed-table-plurality', 'ALTER TABLE coupons RENAME TO coupon;', { id: 'L1', severity: 'low' });
    const d = finding('naming-convention', 'ALTER TABLE coupons RENAME TO "Coupons";', { id: 'L2', severity: 'low' });
    const m = plan([a, b, c, d]);
    expect(m.included.map((p) => p.finding.id)).toEqual(['M1', 'L1']);
    expect(m.skipped.map((s) => s.finding.id)).toEqual(['M2', 'L2']);
    expect(m.skipped[0]?.reason).toMatch(/M1's fix \(both drop constraint orders\.orders_status_id_key\)/);
    expect(m.skipped[1]?.reason).toMatch(/L1's fix \(both rename table coupons\)/);
  });

  it('counts a fix whose every statement an earlier fix has as done by it, even when it drops something', () => {
    const steps = 'ALTER TABLE orders ADD CONSTRAINT orders_status_not_null CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_status_not_null;';
    const a = finding('tenant-column-missing', `ALTER TABLE orders ADD COLUMN region text;\n${steps}`, { id: 'H1' });
    const b = finding('tenant-column-nullable', steps, { id: 'M1', severity: 'medium' });
    const m = plan([a, b]);
    expect(m.skipped).toEqual([]);
    expect(m.included[1]?.statements).toEqual([]);
    expect(order(m).filter((r) => r.includes('DROP CONSTRAINT'))).toHaveLength(1);
  });

  it('skips a fix that creates a different object under a name an earlier fix creates', () => {
    const a = finding('tenant-foreign-key-not-scoped', 'ALTER TABLE orders ADD CONSTRAINT orders_coupon_fkey FOREIGN KEY (coupon_id) REFERENCES coupons (id) ON DELETE CASCADE NOT VALID;', { id: 'M1', severity: 'medium' });
    const b = finding('tenant-foreign-key-not-scoped', 'ALTER TABLE orders ADD CONSTRAINT orders_coupon_fkey FOREIGN KEY (coupon_id) REFERENCES coupons (id) NOT VALID;', { id: 'M2', severity: 'medium' });
    const m = plan([a, b]);
    expect(m.skipped.map((s) => [s.finding.id, s.reason])).toEqual([['M2', expect.stringMatching(/both create constraint orders\.orders_coupon_fkey/)]]);
  });

  it('keeps fixes that touch different objects of one table', () => {
    const a = finding('duplicate-index', 'DROP INDEX CONCURRENTLY orders_status_idx;', { severity: 'medium' });
    const b = finding('missing-domain-check', 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;', { severity: 'low' });
    expect(plan([a, b]).skipped).toEqual([]);
  });
});

describe('fixes that need a human', () => {
  it.each([
    ['a placeholder', 'ALTER TABLE orders ADD CONSTRAINT c CHECK (status IN (<values>));', /placeholder to fill in \(<values>\)/],
    ['comments only', '-- 1. Find the keys in use\n-- 2. Promote them to columns', /guidance in comments only/],
    ['only a query to run first', "SELECT status, count(*) FROM orders GROUP BY 1;\n-- CREATE TYPE status AS ENUM ('a');", /a query whose answer you need/],
    ['SQL that does not parse', 'ALTER TABLE orders ADD COLUMN;\nUPDATE orders SET x = 1 WHERE', /outline to complete by hand/],
    ['no fix at all', null, /no fix SQL/],
  ])('skips a fix with %s, with the reason', (_what, sql, reason) => {
    const m = plan([finding('catch-all-jsonb', sql, { severity: 'info' })]);
    expect(m.included).toEqual([]);
    expect(m.skipped[0]?.reason).toMatch(reason);
  });

  it('leaves out the first step of an expand/contract fix (its finding stays until the old columns go), but not other rules with the same SQL', () => {
    const sql = 'CREATE TABLE order_tags (order_id bigint NOT NULL, tag_id bigint NOT NULL, PRIMARY KEY (order_id, tag_id));\n-- ALTER TABLE orders DROP COLUMN tag_ids;';
    const expand = plan([finding('id-array-instead-of-junction', sql, { severity: 'medium' })]);
    expect(expand.included).toEqual([]);
    expect(expand.skipped[0]?.reason).toMatch(/first step of an expand\/contract change/);
    expect(plan([finding('junction-without-unique', sql, { severity: 'medium' })]).included).toHaveLength(1);
  });

  it('applies SQL whose comparisons or comments only look like placeholders', () => {
    const r = fixStatements(finding('rls-disabled', `ALTER TABLE orders ADD CONSTRAINT orders_range CHECK (total < 100 AND total > 0) NOT VALID;
COMMENT ON TABLE orders IS '<internal>';
-- CREATE POLICY p ON orders USING (<who may see the row>);`));
    expect('statements' in r && r.statements.length).toBe(2);
  });
});

describe('pre-checks', () => {
  const checks = (sql: string) => plan([finding('x', sql)]).preChecks.map((c) => c.sql);

  it('finds the rows a CHECK, a foreign key, a unique index and NOT NULL would reject', () => {
    expect(checks("ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('new', 'paid')) NOT VALID;")).toEqual([
      "SELECT * FROM orders WHERE NOT (status IN ('new', 'paid')) LIMIT 20;",
    ]);
    expect(checks('ALTER TABLE orders ADD CONSTRAINT orders_coupon_id_fkey FOREIGN KEY (coupon_id) REFERENCES coupons NOT VALID;')).toEqual([
      'SELECT c.coupon_id, count(*) FROM orders c WHERE c.coupon_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM coupons p WHERE p.id = c.coupon_id) GROUP BY 1 LIMIT 20;',
    ]);
    expect(checks('CREATE UNIQUE INDEX CONCURRENTLY orders_status_key ON orders USING btree (lower(status) text_pattern_ops DESC, customer_id) WHERE total > 0;')).toEqual([
      'SELECT lower(status), customer_id, count(*) FROM orders WHERE (total > 0) AND lower(status) IS NOT NULL AND customer_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 20;',
    ]);
    expect(checks('ALTER TABLE orders ALTER COLUMN status SET NOT NULL;')).toEqual(['SELECT count(*) FROM orders WHERE status IS NULL;']);
    expect(checks('ALTER TABLE orders ADD COLUMN region text NOT NULL;')).toEqual(['SELECT count(*) FROM orders;']);
  });

  it('cuts expressions by bytes, so text after non-ASCII characters stays whole', () => {
    expect(checks("ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status <> 'déjà vu — ok' AND total >= 0) NOT VALID;")).toEqual([
      "SELECT * FROM orders WHERE NOT (status <> 'déjà vu — ok' AND total >= 0) LIMIT 20;",
    ]);
  });

  it('every pre-check is one valid SQL statement', () => {
    const all = [
      "ALTER TABLE orders ADD CONSTRAINT a CHECK ((total)::numeric > 0 OR status = ')') NOT VALID;",
      'ALTER TABLE orders ADD CONSTRAINT b PRIMARY KEY (id, status);',
      'CREATE UNIQUE INDEX CONCURRENTLY c ON orders ((total + 1), (lower(status)));',
    ].flatMap(checks);
    expect(all).toHaveLength(4);
    for (const sql of all) expect(parseSync(sql).stmts).toHaveLength(1);
  });

  it('has none for new tables, columns the same fix adds, unchanged constraints, and defaults', () => {
    expect(checks('CREATE TABLE t (id bigint);\nALTER TABLE t ADD CONSTRAINT t_check CHECK (id > 0);')).toEqual([]);
    expect(checks('ALTER TABLE orders ADD COLUMN team_id uuid;\nALTER TABLE orders ADD CONSTRAINT x CHECK (team_id IS NOT NULL) NOT VALID;')).toEqual([]);
    expect(checks('ALTER TABLE orders DROP CONSTRAINT orders_coupon_fkey, ADD CONSTRAINT orders_coupon_fkey FOREIGN KEY (coupon_id) REFERENCES coupons (id) ON DELETE RESTRICT NOT VALID;')).toEqual([]);
    expect(checks("ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';")).toEqual([]);
    expect(checks('CREATE INDEX CONCURRENTLY i ON orders (status);')).toEqual([]);
  });
});

describe('selection', () => {
  const all = [
    finding('unindexed-foreign-key', 'CREATE INDEX CONCURRENTLY i ON orders (customer_id);', { id: 'H1' }),
    finding('money-type', 'ALTER TABLE orders ALTER COLUMN total TYPE numeric;', { id: 'M1', severity: 'medium' }),
    finding('missing-capability', 'CREATE TABLE audit_log (id bigint);', { id: 'L1', severity: 'low', capability: 'audit-log' }),
    finding('rls-enabled-no-policy', null, { id: 'H2' }),
  ];

  it('takes every finding at high or above that has a fix by default', () => {
    expect(selectFindings(all, {}).map((f) => f.id)).toEqual(['H1']);
    expect(selectFindings(all, { minSeverity: 'low' }).map((f) => f.id)).toEqual(['H1', 'M1', 'L1']);
  });

  it('adds up selectors of any severity, in review order', () => {
    expect(selectFindings(all, { capabilities: ['audit-log'], findings: ['m1'] }).map((f) => f.id)).toEqual(['M1', 'L1']);
  });

  it('rejects a selector that names nothing, listing what could be chosen', () => {
    expect(() => selectFindings(all, { rules: ['unindexed-foreign-keys'] })).toThrow(/no such rule \(did you mean unindexed-foreign-key\?\)/);
    expect(() => selectFindings(all, { rules: ['boolean-index'] })).toThrow(/no finding of this rule/);
    expect(() => selectFindings(all, { capabilities: ['sessions'] })).toThrow(/not missing it/);
    expect(() => selectFindings(all, { findings: ['H9'] })).toThrow(/H1, M1, L1, H2/);
    try {
      selectFindings(all, { capabilities: ['sessions'] });
    } catch (err) {
      expect(String((err as { hint?: string }).hint)).toMatch(/unindexed-foreign-key \(1\), money-type \(1\)[\s\S]*missing capabilities: audit-log/);
    }
  });
});
