/** `check` against a live database: the drift of production from the design, read-only. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRef } from '../../src/catalog/helpers.js';
import { runCli } from '../support/cli.js';
import { createTempDb, pgAvailable, type TempDb } from '../support/pg.js';

const live = await pgAvailable();

describe.skipIf(!live)('schemasage check <postgres-url> --expect <design>', () => {
  let db: TempDb;
  beforeAll(async () => {
    db = await createTempDb('schemasage_check');
    await db.client.query(readFileSync('test/fixtures/check/actual.sql', 'utf8'));
  });
  afterAll(async () => db?.drop());

  it('reports the drift with fix SQL, exits 1 on high drift, and writes nothing', async () => {
    const before = (await db.client.query(`SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace`)).rows[0].n;
    const r = await runCli(['check', db.url, '--expect', 'test/fixtures/check/expected.sql', '--format', 'json', '--no-cache']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.command).toBe('check');
    expect(json.source.kind).toBe('live');
    const kinds = json.drift.map((d: { kind: string; objects: Array<Parameters<typeof describeRef>[0]> }) => `${d.kind} ${d.objects.map(describeRef).join(' → ')}`);
    expect(kinds).toEqual(expect.arrayContaining(['missing-table coupons', 'type-mismatch orders.total_cents', 'likely-rename customers.full_name → customers.name']));
    expect(json.drift.find((d: { kind: string }) => d.kind === 'type-mismatch').fix.sql).toContain('ALTER TABLE');
    expect(JSON.stringify(json)).not.toContain(new URL(db.url).password || '\u0000');
    // Seed 001's quick health check: both schemas' counts, and the live one's sizes and row estimates.
    expect(json.health.actual).toMatchObject({ tables: 3, indexes: 4, foreignKeys: 1 });
    expect(json.health.expected).toMatchObject({ tables: 3, indexes: 5, foreignKeys: 1, totalBytes: null, rowEstimate: null });
    expect(json.health.actual.totalBytes).toBeGreaterThan(0);
    expect(json.health.largest.map((t: { table: string }) => t.table)).toContain('customers');
    const after = (await db.client.query(`SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace`)).rows[0].n;
    expect(after).toBe(before);
  });

  it('exits 0 when the live database matches the design', async () => {
    const same = await createTempDb('schemasage_check_same');
    try {
      await same.client.query(readFileSync('test/fixtures/check/expected.sql', 'utf8'));
      const r = await runCli(['check', same.url, '--expect', 'test/fixtures/check/expected.sql', '--no-cache']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('No drift');
      expect(r.stdout).toMatch(/HEALTH\s+actual\s+expected/);
      expect(r.stdout).not.toMatch(/tables\s+\d+\s+\d+\s+[+-]\d/);
    } finally {
      await same.drop();
    }
  });
});
