/**
 * source ──load──▶ statements ──apply──▶ Postgres ──introspect──▶ Catalog ──analyze──▶ findings.
 * Everything a command needs up to the ReviewResult; rendering is the CLI's job.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Catalog, LoadNote } from './catalog/model.js';
import { isPartition, userTables, userViews } from './catalog/helpers.js';
import { introspect } from './catalog/introspect.js';
import { applyModelLocations, applyProvenance, buildProvenanceIndex } from './catalog/provenance.js';
import { readBaseline, type LoadedBaseline } from './config/baseline.js';
import { defaultConfig, type ResolvedConfig } from './config/load.js';
import { applySuppressions, inlineIgnoresOf } from './config/suppress.js';
import { applyStatements } from './engine/apply.js';
import { readCache, writeCache } from './engine/cache.js';
import { openPGlite, PGLITE_VERSION } from './engine/pglite.js';
import { isPostgresUrl, maskUrl, openLive, openShadow } from './engine/postgres.js';
import type { EngineSession } from './engine/session.js';
import { SUPABASE_SHIM_SCHEMAS } from './engine/shims/supabase.js';
import { shownPath } from './paths.js';
import { SchemasageError } from './errors.js';
import { healthGrade } from './report/grade.js';
import { SEVERITIES, type Finding, type Layout, type ReviewResult, type Severity, type SourceKind, type Timings } from './result.js';
import { allRules } from './rules/index.js';
import type { Rule } from './rules/types.js';
import { evaluateRules, numberFindings } from './rules/run.js';
import { inferTenant } from './rules/tenancy/tenant.js';
import { loadAtRef, parseGitRef } from './sources/git.js';
import { loadFileSource } from './sources/index.js';
import { prismaMigrationDrift } from './sources/prisma/drift.js';
import { prismaSnippet } from './sources/prisma/snippets.js';
import { drizzleSnippet } from './sources/drizzle/snippets.js';
import type { LoadedSource, Statement } from './sources/types.js';
import { TOOL_VERSION } from './version.js';

export interface LoadOptions {
  layout?: Layout;
  /** Apply into a scratch database on this server instead of PGlite. */
  shadowDb?: string;
  /** Only these schemas (default: every non-system schema). */
  schemas?: string[];
  cwd?: string;
  /** Use the content-addressed result cache (default true). */
  cache?: boolean;
}

export interface LoadedCatalog {
  catalog: Catalog;
  source: ReviewResult['source'];
  timings: Timings;
  fromCache: boolean;
}

const now = () => performance.now();

/** Is `arg` a live database? A postgres:// URL, or nothing at all when PG* variables name one. */
export function isLiveSource(arg: string | null): boolean {
  if (arg && isPostgresUrl(arg)) return true;
  return arg === null && Boolean(process.env.PGDATABASE || process.env.PGHOST);
}

function cacheKey(src: LoadedSource, opts: LoadOptions): string {
  const h = createHash('sha256');
  // `catalog` versions what a cached entry holds beyond introspection (2: inline ignores; 3: tool-table origins and model locations).
  h.update(JSON.stringify({ tool: TOOL_VERSION, pglite: PGLITE_VERSION, catalog: 3, schemas: opts.schemas ?? null, layout: src.layout }));
  h.update(src.contentHash);
  return h.digest('hex');
}

/** Extensions named by CREATE EXTENSION statements, so PGlite can register them up front. */
export function requestedExtensions(statements: readonly Statement[]): string[] {
  const names: string[] = [];
  for (const s of statements) {
    const node = (s.ast as { CreateExtensionStmt?: { extname?: string } }).CreateExtensionStmt;
    if (node?.extname) names.push(node.extname);
  }
  return names;
}

export async function loadCatalog(arg: string | null, opts: LoadOptions = {}): Promise<LoadedCatalog> {
  const timings: Timings = { loadMs: 0, applyMs: 0, introspectMs: 0, analyzeMs: 0, renderMs: 0 };
  if (isLiveSource(arg)) return loadLive(arg, opts, timings);

  const cwd = opts.cwd ?? process.cwd();
  // `<path>@<ref>`: the same load, from a temporary checkout of the path at that commit.
  const atRef = arg === null ? null : parseGitRef(arg, cwd);
  if (atRef) return loadAtRef(atRef, cwd, (refPath, refCwd) => loadCatalog(refPath, { ...opts, cwd: refCwd }));
  const path = arg ?? '.';
  if (!existsSync(resolve(cwd, path))) throw new SchemasageError(`no such file or directory: ${path}`);
  let t = now();
  const src = await loadFileSource(path, { cwd, ...(opts.layout ? { layout: opts.layout } : {}) });
  timings.loadMs = now() - t;
  const source: ReviewResult['source'] = { kind: src.kind as SourceKind, path: src.path, layout: src.layout };

  const useCache = (opts.cache ?? true) && !opts.shadowDb;
  const key = cacheKey(src, opts);
  if (useCache) {
    const hit = readCache(`results/${key}.json`);
    if (hit) {
      try {
        const catalog = JSON.parse(hit.toString('utf8')) as Catalog;
        return { catalog, source, timings, fromCache: true };
      } catch {
        // unreadable cache entry: rebuild
      }
    }
  }

  if (statSync(resolve(cwd, path)).isDirectory() && src.statements.length === 0) {
    throw new SchemasageError(`${path}: the ${src.layout ?? ''} migrations contain no SQL statements`);
  }

  t = now();
  const session = await openEngine(src, opts);
  let catalog: Catalog;
  try {
    catalog = await applyAndIntrospect(session, src, { ...opts, cwd }, timings, t);
  } finally {
    await session.close();
  }
  if (useCache) writeCache(`results/${key}.json`, JSON.stringify(catalog));
  return { catalog, source, timings, fromCache: false };
}


/** PGlite (with the extensions the source asks for) or a scratch database on --shadow-db's server. */
export async function openEngine(src: LoadedSource, opts: Pick<LoadOptions, 'shadowDb'> = {}): Promise<EngineSession> {
  return opts.shadowDb
    ? openShadow(opts.shadowDb, { supabase: src.supabase })
    : openPGlite({ supabase: src.supabase, extensions: requestedExtensions(src.statements) });
}

/**
 * Applies a loaded source's statements to an open engine and reads the Catalog back, with
 * provenance, model locations, inline ignores and load notes. The session stays open: `fix`
 * applies its migration to the same engine afterwards.
 */
export async function applyAndIntrospect(
  session: EngineSession,
  src: LoadedSource,
  opts: Pick<LoadOptions, 'schemas' | 'cwd'> = {},
  timings?: Timings,
  started = now(),
): Promise<Catalog> {
  const cwd = opts.cwd ?? process.cwd();
  const applied = await applyStatements(session, src.statements);
  if (timings) timings.applyMs = now() - started;
  const t = now();
  const catalog = await introspect(session, {
    engineKind: session.kind,
    live: false,
    database: src.path,
    ...(opts.schemas ? { schemas: opts.schemas } : {}),
    shim: src.supabase ? { schemas: SUPABASE_SHIM_SCHEMAS } : null,
    ...(src.stubs ? { stubs: src.stubs } : {}),
  });
  applyProvenance(catalog, buildProvenanceIndex(src.statements));
  if (src.locations) {
    applyModelLocations(catalog, src.locations);
    catalog.modelLocations = src.locations;
  }
  catalog.notes = [...src.notes, ...applied.notes, ...catalog.notes];
  // Collected here, not at review time, so they survive the result cache.
  catalog.inlineIgnores = inlineIgnoresOf(src.statements);
  if (src.supabase) catalog.notes.push(supabaseNote(src));
  if (src.kind === 'migrations' && src.layout === 'prisma') {
    catalog.notes.push(...(await prismaMigrationDrift(resolve(cwd, src.path), catalog, (abs) => shownPath(abs, cwd), cwd)));
  }
  if (timings) timings.introspectMs = now() - t;
  return catalog;
}

function supabaseNote(src: LoadedSource): LoadNote {
  return {
    kind: 'shim',
    message: `Supabase ${src.layout === 'supabase' ? 'project' : 'SQL'} detected: auth.users, auth.uid()/jwt()/role(), the anon/authenticated/service_role roles and the storage schema were provided by a shim and are not reviewed`,
    location: null,
  };
}

async function loadLive(arg: string | null, opts: LoadOptions, timings: Timings): Promise<LoadedCatalog> {
  let t = now();
  const session = await openLive(arg);
  timings.loadMs = now() - t;
  try {
    t = now();
    // A Supabase database has its own auth/storage schemas: they are the platform's, not the user's.
    // Roles are cluster-wide: a Supabase database is one with the API roles *and* auth.users.
    const probe = await session.query<{ n: number; auth: boolean }>(
      `SELECT (SELECT count(*)::int FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role')) AS n,
              to_regclass('auth.users') IS NOT NULL AS auth`,
    );
    const supabase = probe[0]?.n === 3 && probe[0]?.auth === true;
    const catalog = await introspect(session, {
      engineKind: 'postgres',
      live: true,
      database: session.database,
      ...(opts.schemas ? { schemas: opts.schemas } : {}),
      shim: supabase ? { schemas: SUPABASE_SHIM_SCHEMAS } : null,
    });
    timings.introspectMs = now() - t;
    const path = arg ? maskUrl(arg) : `PG* environment (database ${session.database})`;
    return { catalog, source: { kind: 'live', path, layout: null }, timings, fromCache: false };
  } finally {
    await session.close();
  }
}

export interface ReviewOutput {
  result: ReviewResult;
  catalog: Catalog;
  fromCache: boolean;
}

/** Prisma and Drizzle users fix their schema file, not SQL: give each fix in the ORM's own syntax too. */
function addOrmSnippets(findings: Finding[], loaded: LoadedCatalog): void {
  const locations = loaded.catalog.modelLocations;
  if (!locations) return;
  const kind = loaded.source.kind;
  if (kind !== 'prisma' && kind !== 'drizzle') return;
  for (const f of findings) {
    if (!f.fix) continue;
    const snippet = kind === 'prisma' ? prismaSnippet(f, locations) : drizzleSnippet(f, locations);
    if (snippet) f.fix = { ...f.fix, orm: { ...(f.fix.orm ?? {}), [kind]: snippet } };
  }
}

export function countFindings(findings: ReadonlyArray<{ severity: Severity }>): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

export interface AnalyzeOptions {
  /** Rule levels, stances, ignores (default: no config file). */
  config?: ResolvedConfig;
  /**
   * Findings to suppress as accepted. Undefined: the config's `baseline` file when it exists;
   * null: none (e.g. while writing a new baseline).
   */
  baseline?: LoadedBaseline | null;
  /** The rules to run (default: all review rules). `check` reports drift only and runs none. */
  rules?: readonly Rule[];
}

/**
 * Runs the review rules over a loaded catalog, applies the config's suppressions (rules off,
 * `ignore` entries, inline and COMMENT ON ignores, the baseline) and assembles the JSON contract.
 * Findings are numbered after suppression, so ids stay dense.
 */
export function analyze(loaded: LoadedCatalog, command: ReviewResult['command'] = 'review', opts: AnalyzeOptions = {}): ReviewOutput {
  const { catalog } = loaded;
  const config = opts.config ?? defaultConfig();
  const baseline = opts.baseline !== undefined ? opts.baseline : config.baseline ? readBaseline(config.baseline, { required: false }) : null;
  const t = now();
  // Prisma keeps @updatedAt columns current, Drizzle $onUpdate ones: rules that judge triggers need to know.
  const orm = config.review.orm ?? (loaded.source.kind === 'prisma' || loaded.source.kind === 'drizzle' ? loaded.source.kind : null);
  const evaluated = evaluateRules(catalog, opts.rules ?? allRules, { settings: config.settings, review: { ...config.review, orm } });
  const outcome = applySuppressions(evaluated, { catalog, config, baseline });
  const findings = numberFindings(outcome.kept);
  addOrmSnippets(findings, loaded);
  loaded.timings.analyzeMs = now() - t;
  const notes: ReviewResult['notes'] = catalog.notes.map((n) => ({ kind: n.kind, message: n.message, location: n.location }));
  notes.push(...outcome.notes);
  if (opts.baseline === undefined && config.baseline && !baseline) {
    const shown = shownPath(config.baseline);
    notes.push({ kind: 'baseline', message: `the baseline file ${shown} named in ${config.path ?? 'the configuration'} does not exist yet; create it with --write-baseline`, location: null });
  }
  const tables = userTables(catalog);
  const views = userViews(catalog);
  const result: ReviewResult = {
    schemaVersion: 1,
    tool: { name: 'schemasage', version: TOOL_VERSION },
    command,
    source: loaded.source,
    engine: { kind: catalog.engine.kind, serverVersion: catalog.engine.serverVersion },
    generatedAt: new Date().toISOString(),
    summary: {
      tables: tables.filter((x) => !isPartition(x)).length,
      views: views.length,
      indexes: tables.reduce((n, x) => n + x.indexes.length, 0) + views.reduce((n, v) => n + v.indexes.length, 0),
      foreignKeys: tables.reduce((n, x) => n + x.constraints.filter((c) => c.type === 'foreign key' && !c.inherited).length, 0),
      enums: catalog.enums.filter((e) => e.origin === 'user').length,
      functions: catalog.functions.filter((f) => f.origin === 'user').length,
      policies: tables.reduce((n, x) => n + x.policies.length, 0),
      findings: countFindings(findings),
      suppressed: outcome.suppressed.length,
    },
    findings,
    suppressed: outcome.suppressed,
    notes,
    timings: loaded.timings,
  };
  const tenant = inferTenant(catalog, config.review.tenantColumn);
  result.tenancy = tenant
    ? {
        column: tenant.column,
        parent: tenant.parent ? `${tenant.parent.schema}.${tenant.parent.table}` : null,
        source: tenant.source,
        carriers: tenant.carriers.length,
        scoped: tenant.scoped.length,
        evidence: tenant.evidence,
      }
    : null;
  result.summary.grade = healthGrade(result.summary.findings, result.summary.tables).grade;
  return { result, catalog, fromCache: loaded.fromCache };
}

export interface ReviewOptions extends LoadOptions, AnalyzeOptions {}

/** Loads and analyzes a source. `config.schemas` is the default for `schemas`. */
export async function review(arg: string | null, opts: ReviewOptions = {}): Promise<ReviewOutput> {
  const schemas = opts.schemas ?? opts.config?.schemas ?? undefined;
  const loaded = await loadCatalog(arg, { ...opts, ...(schemas ? { schemas } : {}) });
  return analyze(loaded, 'review', opts);
}
