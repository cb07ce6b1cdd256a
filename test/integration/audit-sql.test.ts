/**
 * The audit checks' SQL, run for real on PGlite holding small data sets (no server, no CLI): the
 * catalog is introspected from the same PGlite the rows live in, every planned statement is executed
 * inside a READ ONLY transaction, and check.interpret() turns the rows into findings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAudit } from '../../src/audit/plan.js';
import { hashShapeSql } from '../../src/audit/checks/secrets.js';
import type { AuditCheck, AuditRow, AuditRuleId, PlanContext } from '../../src/audit/types.js';
import type { Catalog } from '../../src/catalog/model.js';
import { introspect } from '../../src/catalog/introspect.js';
import { openPGlite } from '../../src/engine/pglite.js';
import type { EngineSession } from '../../src/engine/session.js';
import type { FindingDraft } from '../../src/rules/types.js';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/rules/types.js';

const BCRYPT = `$2b$10$${'N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'.slice(0, 53)}`;
const ARGON2 = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzYWx0$RdescudvJCsgt3ub+b+dWRWJTmaaJObGkFHq1P2nx2c';
const SCRYPT = '$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E';
const PBKDF2 = 'pbkdf2_sha256$600000$Zs8Qw2ZbV1zq$Wm3uS1+qkD8u4ZgVqf1o8WbW2b3iOa2k2Yp5m9r0xZs=';
const HEX64 = 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'deadbeef';
const HEX128 = '0123456789abcdef'.repeat(8);
const B64_44 = `${'K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols'}=`;
const PLAIN_60 = 'this-is-a-sixty-character-plaintext-password-not-a-bcrypt!!!';

const SCHEMA = `
CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE teams (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE users (
  id bigint PRIMARY KEY,
  team_id bigint,
  email text,
  status text
);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL,
  qty integer,
  price numeric,
  note text,
  created_at timestamptz,
  shipped_at timestamptz
);
CREATE TABLE members (id bigint PRIMARY KEY, email text NOT NULL, deleted_at timestamptz);
CREATE UNIQUE INDEX members_email_live_key ON members (email) WHERE deleted_at IS NULL;
CREATE TABLE customers (id bigint PRIMARY KEY, email citext NOT NULL);
CREATE TABLE legacy_logins (id bigint PRIMARY KEY, hashed_password text);
CREATE TABLE api_keys (id bigint PRIMARY KEY, key_hash bytea);
CREATE TABLE addresses (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), is_default boolean NOT NULL DEFAULT false);
CREATE TABLE events (id bigint PRIMARY KEY, type text NOT NULL);
CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE user_tags (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), tag_id bigint NOT NULL REFERENCES tags (id));

INSERT INTO teams VALUES (1, 'red'), (2, 'blue');
INSERT INTO users VALUES
  (1, 1, 'Bob@acme.test', 'active'),
  (2, 2, 'bob@acme.test', 'active'),
  (3, 99, 'alice@acme.test', 'active'),
  (4, NULL, NULL, 'Active'),
  (5, 1, NULL, 'banned'),
  (6, 77, 'carol@acme.test', NULL);
-- 12 orders; order 12 points at user 999, added before the NOT VALID foreign key that then leaves it alone.
INSERT INTO orders (id, user_id, qty, price, note, created_at, shipped_at)
SELECT g, CASE WHEN g = 12 THEN 999 ELSE 1 + g % 6 END, g, CASE WHEN g % 3 = 0 THEN NULL ELSE g * 1.5 END, 'n' || g, now(),
       CASE WHEN g % 2 = 0 THEN now() END
  FROM generate_series(1, 12) AS g;
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
INSERT INTO members VALUES
  (1, 'dave@acme.test', NULL), (2, 'Dave@acme.test', now()),
  (3, 'erin@acme.test', NULL), (4, 'Erin@acme.test', NULL),
  (5, 'frank@acme.test', now()), (6, 'Frank@acme.test', now()),
  (7, 'gina@acme.test', NULL);
INSERT INTO customers VALUES (1, 'Carol@acme.test'), (2, 'carol@acme.test'), (3, 'dan@acme.test');
INSERT INTO legacy_logins VALUES
  (1, '${BCRYPT}'), (2, '${ARGON2}'), (3, '${SCRYPT}'), (4, '${PBKDF2}'), (5, '${HEX64}'), (6, '${HEX128}'), (7, '${B64_44}'),
  (8, 'hunter2'), (9, 'correct horse battery staple'), (10, '${PLAIN_60}'), (11, ''), (12, NULL);
INSERT INTO api_keys VALUES (1, sha256('k1')), (2, 'hunter2'::bytea), (3, '\\x'::bytea), (4, NULL), (5, sha512('k5')), (6, convert_to('${BCRYPT}', 'UTF8'));
INSERT INTO addresses VALUES
  (1, 1, true), (2, 1, true),
  (3, 2, true), (4, 2, false),
  (5, 3, true), (6, 3, true), (7, 3, true),
  (8, 5, false), (9, 5, false);
INSERT INTO tags VALUES (1, 'a'), (2, 'b');
INSERT INTO user_tags VALUES (1, 1, 1), (2, 1, 1), (3, 1, 2), (4, 2, 1), (5, 2, 1), (6, 2, 1), (7, 3, 2);
INSERT INTO events SELECT g, 'type_' || g FROM generate_series(1, 31) AS g;
`;

let s: EngineSession;
let catalog: Catalog;

beforeAll(async () => {
  s = await openPGlite({ supabase: false, extensions: ['citext'] });
  await s.exec(SCHEMA);
  catalog = await introspect(s, { engineKind: 'pglite', live: false });
});

afterAll(async () => {
  await s?.close();
});

function ctx(over: Partial<PlanContext> = {}): PlanContext {
  return { catalog, review: DEFAULT_REVIEW_SETTINGS, invariants: [], configPath: null, sample: null, distinct: new Map(), ...over };
}

function check(rule: AuditRuleId, label: string, over: Partial<PlanContext> = {}): AuditCheck {
  const all = planAudit(ctx(over));
  const found = all.filter((c) => c.rule === rule && c.label === label);
  expect(found, `${rule} "${label}" among ${all.filter((c) => c.rule === rule).map((c) => c.label).join(' | ')}`).toHaveLength(1);
  return found[0] as AuditCheck;
}

/** Runs a check's statement the way the audit does: read-only. */
async function run(c: AuditCheck): Promise<{ rows: AuditRow[]; findings: FindingDraft[] }> {
  await s.exec('BEGIN READ ONLY');
  try {
    const rows = await s.query<AuditRow>(c.sql);
    return { rows, findings: c.interpret(rows) };
  } finally {
    await s.exec('ROLLBACK');
  }
}

async function one(rule: AuditRuleId, label: string, over: Partial<PlanContext> = {}): Promise<FindingDraft> {
  const { findings } = await run(check(rule, label, over));
  expect(findings).toHaveLength(1);
  return findings[0] as FindingDraft;
}

describe('every planned check', () => {

  it('runs read-only without error, whole and through TABLESAMPLE', async () => {
    const plain = planAudit(ctx());
    expect(new Set(plain.map((c) => c.rule))).toEqual(new Set([
      'orphaned-rows', 'duplicate-values', 'observed-enum-values', 'never-null-column', 'unhashed-secret-values', 'exclusive-flag-violation',
    ]));
    for (const c of plain) await run(c);
    // The sampled SQL shape executes too (every table "huge", a 50% sample).
    const huge = structuredClone(catalog);
    for (const t of huge.tables) t.stats = { rowEstimate: 1e7, totalBytes: 0, tableBytes: 0, seqScans: 0, idxScans: 0, liveTuples: 1e7, deadTuples: 0, lastAutovacuum: null };
    const sampled = planAudit({ ...ctx(), catalog: huge, sample: { percent: 50, minRows: 1000 } });
    expect(sampled.length).toBe(plain.length);
    for (const c of sampled) {
      expect(c.sampled).toBe(true);
      expect(c.sql).toContain('TABLESAMPLE SYSTEM (50)');
      await run(c);
    }
  });
});

describe('orphaned-rows', () => {
  it('counts rows of a NOT VALID foreign key whose parent is missing', async () => {
    const f = await one('orphaned-rows', 'orders.user_id → users');
    expect(f.details).toMatchObject({ orphans: 1, sampleKeys: ['12'], missingValues: ['999'], constraint: 'orders_user_id_fkey', declared: true });
    expect(f.message).toContain('1 row of `orders`');
    expect(f.fix?.sql).toContain('VALIDATE CONSTRAINT orders_user_id_fkey');
  });

  it('counts rows of an implied reference (users.team_id) pointing at no team, ignoring NULLs', async () => {
    const f = await one('orphaned-rows', 'users.team_id → teams');
    expect(f.details).toMatchObject({ orphans: 2, sampleKeys: ['3', '6'], missingValues: ['77', '99'], declared: false });
  });

  it('finds nothing once the orphans are gone (rows repaired in a rolled-back transaction)', async () => {
    const c = check('orphaned-rows', 'users.team_id → teams');
    await s.exec('BEGIN');
    try {
      await s.exec('UPDATE users SET team_id = NULL WHERE team_id NOT IN (1, 2)');
      expect(c.interpret(await s.query<AuditRow>(c.sql))).toEqual([]);
    } finally {
      await s.exec('ROLLBACK');
    }
  });
});

describe('duplicate-values', () => {
  it('groups users.email by lower(): Bob@ / bob@ is one duplicate that differs only by case', async () => {
    const f = await one('duplicate-values', 'users (lower(email))');
    expect(f.severity).toBe('high');
    expect(f.details).toMatchObject({ groups: 1, rows: 2, caseVariantGroups: 1, sampleKeys: ['1 & 2'] });
    expect(f.message).not.toContain('acme.test');
  });

  it('respects a partial unique index: rows outside WHERE deleted_at IS NULL do not count', async () => {
    const c = check('duplicate-values', 'members (lower(email))');
    expect(c.sql).toContain('(deleted_at IS NULL)');
    const { findings } = await run(c);
    expect(findings).toHaveLength(1);
    // Only erin/Erin (both live). dave (one live, one deleted) and frank (both deleted) are outside the index.
    expect(findings[0]?.details).toMatchObject({ groups: 1, rows: 2, sampleKeys: ['3 & 4'] });
  });

  it('compares citext as citext (no lower()), and still finds Carol@ / carol@', async () => {
    const f = await one('duplicate-values', 'customers (email)');
    expect(f.details).toMatchObject({ groups: 1, rows: 2, folded: [] });
  });

  // Link tables that junction-without-unique flags (their table ref carries the name in `name`).
  it('counts exact duplicate pairs in a link table with no unique pair', async () => {
    const f = await one('duplicate-values', 'user_tags (user_id, tag_id)');
    // (1,1) twice and (2,1) three times; (1,2) and (3,2) once.
    expect(f.details).toMatchObject({ groups: 2, rows: 5, folded: [], why: 'junction' });
  });

  it('reports nothing when every value is distinct', async () => {
    const c = check('duplicate-values', 'users (lower(email))');
    await s.exec('BEGIN');
    try {
      await s.exec("UPDATE users SET email = 'robert@acme.test' WHERE id = 2");
      expect(c.interpret(await s.query<AuditRow>(c.sql))).toEqual([]);
    } finally {
      await s.exec('ROLLBACK');
    }
  });
});

describe('observed-enum-values', () => {
  it('lists the values of users.status with counts, flags Active/active as one value spelt twice', async () => {
    const f = await one('observed-enum-values', 'users.status');
    expect(f.severity).toBe('medium');
    expect(f.details?.['values']).toEqual([
      { value: 'active', rows: 3 }, { value: 'Active', rows: 1 }, { value: 'banned', rows: 1 },
    ]);
    expect(f.details?.['variants']).toEqual([['active', 'Active']]);
    expect(f.fix?.sql).toContain(`UPDATE users SET status = 'active' WHERE status = 'Active';`);
    expect(f.fix?.sql).toMatch(/CHECK \(status IN \('active', 'banned'\)\) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT /);
  });

  it('reports nothing for a column with more than 30 distinct values', async () => {
    const { rows, findings } = await run(check('observed-enum-values', 'events.type'));
    expect(rows).toHaveLength(31);
    expect(findings).toEqual([]);
  });
});

describe('never-null-column', () => {
  it('names the nullable columns filled on every row of a ≥ 10-row table, not the ones with a NULL', async () => {
    const f = await one('never-null-column', 'orders (4 nullable columns)');
    expect(f.details).toMatchObject({ table: 'orders', columns: ['qty', 'note', 'created_at'], rows: 12 });
    expect(f.fix?.sql).toBe('ALTER TABLE orders ALTER COLUMN qty SET NOT NULL, ALTER COLUMN note SET NOT NULL, ALTER COLUMN created_at SET NOT NULL;');
  });

  it('says nothing about a table with fewer than 10 rows', async () => {
    // users: 6 rows, status filled on 5 — and teams/legacy_logins etc. are small too.
    const { rows, findings } = await run(check('never-null-column', 'users (3 nullable columns)'));
    expect(Number(rows[0]?.['total'])).toBe(6);
    expect(findings).toEqual([]);
  });
});

describe('unhashed-secret-values', () => {
  it('hashShapeSql accepts bcrypt, argon2, scrypt, PBKDF2, hex and base64 digests, and rejects plaintext', async () => {
    const values: Array<[string, boolean]> = [
      [BCRYPT, true], [ARGON2, true], [SCRYPT, true], [PBKDF2, true], [HEX64, true], [HEX64.toUpperCase(), true], [HEX128, true], [B64_44, true],
      [`$6$rounds=5000$saltsalt$${'x'.repeat(86)}`, true],
      ['hunter2', false], ['correct horse battery staple', false], [PLAIN_60, false],
      [BCRYPT.slice(0, 59), false], ['g'.repeat(64), false], ['$2b$10$short', false],
    ];
    expect(BCRYPT).toHaveLength(60);
    expect(PLAIN_60).toHaveLength(60);
    expect(HEX64).toHaveLength(64);
    expect(B64_44).toHaveLength(44);
    const rows = await s.query<{ i: number; ok: boolean }>(
      `SELECT i, ${hashShapeSql('t.v', false)} AS ok FROM (VALUES ${values.map(([v], i) => `(${i}, '${v.replace(/'/g, "''")}')`).join(', ')}) AS t(i, v) ORDER BY i`,
    );
    expect(rows.map((r) => [values[r.i]?.[0], r.ok])).toEqual(values.map(([v, ok]) => [v, ok]));
  });

  it('counts exactly the plaintext values of legacy_logins.hashed_password as bad, the empty string as empty', async () => {
    const c = check('unhashed-secret-values', 'legacy_logins.hashed_password');
    const { rows, findings } = await run(c);
    expect(rows[0]).toMatchObject({ k1: '10', k2: '9' }); // min/max of text keys: '10' < '8' < '9'
    expect(findings).toHaveLength(1);
    expect(findings[0]?.details).toMatchObject({ kind: 'password', namedHash: true, values: 11, notHashed: 3, empty: 1 });
    expect(findings[0]?.message).toMatch(/^3 values of 11 in `legacy_logins.hashed_password` \(named as a hash\) are not shaped like a password hash/);
    // Never a value.
    for (const secret of ['hunter2', 'correct horse', PLAIN_60]) expect(JSON.stringify(findings[0])).not.toContain(secret);
  });

  it('bytea: a 32- or 64-byte digest is fine, a 7-byte value is bad, an empty value is empty and does not break get_byte', async () => {
    const { findings } = await run(check('unhashed-secret-values', 'api_keys.key_hash'));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('high');
    expect(findings[0]?.details).toMatchObject({ kind: 'token', values: 5, notHashed: 1, empty: 1, sampleKeys: ['2'] });
  });

  it('reports nothing when every value is a hash', async () => {
    const c = check('unhashed-secret-values', 'legacy_logins.hashed_password');
    await s.exec('BEGIN');
    try {
      await s.exec(`DELETE FROM legacy_logins WHERE id IN (8, 9, 10)`);
      const rows = await s.query<AuditRow>(c.sql);
      expect(Number(rows[0]?.['empty'])).toBe(1);
      expect(c.interpret(rows)).toEqual([]);
    } finally {
      await s.exec('ROLLBACK');
    }
  });
});

describe('exclusive-flag-violation', () => {
  it('counts owners with more than one is_default row', async () => {
    const f = await one('exclusive-flag-violation', 'addresses.is_default per user_id');
    expect(f.details).toMatchObject({ owners: 2, flaggedRows: 5, sampleOwners: ['3', '1'] });
  });
});

describe('invariants', () => {
  async function evaluate(sql: string): Promise<FindingDraft[]> {
    const c = check('invariant-violation', 'invariant "inv"', { invariants: [{ name: 'inv', sql, message: 'broken' }] });
    return (await run(c)).findings;
  }

  it('a true predicate is sound; false and NULL are findings', async () => {
    expect(await evaluate('NOT EXISTS (SELECT 1 FROM orders WHERE qty < 0)')).toEqual([]);
    expect(await evaluate('SELECT count(*) = 12 FROM orders;')).toEqual([]);
    expect((await evaluate('NOT EXISTS (SELECT 1 FROM orders WHERE qty > 5)'))[0]?.details).toMatchObject({ returned: false });
    expect((await evaluate('-- all users have a team\nSELECT bool_and(team_id IS NOT NULL) FROM users'))[0]?.details).toMatchObject({ returned: false });
    expect((await evaluate('SELECT NULL::boolean'))[0]?.details).toMatchObject({ returned: null });
  });

  it('a query answering a non-boolean is the user\'s error', async () => {
    await expect(evaluate('SELECT count(*) FROM orders')).rejects.toThrow(/not a boolean/);
  });

  // A predicate that starts with a scalar subquery is a predicate, not a whole query.
  it('a predicate starting with a parenthesised subquery is wrapped (totals-match style)', async () => {
    expect(await evaluate('(SELECT count(*) FROM orders WHERE qty < 0) = 0')).toEqual([]);
  });

  // A trailing -- comment must not swallow the wrapper's closing ") AS ok".
  it('a predicate with a trailing -- comment is wrapped', async () => {
    expect(await evaluate('NOT EXISTS (SELECT 1 FROM orders WHERE qty < 0) -- no negative quantities')).toEqual([]);
  });
});
