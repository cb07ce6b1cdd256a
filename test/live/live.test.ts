/** Live databases are only read, and shadow databases leave nothing behind. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLive } from '../../src/engine/postgres.js';
import { analyze, loadCatalog } from '../../src/pipeline.js';
import { runCli } from '../support/cli.js';
import { createTempDb, PG_URL, pgAvailable, type TempDb } from '../support/pg.js';

const live = await pgAvailable();

describe.skipIf(!live)('live database', () => {
  let db: TempDb;
  beforeAll(async () => {
    db = await createTempDb('schemasage_live');
    await db.client.query(`
      CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);
      CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), placed_at timestamp NOT NULL);
      INSERT INTO customers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, 50) g;
      ANALYZE;`);
  });
  afterAll(async () => db?.drop());

  it('reviews through a read-only transaction that refuses writes', async () => {
    const session = await openLive(db.url);
    try {
      await expect(session.query('CREATE TABLE sneaky (id int)')).rejects.toThrow(/read-only transaction/);
    } finally {
      await session.close();
    }
    const exists = await db.client.query(`SELECT to_regclass('public.sneaky') AS t`);
    expect(exists.rows[0].t).toBeNull();
  });

  it('identifies itself as schemasage while connected', async () => {
    const session = await openLive(db.url);
    try {
      const rows = await session.query<{ app: string; ro: string; st: string; lt: string }>(
        `SELECT current_setting('application_name') AS app, current_setting('transaction_read_only') AS ro,
                current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt`,
      );
      expect(rows[0]).toMatchObject({ app: 'schemasage', ro: 'on' });
      expect(rows[0]?.st).not.toBe('0');
      expect(rows[0]?.lt).not.toBe('0');
    } finally {
      await session.close();
    }
  });

  it('finds problems in a live database, with statistics', async () => {
    const out = analyze(await loadCatalog(db.url));
    expect(out.result.source.kind).toBe('live');
    expect(out.result.engine.kind).toBe('postgres');
    const rules = out.result.findings.map((f) => `${f.rule} ${f.objects.map((o) => o.name).join(',')}`);
    expect(rules).toContain('unindexed-foreign-key orders_customer_id_fkey,customer_id,orders');
    expect(rules.some((r) => r.startsWith('timestamp-without-time-zone placed_at'))).toBe(true);
    expect(out.catalog.tables.find((t) => t.name === 'customers')?.stats?.rowEstimate).toBe(50);
  });

  it('never prints the password and reads PG* variables when no source is given', async () => {
    const u = new URL(db.url);
    u.password = 'hunter2-secret';
    const withPassword = await runCli(['review', u.toString(), '--format', 'json', '--fail-on', 'none']);
    expect(withPassword.code).toBe(0);
    expect(withPassword.stdout + withPassword.stderr).not.toContain('hunter2-secret');
    const env = await runCli(['--format', 'json', '--fail-on', 'none'], {
      cwd: '/',
      env: { PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: u.username || 'postgres', PGDATABASE: db.name },
    });
    expect(env.code).toBe(0);
    expect(JSON.parse(env.stdout).source).toMatchObject({ kind: 'live' });
  });

  it('--shadow-db applies into a scratch database and drops it afterwards', async () => {
    const r = await runCli(['review', 'examples/supabase-app', '--shadow-db', PG_URL, '--format', 'json', '--fail-on', 'none', '--no-cache']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.engine.kind).toBe('postgres');
    expect(json.findings.some((f: { rule: string }) => f.rule === 'rls-disabled')).toBe(true);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const left = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'schemasage_shadow_%'`);
    await admin.end();
    expect(left.rows).toEqual([]);
  });
});
