import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { decodeTypeModifier, introspect, normaliseServerVersion } from '../../src/catalog/introspect.js';
import type { Queryable } from '../../src/engine/types.js';
import { applyAll, bulkTableStatements, fixtureStatements, introspectAndCheckFixture } from './introspect-fixture.js';

const ROLE = 'app_user';
let pg: PGlite;
let db: Queryable;

beforeAll(async () => {
  pg = new PGlite({ extensions: { citext } });
  db = { query: async <T>(sql: string, params?: unknown[]) => (await pg.query<T>(sql, params)).rows };
  await applyAll(db, fixtureStatements(180000, ROLE));
});

afterAll(async () => {
  await pg?.close();
});

describe('introspect on PGlite (PostgreSQL 18)', () => {
  it('reads every kind of object the model describes', async () => {
    const cat = await introspectAndCheckFixture(db, 'pglite', ROLE);
    expect(cat.engine.serverVersionNum).toBeGreaterThanOrEqual(180000);
    // PG18 keeps NOT NULL rows in pg_constraint; they stay columns' notNull, never constraints
    const notNullRows = await db.query<{ n: number }>(`select count(*)::int as n from pg_constraint where contype = 'n'`);
    expect(notNullRows[0]?.n).toBeGreaterThan(0);
    expect(cat.tables.flatMap((t) => t.constraints).filter((c) => /NOT NULL/.test(c.definition))).toEqual([]);
  });

  it('is deterministic: the same database gives the same catalog', async () => {
    const a = await introspect(db, { engineKind: 'pglite', live: false });
    const b = await introspect(db, { engineKind: 'pglite', live: false });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('runs the same number of queries for 5 tables and for 200 tables', async () => {
    await applyAll(db, bulkTableStatements('five', 5));
    const small = await introspect(db, { engineKind: 'pglite', live: false, schemas: ['five'] });
    expect(small.tables).toHaveLength(5);

    await applyAll(db, bulkTableStatements('bulk', 200));
    const large = await introspect(db, { engineKind: 'pglite', live: false, schemas: ['bulk'] });
    expect(large.tables).toHaveLength(200);
    expect(large.tables.flatMap((t) => t.indexes)).toHaveLength(400);
    expect(large.tables.flatMap((t) => t.constraints).filter((c) => c.type === 'foreign key')).toHaveLength(199);

    const everything = await introspect(db, { engineKind: 'pglite', live: false });
    expect(everything.tables.length).toBeGreaterThan(205);
    expect(small.introspectionQueries).toBeGreaterThan(0);
    expect(large.introspectionQueries).toBe(small.introspectionQueries);
    expect(everything.introspectionQueries).toBe(small.introspectionQueries);
  });

  it('reads only the schemas asked for, and notes the ones that do not exist', async () => {
    const cat = await introspect(db, { engineKind: 'pglite', live: false, schemas: ['billing', 'nope', 'pg_catalog'] });
    expect(cat.schemas.map((s) => s.name)).toEqual(['billing']);
    expect(new Set(cat.tables.map((t) => t.schema))).toEqual(new Set(['billing']));
    expect(cat.enums).toEqual([]);
    expect(cat.functions).toEqual([]);
    expect(cat.notes.map((n) => n.message)).toEqual([
      'schema "nope" does not exist or is a system schema; nothing was read from it',
      'schema "pg_catalog" does not exist or is a system schema; nothing was read from it',
    ]);
  });

  it('marks nothing as shim without a shim, and calls it Supabase only when its roles and auth.users exist', async () => {
    const plain = await introspect(db, { engineKind: 'pglite', live: false });
    expect(plain.supabase).toBe(false);
    expect(plain.tables.find((t) => t.schema === 'shimmed')?.origin).toBe('user');
    expect(plain.schemas.every((s) => s.origin === 'user')).toBe(true);

    await applyAll(db, ['create role anon nologin', 'create role authenticated nologin']);
    expect((await introspect(db, { engineKind: 'pglite', live: false })).supabase).toBe(false);
    await applyAll(db, ['create role service_role nologin']);
    // Roles are cluster-wide: another database's Supabase roles don't make this one Supabase.
    expect((await introspect(db, { engineKind: 'pglite', live: false })).supabase).toBe(false);
    await applyAll(db, ['create schema auth', 'create table auth.users (id uuid primary key)']);
    expect((await introspect(db, { engineKind: 'pglite', live: false })).supabase).toBe(true);
  });

  it('reads statistics only when live', async () => {
    await applyAll(db, [
      `insert into customers (email, name, org_id) select 'c' || g || '@x.io', 'c' || g, 1 from generate_series(1, 50) g`,
      `analyze customers`,
      `select nextval('invoice_numbers')`,
      `select nextval('invoice_numbers')`,
    ]);
    const offline = await introspect(db, { engineKind: 'pglite', live: false });
    const offCustomers = offline.tables.find((t) => t.name === 'customers');
    expect(offCustomers?.stats).toBeNull();
    expect(offCustomers?.indexes.every((i) => i.stats === null)).toBe(true);
    expect(offline.sequences.find((s) => s.name === 'invoice_numbers')?.lastValue).toBeNull();

    const live = await introspect(db, { engineKind: 'pglite', live: true, database: 'label' });
    expect(live.live).toBe(true);
    expect(live.database).toBe('label');
    expect(live.introspectionQueries).toBe(offline.introspectionQueries);
    const customers = live.tables.find((t) => t.name === 'customers');
    expect(customers?.stats?.rowEstimate).toBe(50);
    expect(customers?.stats?.totalBytes).toBeGreaterThan(0);
    expect(customers?.stats?.tableBytes).toBeGreaterThan(0);
    expect(customers?.indexes.find((i) => i.name === 'customers_pkey')?.stats?.sizeBytes).toBeGreaterThan(0);
    expect(live.sequences.find((s) => s.name === 'invoice_numbers')?.lastValue).toBe('6');
    expect(live.sequences.find((s) => s.name === 'orders_id_seq')?.lastValue).toBeNull();
  });
});

describe('introspection helpers', () => {
  it('normalises server versions', () => {
    expect(normaliseServerVersion('15.20 (Debian 15.20-0+deb12u1)', 150020)).toBe('15.20');
    expect(normaliseServerVersion('18.6', 180006)).toBe('18.6');
    expect(normaliseServerVersion('17devel', 170000)).toBe('17');
    expect(normaliseServerVersion('weird', 130004)).toBe('13.4');
  });

  it('decodes type modifiers into the numbers users wrote', () => {
    expect(decodeTypeModifier('varchar', 259)).toBe(255);
    expect(decodeTypeModifier('bpchar', 6)).toBe(2);
    expect(decodeTypeModifier('numeric', ((12 << 16) | 2) + 4)).toBe(12);
    expect(decodeTypeModifier('timestamp', 0)).toBe(0);
    expect(decodeTypeModifier('timestamptz', 3)).toBe(3);
    expect(decodeTypeModifier('interval', 0x7fff0000 | 0xffff)).toBeNull();
    expect(decodeTypeModifier('text', -1)).toBeNull();
  });
});
