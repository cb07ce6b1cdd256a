/**
 * Verification: the migration is applied, statement by statement as written, to an engine that
 * holds the source, and the schema is reviewed again with the same config. The targeted findings
 * must be gone and nothing at high or above may appear. A fix that Postgres rejects, that leaves its
 * finding in place, or that brings a new high finding is taken out and the rest is verified again
 * from a fresh engine; what is written has passed, as written.
 */
import { introspect } from '../catalog/introspect.js';
import { applyModelLocations, applyProvenance, buildProvenanceIndex } from '../catalog/provenance.js';
import type { ResolvedConfig } from '../config/load.js';
import { inlineIgnoresOf } from '../config/suppress.js';
import type { EngineSession } from '../engine/session.js';
import { pgErrorInfo } from '../engine/session.js';
import { SUPABASE_SHIM_SCHEMAS } from '../engine/shims/supabase.js';
import { SchemasageError } from '../errors.js';
import { analyze, type LoadOptions, type ReviewOutput } from '../pipeline.js';
import { loadIntoEngine, type FixEngine } from './engine.js';
import type { Finding, ObjectRef, ReviewResult } from '../result.js';
import { splitStatementsSync } from '../sources/split.js';
import type { LoadedSource, Statement } from '../sources/types.js';
import { ormEdits } from './orm.js';
import { buildMigration, type Migration } from './plan.js';
import { renderMigration, type RenderedStatement } from './render.js';
import { schemaView, type FixStatement } from './statements.js';
import { stmtKind, str } from '../migration/ast.js';
import { FIX_PHASES, type FindingRef, type FixPlan, type FixStep } from './types.js';

/** Each pass drops at least one fix; past this many the schema is too tangled to untangle automatically. */
const MAX_PASSES = 6;

export interface VerifyInput {
  src: LoadedSource;
  /** The review of the source (its findings carry the fixes). */
  before: ReviewOutput;
  config: ResolvedConfig;
  load: Pick<LoadOptions, 'schemas' | 'cwd' | 'shadowDb'>;
  /** An engine that already holds the source; verify closes it. */
  engine: FixEngine;
  /** How the migration file is shown (locations in the re-review point into it). */
  migrationName: string;
  version: string;
}

interface Failure {
  finding: string;
  statement: string;
  message: string;
}

function ref(f: Finding): FindingRef {
  return { id: f.id, rule: f.rule, severity: f.severity, fingerprint: f.fingerprint, objects: f.objects, message: f.message };
}

function oneLine(sql: string, max = 120): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * Finds which fix brings a new finding: after each block of a candidate fix, the schema is reviewed
 * again (inside the transaction too: the session sees its own changes) until the finding shows up.
 */
interface Watch {
  /** Findings whose blocks are followed by a check. */
  candidates: Set<string>;
  /** The watched fingerprints present now. */
  present: (applied: Statement[]) => Promise<Set<string>>;
}

/**
 * Runs the rendered migration. Inside the transaction each fix runs under a savepoint, so one that
 * Postgres rejects is rolled back alone and the others still get tried; when nothing fails the
 * savepoints change nothing, and the run is the file as written.
 */
async function applyMigration(
  session: EngineSession, text: string, rendered: RenderedStatement[], name: string, startIndex: number, watch: Watch | null,
): Promise<{ statements: Statement[]; failures: Failure[]; culprits: Map<string, string> }> {
  const statements = splitStatementsSync({ path: name, text }, startIndex);
  if (statements.length !== rendered.length) {
    throw new Error(`fix: the rendered migration splits into ${statements.length} statements, expected ${rendered.length}`);
  }
  const failures: Failure[] = [];
  const failed = new Set<string>();
  const culprits = new Map<string, string>();
  let inTransaction = false;
  let savepoint: string | null = null;
  for (const [i, st] of statements.entries()) {
    const r = rendered[i] as RenderedStatement;
    if (r.finding && failed.has(r.finding)) continue;
    if (inTransaction && savepoint !== null && r.finding !== savepoint) {
      await session.exec('RELEASE SAVEPOINT schemasage_fix');
      savepoint = null;
    }
    if (inTransaction && r.finding && savepoint === null) {
      await session.exec('SAVEPOINT schemasage_fix');
      savepoint = r.finding;
    }
    try {
      await session.exec(st.sql);
    } catch (err) {
      const info = pgErrorInfo(err);
      if (!info || !r.finding) {
        if (inTransaction) await session.exec('ROLLBACK').catch(() => undefined);
        throw info ? new SchemasageError(`the migration's own statement \`${st.sql}\` failed: ${info.message}`) : err;
      }
      if (inTransaction) await session.exec('ROLLBACK TO SAVEPOINT schemasage_fix');
      failed.add(r.finding);
      failures.push({ finding: r.finding, statement: st.sql, message: `${info.message}${info.code ? ` (SQLSTATE ${info.code})` : ''}` });
      continue;
    }
    if (st.sql === 'BEGIN') inTransaction = true;
    else if (st.sql === 'COMMIT') inTransaction = false;
    const endOfBlock = rendered[i + 1]?.finding !== r.finding;
    if (watch && r.finding && endOfBlock && watch.candidates.has(r.finding)) {
      for (const fp of await watch.present(statements.slice(0, i + 1))) if (!culprits.has(fp)) culprits.set(fp, r.finding);
    }
  }
  return { statements, failures, culprits };
}

/** The schema after the migration, reviewed as the source was: same config, same inline ignores, provenance into both files. */
async function reviewAfter(session: EngineSession, input: VerifyInput, migration: Statement[]): Promise<ReviewOutput> {
  const { src } = input;
  const catalog = await introspect(session, {
    engineKind: session.kind,
    live: false,
    database: src.path,
    ...(input.load.schemas ? { schemas: input.load.schemas } : {}),
    shim: src.supabase ? { schemas: SUPABASE_SHIM_SCHEMAS } : null,
    ...(src.stubs ? { stubs: src.stubs } : {}),
  });
  applyProvenance(catalog, buildProvenanceIndex([...src.statements, ...migration]));
  if (src.locations) {
    applyModelLocations(catalog, src.locations);
    catalog.modelLocations = src.locations;
  }
  catalog.inlineIgnores = inlineIgnoresOf(src.statements);
  const loaded = { catalog, source: input.before.result.source, timings: { loadMs: 0, applyMs: 0, introspectMs: 0, analyzeMs: 0, renderMs: 0 }, fromCache: false };
  return analyze(loaded, 'fix', { config: input.config });
}

function extensionOf(st: FixStatement): string | null {
  const s = stmtKind(st.ast);
  return s?.kind === 'CreateExtensionStmt' ? str(s.body.extname) ?? null : null;
}

function tableKeys(objects: readonly ObjectRef[]): string[] {
  return objects.map((o) => `${o.schema ?? 'public'}.${o.kind === 'table' ? o.name ?? '' : o.table ?? o.name ?? ''}`);
}

function steps(selection: readonly Finding[], m: Migration | null, dropped: ReadonlyArray<{ finding: Finding; reason: string }>): FixStep[] {
  const out: FixStep[] = [];
  const base = (f: Finding) => ({
    finding: f.id, rule: f.rule, severity: f.severity, objects: f.objects,
    capability: f.rule === 'missing-capability' && typeof f.details.capability === 'string' ? f.details.capability : null,
  });
  for (const f of selection) {
    const planned = m?.included.find((p) => p.finding === f);
    const skipped = m?.skipped.find((s) => s.finding === f) ?? dropped.find((d) => d.finding === f);
    if (planned) {
      const phases = FIX_PHASES.filter((phase) => planned.statements.some((s) => s.phase === phase));
      const reason = planned.notes.length > 0 ? planned.notes.join('; ') : null;
      if (phases.length === 0) out.push({ ...base(f), phase: null, statements: [], status: 'applied', reason });
      for (const phase of phases) {
        out.push({ ...base(f), phase, statements: planned.statements.filter((s) => s.phase === phase).map((s) => s.sql), status: 'applied', reason });
      }
    } else if (skipped) {
      out.push({ ...base(f), phase: null, statements: [], status: 'skipped', reason: skipped.reason });
    }
  }
  return out;
}

export interface VerifyResult {
  plan: FixPlan;
  /** Selected fixes taken out because verification showed they fail or do not work. */
  dropped: Array<{ finding: Finding; reason: string }>;
  migration: Migration | null;
}

/** Tables one foreign key away from `tables` (either direction), and the tables themselves. */
function neighbourhood(catalog: ReviewOutput['catalog'], tables: readonly string[]): Set<string> {
  const out = new Set(tables);
  for (const t of catalog.tables) {
    const key = `${t.schema}.${t.name}`;
    for (const c of t.constraints) {
      if (!c.references) continue;
      const parent = `${c.references.schema}.${c.references.table}`;
      if (tables.includes(key)) out.add(parent);
      if (tables.includes(parent)) out.add(key);
    }
  }
  return out;
}

export async function planAndVerify(input: VerifyInput, selected: readonly Finding[]): Promise<VerifyResult> {
  const { before, src } = input;
  const schema = schemaView(before.catalog);
  const engineName = input.engine.session.kind === 'pglite' ? 'PGlite' : 'PostgreSQL';
  const verifiedIn = `${engineName} ${before.catalog.engine.serverVersion}${input.load.shadowDb ? ' (--shadow-db)' : ''}`;
  const beforeFingerprints = new Set(before.result.findings.map((f) => f.fingerprint));
  const orm = (m: Migration | null) => ormEdits(before.result.source.kind, m ? m.included.map((p) => p.finding) : [], before.catalog.modelLocations);

  let session: EngineSession | null = input.engine.session;
  let registered = input.engine.registered;
  let selection = [...selected];
  const dropped: Array<{ finding: Finding; reason: string }> = [];
  const remaining: FindingRef[] = [];
  const introduced: FindingRef[] = [];
  let failure: Failure | null = null;
  let migration: Migration | null = null;
  let passes = 0;
  // New high findings of the last pass, to attribute in the next one.
  let watched: Finding[] = [];
  const watchedBefore = new Set<string>();

  const unverified = (why: Migration | null): VerifyResult => ({
    plan: {
      sql: '', steps: steps(selected, why, dropped), preChecks: [], verified: false, verifiedIn, passes,
      gone: [], remaining, introduced, failure, orm: orm(null),
    },
    dropped,
    migration: why,
  });
  const drop = (f: Finding, reason: string): void => {
    dropped.push({ finding: f, reason });
    selection = selection.filter((s) => s !== f);
  };

  try {
    while (true) {
      migration = buildMigration(selection, schema, before.catalog);
      if (migration.included.length === 0 || passes >= MAX_PASSES) return unverified(migration);
      passes++;
      const rendered = renderMigration(migration, { source: before.result.source.path, version: input.version, orm: orm(migration) });
      // PGlite registers extensions when it starts: one the migration creates means a new engine.
      const wanted = migration.ordered.map(extensionOf).filter((x): x is string => x !== null);
      if (session && !input.load.shadowDb && wanted.some((x) => !registered.has(x))) {
        await session.close();
        session = null;
      }
      if (!session) {
        const engine = await loadIntoEngine(src, input.load, wanted);
        session = engine.session;
        registered = engine.registered;
      }
      let watch: Watch | null = null;
      if (watched.length > 0) {
        const near = neighbourhood(before.catalog, watched.flatMap((g) => tableKeys(g.objects)));
        // Near the new finding first; everything once that did not pin it.
        const again = watched.some((g) => watchedBefore.has(g.fingerprint));
        const candidates = again ? [] : migration.included.filter((p) => p.statements.some((s) => s.mentions.some((m) => near.has(m))));
        for (const g of watched) watchedBefore.add(g.fingerprint);
        const live = session;
        const fingerprints = new Set(watched.map((g) => g.fingerprint));
        watch = {
          candidates: new Set((candidates.length > 0 ? candidates : migration.included).map((p) => p.finding.id)),
          present: async (applied) => {
            const now = await reviewAfter(live, input, applied);
            return new Set(now.result.findings.map((f) => f.fingerprint).filter((fp) => fingerprints.has(fp)));
          },
        };
      }
      const run = await applyMigration(session, rendered.text, rendered.statements, input.migrationName, src.statements.length, watch);
      const byId = (id: string) => selection.find((s) => s.id === id);
      if (run.failures.length > 0) {
        for (const x of run.failures) {
          const f = byId(x.finding);
          if (!f) continue;
          failure ??= x;
          drop(f, `Postgres rejected its step \`${oneLine(x.statement)}\`: ${x.message}`);
        }
      } else if (run.culprits.size > 0) {
        for (const [fp, id] of run.culprits) {
          const g = watched.find((w) => w.fingerprint === fp);
          const f = byId(id);
          if (!g || !f) continue;
          introduced.push(ref(g));
          drop(f, `its fix brings a new ${g.severity} finding, ${g.rule}: ${oneLine(g.message, 200)}`);
        }
        watched = [];
      } else {
        const after = await reviewAfter(session, input, run.statements);
        const afterFingerprints = new Set(after.result.findings.map((f) => f.fingerprint));
        const targeted = migration.included.map((p) => p.finding);
        const stayed = targeted.filter((f) => afterFingerprints.has(f.fingerprint));
        const fresh = after.result.findings.filter((f) => (f.severity === 'critical' || f.severity === 'high') && !beforeFingerprints.has(f.fingerprint));
        if (stayed.length === 0 && fresh.length === 0) {
          return {
            plan: {
              sql: rendered.text, steps: steps(selected, migration, dropped), preChecks: migration.preChecks, verified: true, verifiedIn, passes,
              gone: targeted.map(ref), remaining: [], introduced: [], failure: null, orm: orm(migration),
            },
            dropped,
            migration,
          };
        }
        for (const f of stayed) {
          remaining.push(ref(f));
          drop(f, 'applied in the engine, its finding remained: the fix SQL does not resolve it on its own (a first step to finish by hand, or a bug in the rule)');
        }
        if (fresh.length > 0 && watch) {
          // Watched and still not pinned on a fix: the new findings come from the fixes together.
          for (const g of fresh) introduced.push(ref(g));
          return unverified(migration);
        }
        watched = fresh;
      }
      await session.close();
      session = null;
    }
  } finally {
    if (session) await session.close();
  }
}

/** The JSON result of `fix`: the review of the source, with the plan. */
export function withPlan(result: ReviewResult, plan: FixPlan): ReviewResult {
  return { ...result, command: 'fix', fix: plan };
}
