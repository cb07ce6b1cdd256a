/**
 * Extensions PGlite can load. They ship inside @electric-sql/pglite but must be registered in the
 * constructor; we import only those a source asks for, so a plain review pays for none.
 */
import type { Extension as PGliteExtension } from '@electric-sql/pglite';

type Loader = () => Promise<PGliteExtension>;

const contrib = (file: string, exportName: string): Loader => async () => {
  const mod = (await import(`@electric-sql/pglite/contrib/${file}`)) as Record<string, PGliteExtension>;
  const ext = mod[exportName];
  if (!ext) throw new Error(`PGlite contrib module ${file} has no export ${exportName}`);
  return ext;
};

/** SQL extension name → loader. Names as CREATE EXTENSION spells them. */
const PGLITE_EXTENSIONS: Record<string, Loader> = {
  amcheck: contrib('amcheck', 'amcheck'),
  bloom: contrib('bloom', 'bloom'),
  btree_gin: contrib('btree_gin', 'btree_gin'),
  btree_gist: contrib('btree_gist', 'btree_gist'),
  citext: contrib('citext', 'citext'),
  cube: contrib('cube', 'cube'),
  dict_int: contrib('dict_int', 'dict_int'),
  dict_xsyn: contrib('dict_xsyn', 'dict_xsyn'),
  earthdistance: contrib('earthdistance', 'earthdistance'),
  fuzzystrmatch: contrib('fuzzystrmatch', 'fuzzystrmatch'),
  hstore: contrib('hstore', 'hstore'),
  intarray: contrib('intarray', 'intarray'),
  isn: contrib('isn', 'isn'),
  lo: contrib('lo', 'lo'),
  ltree: contrib('ltree', 'ltree'),
  moddatetime: contrib('moddatetime', 'moddatetime'),
  pg_buffercache: contrib('pg_buffercache', 'pg_buffercache'),
  pg_stat_statements: contrib('pg_stat_statements', 'pg_stat_statements'),
  pg_trgm: contrib('pg_trgm', 'pg_trgm'),
  pg_visibility: contrib('pg_visibility', 'pg_visibility'),
  pgcrypto: contrib('pgcrypto', 'pgcrypto'),
  seg: contrib('seg', 'seg'),
  tablefunc: contrib('tablefunc', 'tablefunc'),
  tcn: contrib('tcn', 'tcn'),
  tsm_system_rows: contrib('tsm_system_rows', 'tsm_system_rows'),
  tsm_system_time: contrib('tsm_system_time', 'tsm_system_time'),
  unaccent: contrib('unaccent', 'unaccent'),
  'uuid-ossp': contrib('uuid_ossp', 'uuid_ossp'),
};

/** Extensions that exist in core PostgreSQL and need no registration. */
const BUILT_IN = new Set(['plpgsql']);

export function pgliteHasExtension(name: string): boolean {
  return BUILT_IN.has(name) || name in PGLITE_EXTENSIONS;
}

export async function loadPGliteExtensions(names: Iterable<string>): Promise<Record<string, PGliteExtension>> {
  const out: Record<string, PGliteExtension> = {};
  for (const name of new Set(names)) {
    const loader = PGLITE_EXTENSIONS[name];
    if (loader) out[name.replace(/-/g, '_')] = await loader();
  }
  return out;
}

/**
 * Where each commonly used non-contrib extension puts its objects, so that statements that use a
 * missing extension (`select cron.schedule(…)`) can be skipped and attributed to it.
 */
export const EXTENSION_FOOTPRINTS: Record<string, RegExp> = {
  pg_cron: /\bcron\./i,
  pg_net: /\bnet\./i,
  pgsodium: /\bpgsodium\./i,
  supabase_vault: /\bvault\./i,
  pg_graphql: /\bgraphql\./i,
  pgjwt: /\b(sign|verify|url_encode|url_decode)\s*\(/i,
  vector: /\b(vector|halfvec|sparsevec)\b|vector_(l2|ip|cosine)_ops|<->|<#>|<=>/i,
  postgis: /\b(geometry|geography)\b|\bst_[a-z]+\s*\(/i,
  pg_jsonschema: /\bjson(b)?_matches_schema\s*\(/i,
  http: /\bhttp_(get|post|put|delete)\s*\(/i,
  pg_hashids: /\bid_(encode|decode)\s*\(/i,
  plv8: /\blanguage\s+plv8\b/i,
  plpython3u: /\blanguage\s+plpython3?u\b/i,
  timescaledb: /\bcreate_hypertable\s*\(|\btimescaledb_/i,
};
