/**
 * Parity: the same schema reviewed from its migrations (embedded PGlite, PG 18) and from a live
 * PostgreSQL database built from the same migrations gives the same findings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStatements } from '../../src/engine/apply.js';
import type { EngineSession } from '../../src/engine/session.js';
import { SUPABASE_SEARCH_PATH, SUPABASE_SHIM_SQL } from '../../src/engine/shims/supabase.js';
import { analyze, loadCatalog } from '../../src/pipeline.js';
import { allRules } from '../../src/rules/index.js';
import { loadFileSource } from '../../src/sources/index.js';
import { createTempDb, pgAvailable, type TempDb } from '../support/pg.js';

const live = await pgAvailable();
const liveOnly = new Set(allRules.filter((r) => r.meta.liveOnly).map((r) => r.meta.id));

async function buildLive(db: TempDb, path: string): Promise<void> {
  const src = await loadFileSource(path);
  if (src.supabase) {
    await db.client.query(SUPABASE_SHIM_SQL);
    await db.client.query(`ALTER DATABASE ${db.name} SET search_path = ${SUPABASE_SEARCH_PATH}`);
    await db.client.query(`SET search_path = ${SUPABASE_SEARCH_PATH}`);
  }
  const available = new Set((await db.client.query<{ name: string }>('SELECT name FROM pg_available_extensions')).rows.map((r) => r.name));
  const session: EngineSession = {
    kind: 'postgres',
    query: async <T>(sql: string) => (await db.client.query(sql)).rows as T[],
    exec: async (sql: string) => void (await db.client.query(sql)),
    hasExtension: (name: string) => available.has(name),
    close: async () => undefined,
  };
  await applyStatements(session, src.statements);
}

function keys(findings: Array<{ rule: string; fingerprint: string; severity: string }>): string[] {
  return findings.filter((f) => !liveOnly.has(f.rule)).map((f) => `${f.severity} ${f.rule} ${f.fingerprint}`).sort();
}

describe.skipIf(!live)('live parity with real PostgreSQL', () => {
  for (const example of ['examples/supabase-app', 'examples/shop.sql']) {
    describe(example, () => {
      let db: TempDb;
      beforeAll(async () => {
        db = await createTempDb('schemasage_parity');
        await buildLive(db, example);
      });
      afterAll(async () => db?.drop());

      it('finds the same problems live as from the files', async () => {
        const fromFiles = analyze(await loadCatalog(example, { cache: false }));
        const fromLive = analyze(await loadCatalog(db.url, { cache: false }));
        expect(fromLive.result.source.kind).toBe('live');
        expect(fromLive.result.summary.tables).toBe(fromFiles.result.summary.tables);
        expect(keys(fromLive.result.findings)).toEqual(keys(fromFiles.result.findings));
        expect(fromFiles.result.findings.length).toBeGreaterThan(5);
      });
    });
  }
});
