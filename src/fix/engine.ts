/**
 * The engine `fix` verifies in. Two differences from a review's: extensions the fixes create must
 * be registered when PGlite starts (pgcrypto and citext, which rules' fixes use, always are), and
 * the migration runs as a new connection would, not in the session state the source left behind
 * (a pg_dump empties search_path; the migration will run with the database's default).
 */
import type { Catalog } from '../catalog/model.js';
import { openPGlite } from '../engine/pglite.js';
import { openShadow } from '../engine/postgres.js';
import type { EngineSession } from '../engine/session.js';
import { applyAndIntrospect, requestedExtensions, type LoadOptions } from '../pipeline.js';
import type { LoadedSource } from '../sources/types.js';
import type { Timings } from '../result.js';

/** Extensions that review rules' fix SQL creates. */
export const FIX_EXTENSIONS: readonly string[] = ['pgcrypto', 'citext'];

export interface FixEngine {
  session: EngineSession;
  /** Extensions PGlite was started with (a shadow server has its own). */
  registered: Set<string>;
  catalog: Catalog;
}

/** Opens the engine, applies the source, and restores a new connection's search_path. */
export async function loadIntoEngine(
  src: LoadedSource,
  opts: Pick<LoadOptions, 'shadowDb' | 'schemas' | 'cwd'>,
  extra: readonly string[] = [],
  timings?: Timings,
): Promise<FixEngine> {
  const registered = new Set([...requestedExtensions(src.statements), ...FIX_EXTENSIONS, ...extra]);
  const started = performance.now();
  const session = opts.shadowDb
    ? await openShadow(opts.shadowDb, { supabase: src.supabase })
    : await openPGlite({ supabase: src.supabase, extensions: [...registered] });
  try {
    const [row] = await session.query<{ path: string }>(`SELECT current_setting('search_path') AS path`);
    const catalog = await applyAndIntrospect(session, src, opts, timings, started);
    await session.query(`SELECT set_config('search_path', $1, false)`, [row?.path ?? '"$user", public']);
    return { session, registered, catalog };
  } catch (err) {
    await session.close();
    throw err;
  }
}
