/**
 * `fix`: load the source into the engine, review it, choose findings, build one lock-safe migration
 * and verify it by applying it and reviewing again. Only file sources: a live database is never
 * written to, and its schema has to be dumped first.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { SchemasageError } from '../errors.js';
import { analyze, isLiveSource, type LoadOptions, type ReviewOutput } from '../pipeline.js';
import { loadIntoEngine, type FixEngine } from './engine.js';
import type { Finding, SourceKind, Timings } from '../result.js';
import { parseGitRef } from '../sources/git.js';
import { loadFileSource } from '../sources/index.js';
import type { LoadedSource } from '../sources/types.js';
import { TOOL_VERSION } from '../version.js';
import { selectFindings, type SelectionFlags } from './select.js';
import { planAndVerify, withPlan, type VerifyResult } from './verify.js';

export type { FixPlan, FixStep, FixPhase, FindingRef, PreCheck, OrmEdits } from './types.js';
export { buildMigration, fixStatements, type Migration, type PlannedFinding } from './plan.js';
export { renderMigration, FIX_HEADER } from './render.js';
export { planAndVerify, type VerifyInput, type VerifyResult } from './verify.js';
export { loadIntoEngine, type FixEngine } from './engine.js';
export { selectFindings, type SelectionFlags } from './select.js';
export { formatOrmEdits } from './orm.js';

export interface FixOptions extends Pick<LoadOptions, 'layout' | 'shadowDb' | 'schemas' | 'cwd'> {
  config: ResolvedConfig;
  selection: SelectionFlags;
  /** How the migration is shown in locations (its --out path). */
  migrationName?: string;
}

export interface FixOutput extends VerifyResult {
  /** The review of the source, `command: 'fix'`, with `fix` set. */
  review: ReviewOutput;
  selected: Finding[];
  src: LoadedSource;
  verifyMs: number;
}

/** A file source loaded into an open engine: what `fix` verifies against. */
export async function loadForFix(arg: string | null, opts: FixOptions): Promise<{ src: LoadedSource; before: ReviewOutput; engine: FixEngine }> {
  if (isLiveSource(arg)) {
    throw new SchemasageError('fix needs a schema it can load into the engine, and a live database is only ever read', {
      hint: 'dump the schema and fix the dump: pg_dump --schema-only --no-owner "$DATABASE_URL" > schema.sql && schemasage fix schema.sql --out fix.sql',
    });
  }
  const cwd = opts.cwd ?? process.cwd();
  if (arg !== null && parseGitRef(arg, cwd)) {
    throw new SchemasageError(`${arg}: fix reads the working tree, not a git ref`, { hint: 'check the ref out (git worktree add) and fix that path' });
  }
  const path = arg ?? '.';
  if (!existsSync(resolve(cwd, path))) throw new SchemasageError(`no such file or directory: ${path}`);
  const timings: Timings = { loadMs: 0, applyMs: 0, introspectMs: 0, analyzeMs: 0, renderMs: 0 };
  const t = performance.now();
  const src = await loadFileSource(path, { cwd, ...(opts.layout ? { layout: opts.layout } : {}) });
  timings.loadMs = performance.now() - t;
  if (statSync(resolve(cwd, path)).isDirectory() && src.statements.length === 0) {
    throw new SchemasageError(`${path}: the ${src.layout ?? ''} migrations contain no SQL statements`);
  }
  const engine = await loadIntoEngine(src, engineOptions(opts), [], timings);
  const loaded = { catalog: engine.catalog, source: { kind: src.kind as SourceKind, path: src.path, layout: src.layout }, timings, fromCache: false };
  return { src, before: analyze(loaded, 'fix', { config: opts.config }), engine };
}

function engineOptions(opts: FixOptions): Pick<LoadOptions, 'schemas' | 'shadowDb' | 'cwd'> {
  return { ...(opts.schemas ? { schemas: opts.schemas } : {}), ...(opts.shadowDb ? { shadowDb: opts.shadowDb } : {}), cwd: opts.cwd ?? process.cwd() };
}

export async function fixSource(arg: string | null, opts: FixOptions): Promise<FixOutput> {
  const { src, before, engine } = await loadForFix(arg, opts);
  let selected: Finding[];
  try {
    selected = selectFindings(before.result.findings, opts.selection);
  } catch (err) {
    await engine.session.close();
    throw err;
  }
  const t = performance.now();
  const verified = await planAndVerify(
    {
      src, before, config: opts.config, engine, version: TOOL_VERSION, load: engineOptions(opts),
      migrationName: opts.migrationName ?? 'fix.sql',
    },
    selected,
  );
  const verifyMs = performance.now() - t;
  const review: ReviewOutput = { ...before, result: withPlan(before.result, verified.plan) };
  return { ...verified, review, selected, src, verifyMs };
}
