/**
 * Real engines for integration tests: one PGlite per test file per flavour (plain / Supabase),
 * reset between cases, so each case sees exactly the catalog Postgres builds from its SQL.
 */
import type { Catalog } from '../../src/catalog/model.js';
import { introspect } from '../../src/catalog/introspect.js';
import { applyProvenance, buildProvenanceIndex } from '../../src/catalog/provenance.js';
import { applyStatements } from '../../src/engine/apply.js';
import { openPGlite } from '../../src/engine/pglite.js';
import type { EngineSession } from '../../src/engine/session.js';
import { SUPABASE_PUBLIC_GRANTS_SQL, SUPABASE_SHIM_SCHEMAS } from '../../src/engine/shims/supabase.js';
import { splitStatements } from '../../src/sources/split.js';

const sessions = new Map<string, EngineSession>();

/** SQL that needs the Supabase shim: it names auth.*, storage.* or the API roles. */
export function looksLikeSupabase(sql: string): boolean {
  return /\bauth\.(uid|jwt|role|users|email)\b|\bstorage\.|\b(anon|authenticated|service_role)\b/i.test(sql);
}

const ALL_EXTENSIONS = ['citext', 'pgcrypto', 'uuid-ossp', 'pg_trgm', 'hstore', 'btree_gist', 'btree_gin', 'ltree'];

async function session(supabase: boolean): Promise<EngineSession> {
  const key = supabase ? 'supabase' : 'plain';
  let s = sessions.get(key);
  if (!s) {
    s = await openPGlite({ supabase, extensions: ALL_EXTENSIONS });
    sessions.set(key, s);
  }
  return s;
}

async function reset(s: EngineSession, supabase: boolean): Promise<void> {
  const keep = new Set(['pg_catalog', 'information_schema', 'pg_toast', ...(supabase ? SUPABASE_SHIM_SCHEMAS : [])]);
  const rows = await s.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'`);
  for (const r of rows) if (!keep.has(r.nspname)) await s.exec(`DROP SCHEMA "${r.nspname}" CASCADE`);
  await s.exec('CREATE SCHEMA public; GRANT ALL ON SCHEMA public TO PUBLIC');
  if (supabase) {
    await s.exec(SUPABASE_PUBLIC_GRANTS_SQL);
  }
  const exts = await s.query<{ extname: string }>(`SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' AND extnamespace = 'public'::regnamespace`);
  for (const e of exts) await s.exec(`DROP EXTENSION "${e.extname}" CASCADE`);
}

/** Applies `sql` to a clean database and returns the catalog, provenance pointing into `file`. */
export async function catalogFromSql(sql: string, opts: { supabase?: boolean; file?: string } = {}): Promise<Catalog> {
  const supabase = opts.supabase ?? looksLikeSupabase(sql);
  const s = await session(supabase);
  await reset(s, supabase);
  const statements = await splitStatements({ path: opts.file ?? 'test.sql', text: sql }, 0);
  await applyStatements(s, statements);
  const catalog = await introspect(s, { engineKind: 'pglite', live: false, shim: supabase ? { schemas: SUPABASE_SHIM_SCHEMAS } : null });
  applyProvenance(catalog, buildProvenanceIndex(statements));
  return catalog;
}

export async function closeEngines(): Promise<void> {
  for (const s of sessions.values()) await s.close();
  sessions.clear();
}
