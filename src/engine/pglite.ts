/**
 * The embedded engine: PGlite (PostgreSQL compiled to WASM, in-process). A fresh instance runs
 * initdb (~2 s); we save the data directory after the first start as a template and load it on
 * later runs (~0.4 s). The Supabase template also holds the shim, so it is paid for once.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { readCache, writeCache } from './cache.js';
import type { EngineSession } from './session.js';
import { loadPGliteExtensions, pgliteHasExtension } from './extensions.js';
import { SUPABASE_PREINSTALLED_EXTENSIONS, SUPABASE_SEARCH_PATH, SUPABASE_SHIM_SQL } from './shims/supabase.js';

const require = createRequire(import.meta.url);

export const PGLITE_VERSION: string = (() => {
  const entry = require.resolve('@electric-sql/pglite');
  // entry is …/@electric-sql/pglite/dist/index.cjs
  const pkg = JSON.parse(readFileSync(join(entry, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
})();

/** Bump when the shim changes so old templates are not reused. */
const SHIM_VERSION = 4;

export interface PGliteSessionOptions {
  supabase: boolean;
  /** Extensions the source creates; registered up front because PGlite needs them in the constructor. */
  extensions: string[];
}

export interface PGliteSessionInfo {
  /** Whether the data directory came from the cached template (no initdb). */
  fromTemplate: boolean;
}

class PGliteSession implements EngineSession {
  readonly kind = 'pglite' as const;
  constructor(private readonly db: PGlite, readonly info: PGliteSessionInfo) {}

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    const res = await this.db.query<T>(sql, params);
    return res.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  hasExtension(name: string): boolean {
    return pgliteHasExtension(name);
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}

export async function openPGlite(opts: PGliteSessionOptions): Promise<PGliteSession> {
  const wanted = new Set(opts.extensions.filter(pgliteHasExtension));
  if (opts.supabase) for (const e of SUPABASE_PREINSTALLED_EXTENSIONS) wanted.add(e);
  const extensions = await loadPGliteExtensions(wanted);
  const key = `templates/pglite-${PGLITE_VERSION}-${opts.supabase ? `supabase-${SHIM_VERSION}` : 'base'}.tar`;
  const cached = readCache(key);
  if (cached) {
    try {
      const db = new PGlite({ loadDataDir: new Blob([new Uint8Array(cached)]), extensions });
      await db.waitReady;
      if (opts.supabase) await db.exec(`SET search_path = ${SUPABASE_SEARCH_PATH}`);
      return new PGliteSession(db, { fromTemplate: true });
    } catch {
      // A corrupt or incompatible template: fall through and rebuild it.
    }
  }
  const db = new PGlite({ extensions });
  await db.waitReady;
  if (opts.supabase) {
    await db.exec(SUPABASE_SHIM_SQL);
    await db.exec(`ALTER DATABASE postgres SET search_path = ${SUPABASE_SEARCH_PATH}`);
    await db.exec(`SET search_path = ${SUPABASE_SEARCH_PATH}`);
  }
  const dump = await db.dumpDataDir('none');
  writeCache(key, Buffer.from(await dump.arrayBuffer()));
  return new PGliteSession(db, { fromTemplate: false });
}
