/**
 * PR-shaped changes on real PGlite: apply base, introspect; apply the PR, introspect; generate the
 * rollback, apply it to head, introspect; the result must be base again (verifyRollback empty).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { introspect } from '../../src/catalog/introspect.js';
import { diffCatalogs, likelyRenames, rollbackSql, verifyRollback } from '../../src/diff/index.js';
import type { CatalogChange, RollbackPlan } from '../../src/diff/index.js';
import { applyStatements } from '../../src/engine/apply.js';
import { openPGlite } from '../../src/engine/pglite.js';
import type { EngineSession } from '../../src/engine/session.js';
import { splitStatements } from '../../src/sources/split.js';

let s: EngineSession;

beforeAll(async () => {
  s = await openPGlite({ supabase: false, extensions: [] });
});
afterAll(async () => {
  await s.close();
});

async function run(sql: string, file: string): Promise<void> {
  await applyStatements(s, await splitStatements({ path: file, text: sql }, 0));
}

async function snapshot(): Promise<Catalog> {
  return introspect(s, { engineKind: 'pglite', live: false });
}

interface RoundTrip { base: Catalog; head: Catalog; changes: CatalogChange[]; plan: RollbackPlan; leftover: CatalogChange[] }

async function roundTrip(baseSql: string, prSql: string): Promise<RoundTrip> {
  const schemas = await s.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`);
  for (const r of schemas) await s.exec(`DROP SCHEMA "${r.nspname}" CASCADE`);
  await s.exec('CREATE SCHEMA public');
  await run(baseSql, 'base.sql');
  const base = await snapshot();
  await run(prSql, 'pr.sql');
  const head = await snapshot();
  const plan = rollbackSql(base, head);
  await run(plan.sql, 'rollback.sql');
  const back = await snapshot();
  return { base, head, changes: diffCatalogs(base, head), plan, leftover: verifyRollback(base, back) };
}

const details = (changes: CatalogChange[]): string[] => changes.map((c) => `${c.action} ${c.object.kind} ${c.object.table ? `${c.object.table}.` : ''}${c.object.name ?? ''}: ${c.detail}`);

const USERS = `
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email varchar(50) NOT NULL UNIQUE,
  name text,
  age integer,
  zip text,
  legacy_code text,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO users (email, name, age, zip, legacy_code) VALUES ('a@example.com', 'Ann', 31, '12345', 'x1'), ('b@example.com', 'Bo', 40, '02139', NULL);
`;

describe('rollback on real PGlite', () => {
  it('additive PR: new tables with FKs and indexes are dropped, referencing table first', async () => {
    const r = await roundTrip(USERS, `
      CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id), total_cents integer NOT NULL);
      CREATE TABLE order_items (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders(id) ON DELETE CASCADE, sku text NOT NULL);
      CREATE INDEX orders_user_id_idx ON orders (user_id);
      CREATE INDEX order_items_order_id_idx ON order_items (order_id);
    `);
    expect(details(r.changes)).toEqual([
      'created table order_items: table created (3 columns, 2 constraints, 1 index)',
      'created table orders: table created (3 columns, 2 constraints, 1 index)',
    ]);
    const drops = r.plan.steps.map((st) => st.sql);
    expect(drops).toEqual(['DROP TABLE order_items;', 'DROP TABLE orders;']);
    expect(r.plan.irreversible).toHaveLength(2);
    expect(r.leftover).toEqual([]);
  });

  it('column add, drop and type changes (widening, int → bigint, text → int with USING)', async () => {
    const r = await roundTrip(USERS, `
      ALTER TABLE users ALTER COLUMN email TYPE varchar(200);
      ALTER TABLE users ALTER COLUMN age TYPE bigint;
      ALTER TABLE users ALTER COLUMN zip TYPE integer USING zip::integer;
      ALTER TABLE users ADD COLUMN nickname text;
      ALTER TABLE users DROP COLUMN legacy_code;
    `);
    expect(details(r.changes)).toEqual(expect.arrayContaining([
      'altered column users.email: type character varying(50) → character varying(200)',
      'altered column users.age: type integer → bigint',
      'altered column users.zip: type text → integer',
      'created column users.nickname: column added: text',
      'dropped column users.legacy_code: column dropped (text) — its values go with it',
    ]));
    const sql = r.plan.sql;
    expect(sql).toContain('ALTER TABLE users ALTER COLUMN zip TYPE text USING zip::text;');
    expect(sql).toContain('ALTER TABLE users ALTER COLUMN age TYPE integer;');
    const narrowing = r.plan.steps.find((st) => st.sql.includes('email TYPE character varying(50)'));
    expect(narrowing?.irreversible).toBe(true);
    expect(narrowing?.note).toMatch(/can fail or truncate/);
    // Same type, but nickname went last while legacy_code sat in the middle: a guess, not a rename to undo.
    expect(likelyRenames(r.changes, r.base, r.head)).toEqual([
      { kind: 'column', schema: 'public', table: 'users', from: 'legacy_code', to: 'nickname', type: 'text', confident: false },
    ]);
    expect(r.plan.steps.find((st) => st.sql.includes('DROP COLUMN nickname'))?.irreversible).toBe(true);
    expect(r.plan.steps.find((st) => st.sql.includes('ADD COLUMN legacy_code'))?.note).toMatch(/not its values/);
    expect(r.leftover).toEqual([]);
  });

  it('NOT NULL added and default changed', async () => {
    const r = await roundTrip(USERS, `
      UPDATE users SET name = '' WHERE name IS NULL;
      ALTER TABLE users ALTER COLUMN name SET NOT NULL;
      ALTER TABLE users ALTER COLUMN name SET DEFAULT 'anonymous';
      ALTER TABLE users ALTER COLUMN created_at SET DEFAULT clock_timestamp();
    `);
    expect(details(r.changes)).toEqual([
      'altered column users.created_at: default now() → clock_timestamp()',
      'altered column users.name: NOT NULL added',
      "altered column users.name: default none → 'anonymous'::text",
    ]);
    expect(r.plan.sql).toContain('ALTER TABLE users ALTER COLUMN name DROP NOT NULL;');
    expect(r.plan.sql).toContain('ALTER TABLE users ALTER COLUMN created_at SET DEFAULT now();');
    expect(r.leftover).toEqual([]);
  });

  it('index added and dropped, FK added with NOT VALID + VALIDATE', async () => {
    const r = await roundTrip(`${USERS}
      CREATE TABLE posts (id bigserial PRIMARY KEY, author_id bigint NOT NULL, title text NOT NULL);
      CREATE INDEX posts_title_idx ON posts (lower(title));
      INSERT INTO posts (author_id, title) SELECT id, 'hello' FROM users;
    `, `
      CREATE INDEX CONCURRENTLY posts_author_id_idx ON posts (author_id);
      DROP INDEX posts_title_idx;
      ALTER TABLE posts ADD CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES users(id) NOT VALID;
      ALTER TABLE posts VALIDATE CONSTRAINT posts_author_id_fkey;
    `);
    expect(details(r.changes)).toEqual([
      'created constraint posts.posts_author_id_fkey: foreign key added: FOREIGN KEY (author_id) REFERENCES users(id)',
      'created index posts.posts_author_id_idx: index created: CREATE INDEX posts_author_id_idx ON public.posts USING btree (author_id)',
      'dropped index posts.posts_title_idx: index dropped: CREATE INDEX posts_title_idx ON public.posts USING btree (lower(title))',
    ]);
    expect(r.plan.sql).toContain('DROP INDEX CONCURRENTLY posts_author_id_idx;');
    expect(r.plan.sql).toContain('CREATE INDEX CONCURRENTLY posts_title_idx ON public.posts USING btree (lower(title));');
    expect(r.plan.sql).toContain('ALTER TABLE posts DROP CONSTRAINT posts_author_id_fkey;');
    expect(r.leftover).toEqual([]);
  });

  it('enum value added: the type is rebuilt and its columns re-typed, marked irreversible', async () => {
    const r = await roundTrip(`
      CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
      CREATE TABLE orders (id bigserial PRIMARY KEY, status order_status NOT NULL DEFAULT 'pending', history order_status[]);
      INSERT INTO orders (status, history) VALUES ('paid', '{pending,paid}');
    `, `ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'paid';`);
    expect(details(r.changes)).toEqual(["altered enum order_status: value 'refunded' added"]);
    const step = r.plan.steps[0];
    expect(step?.irreversible).toBe(true);
    expect(step?.note).toMatch(/cannot be dropped in place.*'refunded' fail the cast/);
    expect(step?.sql).toContain('ALTER TYPE order_status RENAME TO order_status__schemasage_old;');
    expect(r.leftover).toEqual([]);
  });

  it('enum value renamed goes back with RENAME VALUE', async () => {
    const r = await roundTrip(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');`, `ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';`);
    expect(details(r.changes)).toEqual(["altered enum mood: value 'ok' renamed to 'fine'"]);
    expect(r.plan.sql).toContain("ALTER TYPE mood RENAME VALUE 'fine' TO 'ok';");
    expect(r.plan.irreversible).toEqual([]);
    expect(r.leftover).toEqual([]);
  });

  it('views changed: a view that gained a column is dropped and re-created, one that lost a column is replaced in place', async () => {
    const r = await roundTrip(`${USERS}
      CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18;
      CREATE VIEW contacts AS SELECT id, email, name FROM users;
    `, `
      CREATE OR REPLACE VIEW adults AS SELECT id, email, name FROM users WHERE age >= 21;
      DROP VIEW contacts;
      CREATE VIEW contacts AS SELECT id, email FROM users;
    `);
    expect(details(r.changes)).toEqual(['altered view adults: definition changed', 'altered view contacts: definition changed']);
    expect(r.plan.sql).toMatch(/DROP VIEW adults;[\s\S]*CREATE VIEW adults AS/);
    expect(r.plan.sql).toContain('CREATE OR REPLACE VIEW contacts AS');
    expect(r.leftover).toEqual([]);
  });

  it('function changed (body, SECURITY DEFINER, search_path) and its trigger', async () => {
    const r = await roundTrip(`${USERS}
      CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at := now(); RETURN NEW; END $$;
      CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM users $$;
    `, `
      CREATE OR REPLACE FUNCTION user_count() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
        AS $$ SELECT count(*) FROM users WHERE age IS NOT NULL $$;
      CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
      CREATE FUNCTION tmp_helper(a integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT a + 1 $$;
    `);
    expect(details(r.changes)).toEqual([
      'created function tmp_helper(a integer): function created (returns integer, sql)',
      'altered function user_count(): body changed; SECURITY DEFINER added; config [] → [search_path=public, pg_temp]',
      'created trigger users.users_touch: trigger created: CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()',
    ]);
    expect(r.plan.sql).toContain('DROP FUNCTION tmp_helper(a integer);');
    expect(r.leftover).toEqual([]);
  });

  it('policy added with RLS enabled', async () => {
    const r = await roundTrip(USERS, `
      ALTER TABLE users ENABLE ROW LEVEL SECURITY;
      CREATE POLICY users_self ON users FOR SELECT TO PUBLIC USING (email = current_user);
    `);
    expect(details(r.changes)).toEqual([
      'altered table users: row level security enabled',
      'created policy users.users_self: policy created: FOR SELECT TO public USING (((email)::text = CURRENT_USER))',
    ]);
    expect(r.plan.sql).toMatch(/DROP POLICY users_self ON users;[\s\S]*DISABLE ROW LEVEL SECURITY/);
    expect(r.leftover).toEqual([]);
  });

  it('table renamed: paired as a likely rename and renamed back, rows kept', async () => {
    const r = await roundTrip(`${USERS}
      CREATE TABLE customers (id bigserial PRIMARY KEY, user_id bigint REFERENCES users(id), label text);
      CREATE INDEX customers_label_idx ON customers (label);
      CREATE TABLE invoices (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers(id));
    `, `ALTER TABLE customers RENAME TO clients;`);
    expect(likelyRenames(r.changes, r.base, r.head)).toEqual([
      { kind: 'table', schema: 'public', table: 'customers', from: 'customers', to: 'clients', type: '3 columns', confident: true },
    ]);
    expect(r.plan.steps[0]?.sql).toBe('ALTER TABLE clients RENAME TO customers;');
    expect(r.plan.irreversible).toEqual([]);
    expect(r.leftover).toEqual([]);
  });

  it('column renamed: renamed back, with the unique constraint on it restored', async () => {
    const r = await roundTrip(`${USERS}
      CREATE TABLE accounts (id bigserial PRIMARY KEY, handle text NOT NULL UNIQUE);
      CREATE INDEX accounts_handle_lower_idx ON accounts (lower(handle));
    `, `ALTER TABLE accounts RENAME COLUMN handle TO username;`);
    expect(likelyRenames(r.changes, r.base, r.head)).toEqual([
      { kind: 'column', schema: 'public', table: 'accounts', from: 'handle', to: 'username', type: 'text', confident: true },
    ]);
    expect(r.plan.steps[0]?.sql).toBe('ALTER TABLE accounts RENAME COLUMN username TO handle;');
    expect(r.leftover).toEqual([]);
  });

  it('table dropped: re-created with serial, identity, defaults, constraints, indexes, comments, trigger and policy', async () => {
    const r = await roundTrip(`${USERS}
      CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TABLE audit_log (
        id serial PRIMARY KEY,
        seq bigint GENERATED BY DEFAULT AS IDENTITY,
        user_id bigint REFERENCES users(id) ON DELETE SET NULL,
        action text NOT NULL CHECK (action <> ''),
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT audit_log_action_at_key UNIQUE (action, at)
      );
      CREATE INDEX audit_log_user_id_idx ON audit_log (user_id) WHERE user_id IS NOT NULL;
      COMMENT ON TABLE audit_log IS 'who did what';
      COMMENT ON COLUMN audit_log.action IS 'verb';
      ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
      CREATE POLICY audit_read ON audit_log FOR SELECT USING (true);
      CREATE TRIGGER audit_touch BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION touch();
    `, `DROP TABLE audit_log;`);
    expect(details(r.changes)).toEqual(['dropped table audit_log: table dropped (5 columns, 4 constraints, 1 index) — its rows go with it']);
    const create = r.plan.steps.find((st) => st.sql.includes('CREATE TABLE audit_log'));
    expect(create?.irreversible).toBe(true);
    expect(create?.note).toMatch(/shape, not its rows/);
    expect(r.leftover).toEqual([]);
  });

  it('unique constraint dropped on an existing table comes back through a concurrent index', async () => {
    const r = await roundTrip(USERS, `ALTER TABLE users DROP CONSTRAINT users_email_key;`);
    expect(r.plan.sql).toContain('CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON public.users USING btree (email);');
    expect(r.plan.sql).toContain('ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;');
    expect(r.leftover).toEqual([]);
  });

  it('schema, standalone sequence and check constraint round-trip', async () => {
    const r = await roundTrip(`${USERS}
      CREATE SCHEMA billing;
      CREATE TABLE billing.invoices (id bigint PRIMARY KEY, amount_cents integer NOT NULL CHECK (amount_cents >= 0));
    `, `
      CREATE SCHEMA reporting;
      CREATE SEQUENCE reporting.batch_seq;
      ALTER TABLE billing.invoices DROP CONSTRAINT invoices_amount_cents_check;
      ALTER TABLE billing.invoices ADD CONSTRAINT invoices_amount_positive CHECK (amount_cents > 0);
    `);
    expect(details(r.changes)).toEqual([
      'created schema reporting: schema reporting created',
      'dropped constraint invoices.invoices_amount_cents_check: check dropped: CHECK (amount_cents >= 0)',
      'created constraint invoices.invoices_amount_positive: check added: CHECK (amount_cents > 0)',
      'created sequence batch_seq: sequence created (bigint)',
    ]);
    expect(r.plan.sql).toContain('ALTER TABLE billing.invoices ADD CONSTRAINT invoices_amount_cents_check CHECK (amount_cents >= 0) NOT VALID;');
    expect(r.leftover).toEqual([]);
  });

  it('no change: empty diff and a no-op rollback', async () => {
    const r = await roundTrip(USERS, `INSERT INTO users (email) VALUES ('c@example.com');`);
    expect(r.changes).toEqual([]);
    expect(r.plan.steps).toEqual([]);
    expect(r.leftover).toEqual([]);
  });
});
