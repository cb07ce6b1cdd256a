/**
 * Live PostgreSQL for tests: SCHEMASAGE_TEST_PG_URL (CI sets it). Each test creates its own uniquely
 * named database and drops it. Without a server the tests are skipped loudly — unless
 * SCHEMASAGE_REQUIRE_PG=1, when they fail.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export const PG_URL = process.env.SCHEMASAGE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function pgAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch (err) {
    if (process.env.SCHEMASAGE_REQUIRE_PG === '1') {
      throw new Error(`SCHEMASAGE_REQUIRE_PG=1 but PostgreSQL at ${PG_URL} is unreachable: ${(err as Error).message}`);
    }
    console.warn(`\n*** SKIPPING live PostgreSQL tests: ${PG_URL} is unreachable (${(err as Error).message}). Set SCHEMASAGE_TEST_PG_URL. ***\n`);
    return false;
  }
}

export interface TempDb {
  name: string;
  url: string;
  client: pg.Client;
  drop(): Promise<void>;
}

export async function createTempDb(prefix = 'schemasage_test'): Promise<TempDb> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  return {
    name,
    url: u.toString(),
    client,
    async drop() {
      await client.end().catch(() => undefined);
      const a = new pg.Client({ connectionString: PG_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
