/**
 * Migration safety rules on catalog fixtures and real parsed statements: each rule fires on the
 * risky form and stays quiet on its near misses (new tables, CONCURRENTLY, NOT VALID, widening …).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, TableStats } from '../../src/catalog/model.js';
import { migrationRules } from '../../src/migration/rules/index.js';
import { runMigrationRules } from '../../src/migration/run.js';
import { lockFor, statementLocks } from '../../src/migration/locks.js';
import type { MigrationContext } from '../../src/migration/types.js';
import type { DraftFinding } from '../../src/rules/run.js';
import { ensureParser, splitStatementsSync } from '../../src/sources/split.js';
import { catalog, check, col, enumType, fk, idx, pk, table } from '../support/build.js';

beforeAll(ensureParser);

function base(): Catalog {
  return catalog({
    tables: [
      table('users', [col('id', 'bigint'), col('email', 'character varying(100)'), col('name', 'text'), col('price', 'numeric(10,2)'),
        col('created_at', 'timestamp without time zone'), col('status', 'user_status'), col('age', 'integer')], {
        constraints: [pk(['id'])], indexes: [idx('users_email_idx', ['email'])],
      }),
      table('orders', [col('id', 'bigint'), col('user_id', 'bigint')], { constraints: [pk(['id']), fk(['user_id'], 'users')] }),
      table('legacy', [col('code', 'text'), col('note', 'text')]),
    ],
    enums: [enumType('user_status', ['active', 'paused', 'closed']), enumType('user_status_v2', ['active', 'closed'])],
  });
}

interface Opts {
  pgVersion?: number;
  inTransaction?: boolean;
  stats?: Record<string, Partial<TableStats>>;
  cat?: Catalog;
}

/** Every statement of `sql` as a PR on top of the fixture (all fixture tables existed before). */
function contexts(sql: string, o: Opts = {}): MigrationContext[] {
  const before = o.cat ?? base();
  const statements = splitStatementsSync({ path: 'db/0042_pr.sql', text: sql }, 0);
  const baseTables = new Set(before.tables.map((t) => `${t.schema}.${t.name}`));
  return statements.map((statement, i) => ({
    statement, before, baseTables, inTransaction: o.inTransaction ?? false, pgVersion: o.pgVersion ?? 15,
    previous: statements.slice(0, i),
    tableStats: (schema: string, name: string): TableStats | null => {
      const s = o.stats?.[`${schema}.${name}`];
      return s ? { rowEstimate: 0, totalBytes: 0, tableBytes: 0, seqScans: 0, idxScans: 0, liveTuples: 0, deadTuples: 0, lastAutovacuum: null, ...s } : null;
    },
  }));
}

function run(sql: string, o: Opts = {}): DraftFinding[] {
  return runMigrationRules(contexts(sql, o));
}

function of(rule: string, sql: string, o: Opts = {}): DraftFinding[] {
  return run(sql, o).filter((f) => f.rule === rule);
}

const CASES: Array<[rule: string, fires: string, quiet: string, opts?: Opts]> = [
  ['index-not-concurrent', 'CREATE INDEX users_name_idx ON users (name);',
    'CREATE TABLE tags (id bigint PRIMARY KEY, name text); CREATE INDEX tags_name_idx ON tags (name); CREATE INDEX CONCURRENTLY users_name_idx ON users (name);'],
  ['drop-index-not-concurrent', 'DROP INDEX users_email_idx;', 'DROP INDEX CONCURRENTLY users_email_idx;'],
  ['add-column-rewrites-table', 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
    "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free', ADD COLUMN seen_at timestamptz DEFAULT now();"],
  ['add-required-column', 'ALTER TABLE users ADD COLUMN plan text NOT NULL;',
    "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free'; CREATE TABLE t2 (id int); ALTER TABLE t2 ADD COLUMN x int NOT NULL;"],
  ['set-not-null-scans-table', 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;', 'ALTER TABLE users ALTER COLUMN id SET NOT NULL;'],
  ['column-type-change-rewrites', 'ALTER TABLE users ALTER COLUMN age TYPE bigint;',
    'ALTER TABLE users ALTER COLUMN email TYPE varchar(200); ALTER TABLE users ALTER COLUMN name TYPE varchar; ALTER TABLE users ALTER COLUMN email TYPE text; ALTER TABLE users ALTER COLUMN price TYPE numeric(12,2);'],
  ['constraint-validates-immediately', 'ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);',
    'ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT users_age_check;'],
  ['unique-constraint-not-concurrent', 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
    'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email); ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;'],
  ['add-primary-key-locks', 'ALTER TABLE legacy ADD PRIMARY KEY (code);',
    'CREATE TABLE t2 (id int); ALTER TABLE t2 ADD PRIMARY KEY (id);'],
  ['drop-table', 'DROP TABLE legacy;', 'CREATE TABLE scratch (id int); DROP TABLE scratch;'],
  ['drop-column', 'ALTER TABLE users DROP COLUMN name;', 'ALTER TABLE users ADD COLUMN tmp int; ALTER TABLE users DROP COLUMN tmp;'],
  ['rename-breaks-clients', 'ALTER TABLE users RENAME COLUMN name TO full_name;', 'CREATE TABLE t2 (a int); ALTER TABLE t2 RENAME COLUMN a TO b; ALTER TABLE t2 RENAME TO t3;'],
  ['missing-lock-timeout', 'ALTER TABLE users ADD COLUMN plan text;', "SET lock_timeout = '5s'; ALTER TABLE users ADD COLUMN plan text;"],
  ['concurrent-in-transaction', 'BEGIN; CREATE INDEX CONCURRENTLY users_name_idx ON users (name); COMMIT;',
    'CREATE INDEX CONCURRENTLY users_name_idx ON users (name);'],
  ['enum-value-change', "ALTER TYPE user_status RENAME VALUE 'paused' TO 'suspended';",
    "CREATE TYPE mood AS ENUM ('ok'); ALTER TYPE mood ADD VALUE 'sad'; ALTER TYPE user_status ADD VALUE IF NOT EXISTS 'active';"],
  ['truncate-table', 'TRUNCATE legacy;', 'CREATE TABLE scratch (id int); TRUNCATE scratch;'],
  ['vacuum-full-or-cluster', 'VACUUM FULL users;', 'VACUUM (ANALYZE) users;'],
  ['data-change-in-schema-migration', "UPDATE users SET name = 'x';",
    "CREATE TABLE plans (code text PRIMARY KEY); INSERT INTO plans VALUES ('free');"],
  ['irreversible-change', 'ALTER TABLE users ALTER COLUMN email TYPE varchar(20);', 'ALTER TABLE users ALTER COLUMN email TYPE varchar(200);'],
];

describe('every migration rule fires on the risky form and not on its near miss', () => {
  it('covers all 19 ids, sorted', () => {
    const ids = migrationRules.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(CASES.map((c) => c[0]))).toEqual(new Set(ids));
    expect(ids).toHaveLength(19);
    for (const r of migrationRules) expect(r.meta.category).toBe('migration');
  });
  for (const [rule, bad, good, opts] of CASES) {
    it(`${rule}: fires`, () => {
      const found = of(rule, bad, opts);
      expect(found.length).toBeGreaterThan(0);
      const f = found[0] as DraftFinding;
      expect(f.category).toBe('migration');
      expect(f.location?.file).toBe('db/0042_pr.sql');
      expect(f.fix?.sql).toBeTruthy();
      expect(f.details).toHaveProperty('pgVersion');
    });
    it(`${rule}: quiet on the near miss`, () => {
      expect(of(rule, good, opts)).toEqual([]);
    });
  }
});

describe('index-not-concurrent', () => {
  it('names the index and the table, and gives the CONCURRENTLY form', () => {
    const [f] = of('index-not-concurrent', 'CREATE INDEX users_name_idx ON users (name);');
    expect(f?.message).toContain('`users`');
    expect(f?.fix?.sql).toBe('CREATE INDEX CONCURRENTLY users_name_idx ON users (name);');
    expect(f?.details).toMatchObject({ lock: 'SHARE', scans: true, rewrites: false, tableExistedBefore: true });
    expect(f?.location).toEqual({ file: 'db/0042_pr.sql', line: 1, column: 1 });
  });
  it('raises severity on a big table and estimates the lock; lowers it on a tiny one', () => {
    const big = of('index-not-concurrent', 'CREATE INDEX i ON users (name);', { stats: { 'public.users': { rowEstimate: 5e6, totalBytes: 4 * 1024 ** 3, tableBytes: 3 * 1024 ** 3 } } })[0];
    expect(big?.severity).toBe('critical');
    expect(big?.message).toMatch(/5\.0M rows/);
    expect(big?.message).toMatch(/MB\/s/);
    expect((big?.details.estimate as { lockSeconds: number }).lockSeconds).toBeGreaterThan(10);
    const tiny = of('index-not-concurrent', 'CREATE INDEX i ON users (name);', { stats: { 'public.users': { rowEstimate: 50, totalBytes: 8192 } } })[0];
    expect(tiny?.severity).toBe('low');
  });
});

describe('add-column-rewrites-table by version', () => {
  it('a constant default is catalog-only on PG 15 but rewrites on PG 10', () => {
    const sql = "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';";
    expect(of('add-column-rewrites-table', sql, { pgVersion: 15 })).toEqual([]);
    const [f] = of('add-column-rewrites-table', sql, { pgVersion: 10 });
    expect(f?.message).toContain('before 11');
    expect(f?.fix?.sql).toContain("SET DEFAULT 'free'");
  });
  it('a volatile default rewrites on every version, with a batched backfill', () => {
    const [f] = of('add-column-rewrites-table', 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();');
    expect(f?.fix?.sql).toContain('ADD COLUMN token uuid;');
    expect(f?.fix?.sql).toContain('LIMIT 10000');
    expect(f?.details).toMatchObject({ lock: 'ACCESS EXCLUSIVE', rewrites: true });
  });
});

describe('add-required-column', () => {
  it('is critical when the target says the table has rows, low when empty', () => {
    const sql = 'ALTER TABLE users ADD COLUMN plan text NOT NULL;';
    expect(of('add-required-column', sql, { stats: { 'public.users': { rowEstimate: 1000, totalBytes: 1 } } })[0]?.severity).toBe('critical');
    expect(of('add-required-column', sql, { stats: { 'public.users': { rowEstimate: 0 } } })[0]?.severity).toBe('low');
  });
});

describe('set-not-null-scans-table', () => {
  it('is critical when the column was added empty earlier in the PR: the deploy would fail on any row', () => {
    const found = of('set-not-null-scans-table', 'ALTER TABLE users ADD COLUMN plan text;\nALTER TABLE users ALTER COLUMN plan SET NOT NULL;');
    expect(found.map((f) => f.severity)).toEqual(['critical']);
    expect(found[0]?.title).toContain('this deploy would fail');
    expect(found[0]?.location?.line).toBe(2);
  });
  it('is the ordinary scan finding once the PR backfills the new column first', () => {
    const found = of('set-not-null-scans-table', "ALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';\nALTER TABLE users ALTER COLUMN plan SET NOT NULL;");
    expect(found.map((f) => f.severity)).not.toContain('critical');
    expect(found[0]?.title ?? '').not.toContain('would fail');
  });
  const withCheck = (): Catalog => {
    const c = base();
    c.tables[0]?.constraints.push(check('users_name_nn', 'CHECK ((name IS NOT NULL))', ['name']));
    return c;
  };
  it('a validated CHECK (col IS NOT NULL) spares the scan on PG 12+, not on PG 11', () => {
    const sql = 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;';
    expect(of('set-not-null-scans-table', sql, { cat: withCheck(), pgVersion: 15 })).toEqual([]);
    expect(of('set-not-null-scans-table', sql, { cat: withCheck(), pgVersion: 11 })).toHaveLength(1);
  });
  it('the fix on PG 15 uses NOT VALID then VALIDATE', () => {
    const [f] = of('set-not-null-scans-table', 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;');
    expect(f?.fix?.sql).toMatch(/NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT/);
  });
});

describe('column-type-change-rewrites', () => {
  it('varchar widening, varchar → text and numeric widening are not rewrites', () => {
    expect(of('column-type-change-rewrites', 'ALTER TABLE users ALTER COLUMN email TYPE varchar(255);')).toEqual([]);
    expect(of('column-type-change-rewrites', 'ALTER TABLE users ALTER COLUMN price TYPE numeric;')).toEqual([]);
  });
  it('timestamp → timestamptz is low and says it depends on TimeZone = UTC; quiet after SET timezone', () => {
    const [f] = of('column-type-change-rewrites', 'ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz;');
    expect(f?.severity).toBe('low');
    expect(f?.message).toContain('UTC');
    expect(of('column-type-change-rewrites', "SET timezone = 'UTC'; ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz;")).toEqual([]);
    expect(of('column-type-change-rewrites', 'ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz;', { pgVersion: 11 })[0]?.severity).toBe('high');
  });
  it('a narrowing also reports irreversible-change', () => {
    const rules = run('ALTER TABLE users ALTER COLUMN email TYPE varchar(20);').map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['column-type-change-rewrites', 'irreversible-change']));
  });
});

describe('constraint-validates-immediately', () => {
  it('a foreign key without NOT VALID gets a NOT VALID + VALIDATE fix with an orphan pre-check', () => {
    const [f] = of('constraint-validates-immediately', 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);');
    expect(f?.details).toMatchObject({ lock: 'SHARE ROW EXCLUSIVE', scans: true });
    expect(f?.fix?.sql).toBe(
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n' +
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;');
    expect(f?.fix?.notes).toContain('p.id = c.user_id');
  });
  it('an unnamed CHECK gets the name Postgres would give it', () => {
    const [f] = of('constraint-validates-immediately', 'ALTER TABLE users ADD CHECK (age >= 0);');
    expect(f?.fix?.sql).toContain('VALIDATE CONSTRAINT users_new_check');
  });
});

describe('missing-lock-timeout', () => {
  it('reports once per PR, on the first statement taking SHARE or stronger (a plain CREATE INDEX stalls writes too)', () => {
    const found = of('missing-lock-timeout', 'CREATE INDEX i ON users (name);\nALTER TABLE users ADD COLUMN a int;\nALTER TABLE orders ADD COLUMN b int;');
    expect(found).toHaveLength(1);
    expect(found[0]?.location?.line).toBe(1);
    expect(found[0]?.message).toContain('a SHARE lock');
    expect(found[0]?.fix?.sql).toBe("SET lock_timeout = '5s';");
  });
  it('is quiet for CREATE INDEX CONCURRENTLY (SHARE UPDATE EXCLUSIVE does not block writes)', () => {
    expect(of('missing-lock-timeout', 'CREATE INDEX CONCURRENTLY i ON users (name);')).toEqual([]);
  });
  it('lock_timeout = 0 does not count', () => {
    expect(of('missing-lock-timeout', 'SET lock_timeout = 0; ALTER TABLE users ADD COLUMN a int;')).toHaveLength(1);
  });
});

describe('concurrent-in-transaction', () => {
  it('is critical, says the deploy would fail, and the rest of the PR is still reviewed', () => {
    const found = run('BEGIN;\nCREATE INDEX CONCURRENTLY i ON users (name);\nCOMMIT;\nALTER TABLE users ADD COLUMN plan text NOT NULL;');
    const c = found.find((f) => f.rule === 'concurrent-in-transaction');
    expect(c?.severity).toBe('critical');
    expect(c?.message).toContain('this deploy would fail');
    expect(found.map((f) => f.rule)).toContain('add-required-column');
  });
  it('ADD VALUE inside a transaction fails only before PG 12', () => {
    const sql = "BEGIN; ALTER TYPE user_status ADD VALUE 'banned'; COMMIT;";
    expect(of('concurrent-in-transaction', sql, { pgVersion: 11 })).toHaveLength(1);
    expect(of('concurrent-in-transaction', sql, { pgVersion: 15 })).toEqual([]);
  });
  it('the context flag counts as a transaction (a tool that wraps each file)', () => {
    expect(of('concurrent-in-transaction', 'DROP INDEX CONCURRENTLY users_email_idx;', { inTransaction: true })).toHaveLength(1);
  });
});

describe('destructive changes', () => {
  it('irreversible-change notes data loss for DROP TABLE and DROP COLUMN with a backup', () => {
    const [t] = of('irreversible-change', 'DROP TABLE legacy;');
    expect(t?.message).toContain('every row of `legacy`');
    expect(t?.fix?.sql).toContain('CREATE TABLE legacy_backup AS TABLE legacy;');
    const [c] = of('irreversible-change', 'ALTER TABLE users DROP COLUMN name;');
    expect(c?.fix?.sql).toContain('SELECT id, name FROM users');
  });
  it('irreversible-change reports enum labels removed by a type swap', () => {
    const [f] = of('irreversible-change', "ALTER TABLE users ALTER COLUMN status TYPE user_status_v2 USING (CASE WHEN status = 'paused' THEN 'active' ELSE status::text END)::user_status_v2;");
    expect(f?.message).toContain("'paused'");
  });
  it('rename of a table suggests a view under the old name', () => {
    const [f] = of('rename-breaks-clients', 'ALTER TABLE legacy RENAME TO archive;');
    expect(f?.fix?.sql).toContain('CREATE VIEW legacy AS SELECT * FROM archive;');
  });
  it('UPDATE with a WHERE is medium with a batched form; without is high', () => {
    expect(of('data-change-in-schema-migration', "UPDATE users SET name = 'x';")[0]?.severity).toBe('high');
    const [f] = of('data-change-in-schema-migration', "UPDATE users SET name = 'x' WHERE name IS NULL;");
    expect(f?.severity).toBe('medium');
    expect(f?.fix?.sql).toContain("UPDATE users SET name = 'x' WHERE ctid IN (SELECT ctid FROM users WHERE (name IS NULL) LIMIT 10000);");
  });
  it('VACUUM FULL inside a transaction would fail', () => {
    expect(of('vacuum-full-or-cluster', 'VACUUM FULL users;', { inTransaction: true })[0]?.severity).toBe('critical');
  });
});

describe('settings and suppression', () => {
  it('off disables a rule, a level overrides, inline ignores silence a statement', () => {
    const ctxs = contexts('DROP TABLE legacy;');
    expect(runMigrationRules(ctxs, { 'drop-table': { level: 'off', options: {} } }).map((f) => f.rule)).not.toContain('drop-table');
    expect(runMigrationRules(ctxs, { 'drop-table': { level: 'critical', options: {} } }).find((f) => f.rule === 'drop-table')?.severity).toBe('critical');
    expect(of('drop-table', '-- schemasage-ignore drop-table: retired in #12\nDROP TABLE legacy;')).toEqual([]);
  });
});

describe('lock table', () => {
  it('knows versions and statement kinds', () => {
    expect(lockFor('add-column-constant-default', 10).rewrites).toBe(true);
    expect(lockFor('add-column-constant-default', 11).rewrites).toBe(false);
    expect(lockFor('set-not-null-with-check', 12).scans).toBe(false);
    const [stmt] = splitStatementsSync({ path: 'x.sql', text: 'ALTER TABLE orders ADD CONSTRAINT f FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;' }, 0);
    expect(statementLocks(stmt?.ast, 15, base())).toMatchObject([{ op: 'add-foreign-key-not-valid', lock: 'SHARE ROW EXCLUSIVE', scans: false }]);
  });
});
