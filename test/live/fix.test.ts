/**
 * The migration `fix` writes, run by psql on a real PostgreSQL server holding the source: the
 * transaction, the CONCURRENTLY statements outside it and the validations go through as written,
 * and a live review afterwards no longer has the findings it fixed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTempDb, pgAvailable, type TempDb } from '../support/pg.js';

const live = await pgAvailable();
const tmp = mkdtempSync(join(tmpdir(), 'schemasage-fix-live-'));
const env = { SCHEMASAGE_CACHE_DIR: join(tmp, 'cache') };

/** psql as an operator runs it. Asynchronous: a blocking child starves vitest's worker RPC. */
function psql(url: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [url, '-X', '-v', 'ON_ERROR_STOP=1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface FixJson {
  findings: Array<{ id: string; rule: string; severity: string; fingerprint: string }>;
  fix: { verified: boolean; gone: Array<{ fingerprint: string }> };
}

describe.skipIf(!live)('schemasage fix, applied by psql to real PostgreSQL', () => {
  const out = join(tmp, 'shop-fix.sql');
  let plan: FixJson;
  let db: TempDb;

  beforeAll(async () => {
    const r = await runCli(['fix', 'examples/shop.sql', '--out', out, '--format', 'json', '--quiet'], { env });
    expect(r.code).toBe(0);
    plan = JSON.parse(r.stdout) as FixJson;
    db = await createTempDb('schemasage_fix');
    const load = await psql(db.url, ['-q', '-f', 'examples/shop.sql']);
    expect(load.stderr).toBe('');
    expect(load.code).toBe(0);
  });
  afterAll(async () => db?.drop());

  it('runs from top to bottom, and a live review no longer has the findings it fixed', async () => {
    const run = await psql(db.url, ['-f', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter(Boolean)).toEqual(expect.arrayContaining(['BEGIN', 'COMMIT', 'CREATE INDEX']));

    const indexes = await db.client.query<{ indexname: string; valid: boolean }>(
      `SELECT c.relname AS indexname, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'order_items_order_id_idx'`,
    );
    expect(indexes.rows).toEqual([{ indexname: 'order_items_order_id_idx', valid: true }]);

    const review = await runCli(['review', db.url, '--format', 'json', '--fail-on', 'none', '--no-cache'], { env });
    expect(review.code).toBe(0);
    const after = new Set((JSON.parse(review.stdout) as FixJson).findings.map((f) => f.fingerprint));
    expect(plan.fix.verified).toBe(true);
    expect(plan.fix.gone.length).toBe(5);
    expect(plan.fix.gone.filter((g) => after.has(g.fingerprint))).toEqual([]);
    // What it was not asked to fix is still there on the server.
    const untouched = plan.findings.filter((f) => f.severity === 'medium');
    expect(untouched.length).toBeGreaterThan(3);
    expect(untouched.filter((f) => !after.has(f.fingerprint)).map((f) => f.rule)).toEqual([]);
  });

  it('a CONCURRENTLY statement fails inside a transaction block, as the header warns', async () => {
    // Only the index: no BEGIN … COMMIT of its own that would end psql's transaction early.
    const indexOnly = join(tmp, 'index-only.sql');
    const fix = await runCli(['fix', 'examples/shop.sql', '--rule', 'unindexed-foreign-key', '--out', indexOnly, '--quiet'], { env });
    expect(fix.code).toBe(0);
    expect(readFileSync(indexOnly, 'utf8')).toMatch(/not inside a transaction \(no -1 or\n-- --single-transaction\)/);
    const other = await createTempDb('schemasage_fix_single');
    try {
      expect((await psql(other.url, ['-q', '-f', 'examples/shop.sql'])).code).toBe(0);
      const wrapped = await psql(other.url, ['--single-transaction', '-f', indexOnly]);
      expect(wrapped.code).not.toBe(0);
      expect(wrapped.stderr).toMatch(/CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
      const plain = await psql(other.url, ['-f', indexOnly]);
      expect(plain.stderr).toBe('');
      expect(plain.code).toBe(0);
    } finally {
      await other.drop();
    }
  });
});
