/**
 * `diff --target`: the production database's sizes change the verdict. An empty table accepts a NOT
 * NULL column; one with rows makes the deploy fail; a big one turns a rewrite critical.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewPr } from '../../src/diff/review.js';
import { createTempDb, pgAvailable, type TempDb } from '../support/pg.js';

const live = await pgAvailable();
const BASE = 'test/fixtures/diff/base/migrations';
const PR = 'test/fixtures/diff/risky-busy-tables/migrations';

describe.skipIf(!live)('schemasage diff --target', () => {
  let db: TempDb;
  beforeAll(async () => {
    db = await createTempDb('schemasage_diff_target');
    for (const f of readdirSync(BASE).filter((x) => x.endsWith('.sql')).sort()) await db.client.query(readFileSync(join(BASE, f), 'utf8'));
    await db.client.query('ANALYZE');
  });
  afterAll(async () => db?.drop());

  it('lowers add-required-column on a table the target shows empty, and reads the target\'s version', async () => {
    const { result } = await reviewPr(BASE, PR, { target: db.url });
    const f = result.findings.find((x) => x.rule === 'add-required-column');
    expect(f?.severity).toBe('low');
    expect(result.findings.find((x) => x.rule === 'column-type-change-rewrites')?.details).toMatchObject({ pgVersion: expect.any(Number) });
  });

  it('is critical when the target holds rows, and writes nothing to the target', async () => {
    // Rows without their parents: replica mode skips FK triggers, so the test stays about sizes.
    await db.client.query(`SET session_replication_role = replica;
      INSERT INTO tasks (organization_id, project_id, title) SELECT 1, 1, 'task ' || g FROM generate_series(1, 20000) g;
      SET session_replication_role = DEFAULT; ANALYZE tasks;`);
    const snapshot = async () => (await db.client.query(`SELECT count(*)::int AS tables, (SELECT count(*)::int FROM tasks) AS tasks,
      (SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'public') AS indexes FROM pg_tables WHERE schemaname = 'public'`)).rows[0];
    const before = await snapshot();
    const { result } = await reviewPr(BASE, PR, { target: db.url });
    const f = result.findings.find((x) => x.rule === 'add-required-column');
    expect(f?.severity).toBe('critical');
    expect(f?.message).toMatch(/rows/);
    expect(await snapshot()).toEqual(before);
  });
});
