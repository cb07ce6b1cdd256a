/**
 * The same introspection checks as test/integration/introspect.test.ts, against a real PostgreSQL
 * server (the local one, or SCHEMASAGE_TEST_PG_URL). Each run creates its own database and role and
 * drops them afterwards; roles are cluster-wide, so the role name is unique too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { introspect } from '../../src/catalog/introspect.js';
import type { Queryable } from '../../src/engine/types.js';
import { applyAll, bulkTableStatements, fixtureStatements, introspectAndCheckFixture } from '../integration/introspect-fixture.js';

const ADMIN_URL = process.env.SCHEMASAGE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const DATABASE = `schemasage_introspect_${suffix}`;
const ROLE = `schemasage_app_${suffix}`;

let admin: pg.Client | null = null;
let client: pg.Client | null = null;
let db: Queryable;
let serverVersionNum = 0;

async function reachable(): Promise<boolean> {
  const probe = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
    await probe.end();
    return true;
  } catch (err) {
    if (process.env.SCHEMASAGE_REQUIRE_PG === '1') throw err;
    console.warn(`[introspect live] PostgreSQL at ${ADMIN_URL} is unreachable (${(err as Error).message}); skipping live introspection tests`);
    return false;
  }
}

const available = await reachable();

beforeAll(async () => {
  if (!available) return;
  admin = new pg.Client(ADMIN_URL);
  await admin.connect();
  await admin.query(`create database ${DATABASE}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  client = new pg.Client(url.toString());
  await client.connect();
  const c = client;
  db = { query: async <T>(sql: string, params?: unknown[]) => (await c.query(sql, params)).rows as T[] };
  const [row] = await db.query<{ n: number }>(`select current_setting('server_version_num')::int as n`);
  serverVersionNum = row?.n ?? 0;
  await applyAll(db, fixtureStatements(serverVersionNum, ROLE));
});

afterAll(async () => {
  await client?.end();
  if (admin) {
    await admin.query(`drop database if exists ${DATABASE}`);
    await admin.query(`drop role if exists ${ROLE}`);
    await admin.end();
  }
});

describe.skipIf(!available)('introspect on a real PostgreSQL server', () => {
  it('reads every kind of object the model describes', async () => {
    const cat = await introspectAndCheckFixture(db, 'postgres', ROLE);
    expect(cat.database).toBe(DATABASE);
    expect(cat.engine.serverVersionNum).toBe(serverVersionNum);
    expect(cat.engine.serverVersion).not.toMatch(/Debian|\(/);
  });

  it('runs the same number of queries for 5 tables and for 200 tables', async () => {
    await applyAll(db, bulkTableStatements('five', 5));
    await applyAll(db, bulkTableStatements('bulk', 200));
    const small = await introspect(db, { engineKind: 'postgres', live: true, schemas: ['five'] });
    const large = await introspect(db, { engineKind: 'postgres', live: true, schemas: ['bulk'] });
    expect(small.tables).toHaveLength(5);
    expect(large.tables).toHaveLength(200);
    expect(large.introspectionQueries).toBe(small.introspectionQueries);
  });

  it('reads statistics from a live database', async () => {
    await applyAll(db, [
      `insert into customers (email, name, org_id) select 'c' || g || '@x.io', 'c' || g, 1 from generate_series(1, 50) g`,
      `analyze customers`,
      `select nextval('invoice_numbers')`,
      `select nextval('invoice_numbers')`,
    ]);
    const cat = await introspect(db, { engineKind: 'postgres', live: true });
    expect(cat.live).toBe(true);
    const customers = cat.tables.find((t) => t.schema === 'public' && t.name === 'customers');
    expect(customers?.stats?.rowEstimate).toBe(50);
    expect(customers?.stats?.totalBytes).toBeGreaterThan(customers?.stats?.tableBytes ?? 0);
    expect(typeof customers?.stats?.seqScans).toBe('number');
    const pkey = customers?.indexes.find((i) => i.name === 'customers_pkey');
    expect(pkey?.stats?.sizeBytes).toBeGreaterThan(0);
    expect(typeof pkey?.stats?.scans).toBe('number');
    expect(cat.sequences.find((s) => s.name === 'invoice_numbers')?.lastValue).toBe('6');
    // a table nobody analyzed still gets a row estimate (PG14+ reports reltuples -1 for it)
    const orders = cat.tables.find((t) => t.schema === 'public' && t.name === 'orders');
    expect(orders?.stats?.rowEstimate).toBe(0);
  });
});
