/**
 * Provenance against the real thing: migrations are applied to PGlite, the catalog is read back
 * with a few small queries, and every object must point at the line that created or altered it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnRef, locate, tableRef } from '../../src/catalog/helpers.js';
import type { Catalog, Constraint, ConstraintType, Location, Provenance, Table } from '../../src/catalog/model.js';
import { applyProvenance, buildProvenanceIndex } from '../../src/catalog/provenance.js';
import { loadFileSource } from '../../src/sources/index.js';
import { splitStatements } from '../../src/sources/split.js';
import type { LoadedSource } from '../../src/sources/types.js';
import * as b from '../support/build.js';

const INIT = `CREATE TYPE order_status AS ENUM ('pending', 'paid');

CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE
);

CREATE TABLE purchases (
  id bigint GENERATED ALWAYS AS IDENTITY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  status order_status NOT NULL DEFAULT 'pending',
  amount_cents integer CHECK (amount_cents >= 0),
  PRIMARY KEY (id),
  CHECK (status <> 'paid' OR amount_cents IS NOT NULL)
);

CREATE INDEX ON purchases (customer_id);
CREATE INDEX purchases_status_idx ON purchases (status) WHERE status = 'pending';

CREATE TABLE order_tags (
  order_id bigint NOT NULL REFERENCES purchases ON DELETE CASCADE,
  tag text NOT NULL,
  PRIMARY KEY (order_id, tag)
);
`;

const CHANGES = `ALTER TABLE purchases RENAME TO orders;
ALTER TABLE orders RENAME COLUMN amount_cents TO total_cents;
ALTER TABLE orders
  ADD COLUMN placed_at timestamptz NOT NULL DEFAULT now(),
  ALTER COLUMN total_cents TYPE bigint;
ALTER TYPE order_status ADD VALUE 'refunded';
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_by_customer ON orders USING (customer_id = 1);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE VIEW order_totals AS SELECT customer_id, sum(total_cents) AS total FROM orders GROUP BY customer_id;
CREATE MATERIALIZED VIEW customer_counts AS SELECT count(*) AS n FROM customers;
CREATE SCHEMA billing;
SET search_path = billing, public;
CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));
CREATE INDEX ON invoices (order_id);
RESET search_path;
CREATE TABLE scratch (id int);
DROP TABLE scratch;
CREATE TABLE scratch (id int, note text);
COMMENT ON COLUMN orders.status IS 'lifecycle';
CREATE INDEX ON customers (lower(email));
ALTER TABLE customers DROP CONSTRAINT customers_email_key;
ALTER TABLE customers ADD UNIQUE (email);
ALTER INDEX purchases_customer_id_idx RENAME TO orders_customer_id_idx;
ALTER INDEX purchases_status_idx RENAME TO orders_pending_idx;
CREATE UNIQUE INDEX ON order_tags (tag, order_id);
`;

const SCHEMAS = `('public', 'billing')`;
const CONTYPES: Record<string, ConstraintType> = { p: 'primary key', f: 'foreign key', u: 'unique', c: 'check', x: 'exclusion' };

let db: PGlite;
let dir: string;
let source: LoadedSource;
let catalog: Catalog;

/** Just enough introspection for provenance: names, columns, constraint and index shapes. */
async function readCatalog(pg: PGlite): Promise<Catalog> {
  const rows = async <T>(sql: string) => (await pg.query<T>(sql)).rows;
  const rels = await rows<{ schema: string; name: string; kind: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ${SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1, 2`);
  const cols = await rows<{ schema: string; rel: string; name: string; type: string }>(
    `SELECT n.nspname AS schema, c.relname AS rel, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ${SCHEMAS} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`);
  const cons = await rows<{ schema: string; rel: string; name: string; type: string; columns: string[]; index: string | null }>(
    `SELECT n.nspname AS schema, c.relname AS rel, k.conname AS name, k.contype AS type,
       ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(num, ord)
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num ORDER BY u.ord)::text[] AS columns,
       CASE WHEN k.contype IN ('p', 'u', 'x') THEN i.relname END AS index
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_class i ON i.oid = k.conindid
     WHERE n.nspname IN ${SCHEMAS} AND k.contype IN ('p', 'f', 'u', 'c', 'x')`);
  const idxs = await rows<{ schema: string; rel: string; name: string; keys: string[]; constraint: string | null; unique: boolean }>(
    `SELECT n.nspname AS schema, t.relname AS rel, i.relname AS name, x.indisunique AS unique,
       ARRAY(SELECT coalesce(a.attname, '') FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(num, ord)
             LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.num
             WHERE u.ord <= x.indnkeyatts ORDER BY u.ord)::text[] AS keys,
       k.conname AS constraint
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     LEFT JOIN pg_constraint k ON k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x')
     WHERE n.nspname IN ${SCHEMAS}`);
  const trigs = await rows<{ schema: string; rel: string; name: string; fn: string }>(
    `SELECT n.nspname AS schema, c.relname AS rel, t.tgname AS name, p.proname AS fn FROM pg_trigger t
     JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid
     WHERE NOT t.tgisinternal AND n.nspname IN ${SCHEMAS}`);
  const pols = await rows<{ schema: string; rel: string; name: string }>(
    `SELECT schemaname AS schema, tablename AS rel, policyname AS name FROM pg_policies WHERE schemaname IN ${SCHEMAS}`);
  const enums = await rows<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE t.typtype = 'e' AND n.nspname IN ${SCHEMAS}`);
  const fns = await rows<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ${SCHEMAS}`);

  const here = <T extends { schema: string; rel: string }>(list: T[], r: { schema: string; name: string }) =>
    list.filter((x) => x.schema === r.schema && x.rel === r.name);
  const indexesOf = (r: { schema: string; name: string }) => here(idxs, r).map((i) =>
    b.idx(i.name, i.keys.map((k) => (k === '' ? { expression: '(expr)' } : k)), { schema: r.schema, constraint: i.constraint, unique: i.unique }));
  const tables: Table[] = rels.filter((r) => r.kind === 'r' || r.kind === 'p').map((r) => b.table(r.name, here(cols, r).map((c) => b.col(c.name, c.type)), {
    schema: r.schema,
    constraints: here(cons, r).map((c): Constraint => b.constraint(CONTYPES[c.type] as ConstraintType, c.columns, { name: c.name, index: c.index })),
    indexes: indexesOf(r),
    triggers: here(trigs, r).map((t) => b.trigger(t.name, r.name, t.fn, { schema: r.schema })),
    policies: here(pols, r).map((p) => b.policy(p.name, r.name, { schema: r.schema })),
  }));
  const views = rels.filter((r) => r.kind === 'v' || r.kind === 'm').map((r) => b.view(r.name, { schema: r.schema, materialized: r.kind === 'm', indexes: indexesOf(r) }));
  return b.catalog({
    tables, views,
    enums: enums.map((e) => b.enumType(e.name, [], { schema: e.schema })),
    functions: fns.map((f) => b.fn(f.name, { schema: f.schema })),
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'schemasage-provenance-'));
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(join(dir, 'migrations', '001_init.sql'), INIT);
  writeFileSync(join(dir, 'migrations', '002_changes.sql'), CHANGES);
  source = await loadFileSource('migrations', { cwd: dir });
  db = new PGlite();
  // A table the migrations never mention (as the Supabase shim's are): it must get no provenance.
  await db.exec('CREATE TABLE external_audit (id int)');
  for (const s of source.statements) await db.exec(s.sql);
  catalog = await readCatalog(db);
  applyProvenance(catalog, buildProvenanceIndex(source.statements));
}, 60_000);

afterAll(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const INIT_FILE = 'migrations/001_init.sql';
const CHANGES_FILE = 'migrations/002_changes.sql';
const at = (file: string, line: number, column = 1): Location => ({ file, line, column });
const lineOf = (p: Provenance, which: 'created' | 'altered' = 'created') => (p[which] ? `${p[which]?.file}:${p[which]?.line}` : null);

function tableNamed(name: string, schema = 'public'): Table {
  const t = catalog.tables.find((x) => x.name === name && x.schema === schema);
  if (!t) throw new Error(`no table ${schema}.${name}`);
  return t;
}
const column = (t: string, c: string) => tableNamed(t).columns.find((x) => x.name === c)?.provenance ?? {};
const constraint = (t: string, c: string, schema = 'public') => tableNamed(t, schema).constraints.find((x) => x.name === c)?.provenance ?? {};
const index = (t: string, i: string, schema = 'public') => tableNamed(t, schema).indexes.find((x) => x.name === i)?.provenance ?? {};

describe('provenance of applied migrations', () => {
  it('every statement applied as written', () => {
    expect(source.statements).toHaveLength(31);
    expect(catalog.tables.map((t) => `${t.schema}.${t.name}`).sort()).toEqual([
      'billing.invoices', 'public.customers', 'public.external_audit', 'public.order_tags', 'public.orders', 'public.scratch',
    ]);
  });

  it('a column points at its own line inside CREATE TABLE', () => {
    expect(column('orders', 'customer_id')).toEqual({ created: at(INIT_FILE, 10, 3) });
    expect(column('customers', 'email')).toEqual({ created: at(INIT_FILE, 5, 3) });
    expect(locate(catalog, columnRef(tableNamed('orders'), 'customer_id'))).toEqual(at(INIT_FILE, 10, 3));
  });

  it('a renamed table keeps its CREATE and records the last ALTER', () => {
    expect(tableNamed('orders').provenance).toEqual({ created: at(INIT_FILE, 8), altered: at(CHANGES_FILE, 7) });
    expect(locate(catalog, tableRef(tableNamed('orders')))).toEqual(at(INIT_FILE, 8));
  });

  it('renamed and retyped columns point at the change, added columns at their clause', () => {
    expect(column('orders', 'total_cents')).toEqual({ created: at(INIT_FILE, 12, 3), altered: at(CHANGES_FILE, 5, 16) });
    expect(column('orders', 'placed_at')).toEqual({ created: at(CHANGES_FILE, 4, 14) });
  });

  it('COMMENT ON COLUMN does not move a column finding away from its definition', () => {
    expect(column('orders', 'status')).toEqual({ created: at(INIT_FILE, 11, 3) });
  });

  it('unnamed constraints are found under the names Postgres chose, at their own lines', () => {
    expect(lineOf(constraint('orders', 'purchases_customer_id_fkey'))).toBe(`${INIT_FILE}:10`);
    expect(lineOf(constraint('orders', 'purchases_pkey'))).toBe(`${INIT_FILE}:13`);
    expect(lineOf(constraint('orders', 'purchases_amount_cents_check'))).toBe(`${INIT_FILE}:12`);
    expect(lineOf(constraint('orders', 'purchases_check'))).toBe(`${INIT_FILE}:14`);
    expect(lineOf(constraint('order_tags', 'order_tags_pkey'))).toBe(`${INIT_FILE}:23`);
    expect(lineOf(constraint('order_tags', 'order_tags_order_id_fkey'))).toBe(`${INIT_FILE}:21`);
    expect(lineOf(constraint('customers', 'customers_pkey'))).toBe(`${INIT_FILE}:4`);
  });

  it('a constraint dropped and re-added points at the re-adding statement', () => {
    expect(lineOf(constraint('customers', 'customers_email_key'))).toBe(`${CHANGES_FILE}:24`);
    expect(lineOf(index('customers', 'customers_email_key'))).toBe(`${CHANGES_FILE}:24`);
  });

  it('indexes: unnamed by table and columns, named by name, through renames', () => {
    expect(index('orders', 'orders_customer_id_idx')).toEqual({ created: at(INIT_FILE, 17), altered: at(CHANGES_FILE, 25) });
    expect(index('orders', 'orders_pending_idx')).toEqual({ created: at(INIT_FILE, 18), altered: at(CHANGES_FILE, 26) });
    expect(lineOf(index('orders', 'purchases_pkey'))).toBe(`${INIT_FILE}:13`);
    expect(lineOf(index('customers', 'customers_lower_idx'))).toBe(`${CHANGES_FILE}:22`);
    expect(lineOf(index('order_tags', 'order_tags_tag_order_id_idx'))).toBe(`${CHANGES_FILE}:27`);
    expect(lineOf(index('order_tags', 'order_tags_pkey'))).toBe(`${INIT_FILE}:23`);
  });

  it('unqualified names follow SET search_path', () => {
    expect(lineOf(tableNamed('invoices', 'billing').provenance)).toBe(`${CHANGES_FILE}:15`);
    expect(lineOf(index('invoices', 'invoices_order_id_idx', 'billing'))).toBe(`${CHANGES_FILE}:16`);
    expect(lineOf(constraint('invoices', 'invoices_order_id_fkey', 'billing'))).toBe(`${CHANGES_FILE}:15`);
  });

  it('a table dropped and created again points at the second CREATE', () => {
    expect(tableNamed('scratch').provenance).toEqual({ created: at(CHANGES_FILE, 20) });
    expect(column('scratch', 'note')).toEqual({ created: at(CHANGES_FILE, 20, 31) });
  });

  it('enums, functions, triggers, policies, views and materialized views', () => {
    expect(catalog.enums[0]?.provenance).toEqual({ created: at(INIT_FILE, 1), altered: at(CHANGES_FILE, 6) });
    expect(catalog.functions.find((f) => f.name === 'touch')?.provenance).toEqual({ created: at(CHANGES_FILE, 9) });
    expect(tableNamed('orders').triggers[0]?.provenance).toEqual({ created: at(CHANGES_FILE, 10) });
    expect(tableNamed('orders').policies[0]?.provenance).toEqual({ created: at(CHANGES_FILE, 8) });
    expect(catalog.views.find((v) => v.name === 'order_totals')?.provenance).toEqual({ created: at(CHANGES_FILE, 11) });
    expect(catalog.views.find((v) => v.name === 'customer_counts')?.provenance).toEqual({ created: at(CHANGES_FILE, 12) });
  });

  it('objects the statements never mention keep empty provenance', () => {
    expect(tableNamed('external_audit').provenance).toEqual({});
    expect(tableNamed('external_audit').columns[0]?.provenance).toEqual({});
  });
});

describe('provenance without a database', () => {
  const build = async (sql: string) => buildProvenanceIndex(await splitStatements({ path: 'm.sql', text: sql }, 0));

  it('pg_dump: an empty search_path and qualified names', async () => {
    const index = await build("SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.t (id int);\nALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);");
    const t = index.relations.get('public\u0000t');
    expect(t?.provenance).toEqual({ created: at('m.sql', 2), altered: at('m.sql', 3) });
    expect(t?.constraints.get('t_pkey')).toEqual({ created: at('m.sql', 3, 31) });
  });

  it('CREATE SCHEMA … CREATE TABLE puts the table in that schema', async () => {
    const index = await build('CREATE SCHEMA app\n  CREATE TABLE things (id int);');
    expect(index.relations.get('app\u0000things')?.provenance.created).toEqual(at('m.sql', 1));
  });

  it('ALTER … SET SCHEMA and DROP SCHEMA move and remove keys', async () => {
    const index = await build('CREATE SCHEMA a;\nCREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\nALTER TABLE t SET SCHEMA a;\nCREATE TABLE u (id int);\nDROP TABLE u;');
    expect([...index.relations.keys()].sort()).toEqual(['a\u0000t', 'a\u0000t_id']);
    const dropped = await build('CREATE SCHEMA a;\nCREATE TABLE a.t (id int);\nDROP SCHEMA a CASCADE;');
    expect(dropped.relations.size).toBe(0);
  });

  it('a second unnamed CHECK on the same column gets Postgres\'s numbered name', async () => {
    const index = await build('CREATE TABLE t (a int CHECK (a > 0), CHECK (a < 10));');
    expect(index.relations.get('public\u0000t')?.unnamedConstraints.map((u) => u.name)).toEqual(['t_a_check', 't_a_check1']);
  });
});
