/**
 * The migration review: changes, design findings on what changed only, statement-level safety
 * findings, a verified rollback and the verdict — assembled into the JSON contract (command 'diff').
 */
import { describeRef, locate } from '../catalog/helpers.js';
import { defaultConfig, type ResolvedConfig } from '../config/load.js';
import { runMigrationRules } from '../migration/run.js';
import type { MigrationContext } from '../migration/types.js';
import { analyze, countFindings, loadCatalog, type ReviewOutput } from '../pipeline.js';
import { alignWithDesign } from './alignment.js';
import { type ChangeEntry, type DriftEntry, type ObjectRef, type Finding, type ReviewResult, type Severity, type Verdict } from '../result.js';
import { allRules } from '../rules/index.js';
import { evaluateRules, fingerprint, numberFindings, type DraftFinding } from '../rules/run.js';
import { diffCatalogs, likelyRenames, rollbackSql, verifyRollback, type CatalogChange, type RenamePair } from './index.js';
import { applyGenerated, loadPrSources, runPr, splitPr, stateChange, TXN_BEGIN, type AppliedStatement } from './pr.js';
import { lockTimeoutEffect, rangeVar, stmtKind } from '../migration/ast.js';
import { introspect } from '../catalog/introspect.js';
import { SUPABASE_SHIM_SCHEMAS } from '../engine/shims/supabase.js';
import { openLive } from '../engine/postgres.js';
import type { Catalog } from '../catalog/model.js';

export interface DiffOptions {
  cwd?: string;
  config?: ResolvedConfig;
  /** Target PostgreSQL major version for lock and rewrite rules (default 15, or the --target's). */
  pgVersion?: number;
  /** A read-only postgres:// URL of the database the migration will run on: table sizes raise or lower severities. */
  target?: string;
  /** A design (any source: a design doc, a Prisma schema, …): the changed tables are compared with it. */
  expect?: string;
  schemas?: string[];
}

const DEFAULT_PG_VERSION = 15;

/** The --target database, read-only: its catalog with live statistics and its major version. */
async function readTarget(url: string, schemas?: string[]): Promise<{ catalog: Catalog; pgVersion: number }> {
  const session = await openLive(url);
  try {
    const catalog = await introspect(session, { engineKind: 'postgres', live: true, database: session.database, ...(schemas ? { schemas } : {}) });
    return { catalog, pgVersion: Math.floor(catalog.engine.serverVersionNum / 10000) };
  } finally {
    await session.close();
  }
}

/** The table a statement acts on, from its AST (ALTER/CREATE INDEX/INSERT/UPDATE/DELETE …). */
function statementTable(ast: unknown): { schema: string; name: string } | null {
  if (!ast || typeof ast !== 'object') return null;
  const comment = (ast as { CommentStmt?: { objtype?: string; object?: { List?: { items?: Array<{ String?: { sval?: string } }> } } } }).CommentStmt;
  if (comment) {
    // COMMENT ON COLUMN [schema.]table.column / COMMENT ON TABLE [schema.]table
    const parts = (comment.object?.List?.items ?? []).map((i) => i.String?.sval).filter((x): x is string => Boolean(x));
    const names = comment.objtype === 'OBJECT_COLUMN' ? parts.slice(0, -1) : parts;
    const name = names[names.length - 1];
    return name ? { schema: names.length > 1 ? (names[names.length - 2] as string) : 'public', name } : null;
  }
  const s = stmtKind(ast);
  return s ? rangeVar(s.body.relation) : null;
}

/** A statement Postgres rejected: the deploy would stop here. */
function failureFinding(a: AppliedStatement): DraftFinding | null {
  if (!a.error) return null;
  const objects: ObjectRef[] = [{ kind: 'statement', name: `${a.statement.file}:${a.statement.line}` }];
  const target = statementTable(a.statement.ast);
  if (target) objects.push({ kind: 'table', schema: target.schema, name: target.name });
  return {
    rule: 'statement-fails',
    severity: 'critical',
    category: 'migration',
    title: 'Statement fails: this deploy would fail',
    message:
      `PostgreSQL rejects this statement: "${a.error.message}"${a.error.code ? ` (SQLSTATE ${a.error.code})` : ''}. ` +
      `The deploy stops here${a.inTransaction ? ' and the transaction it is in rolls back' : ''}; the review applied the rest of the change without it.`,
    rationale: 'A migration that Postgres rejects fails the deploy: nothing after it runs, and a half-applied migration outside a transaction leaves the schema between two versions.',
    objects,
    location: a.error.location,
    details: { message: a.error.message, code: a.error.code, sql: a.statement.sql },
    fix: null,
    fingerprint: fingerprint('statement-fails', objects),
  };
}

export function verdictFor(findings: Finding[], rollbackVerified: boolean): { verdict: Verdict; reasons: string[] } {
  const count = countFindings(findings);
  const reasons: string[] = [];
  const top = (sev: Severity) => findings.filter((f) => f.severity === sev).slice(0, 3).map((f) => `${f.id} ${f.title}`);
  if (count.critical > 0) {
    reasons.push(`${count.critical} critical finding${count.critical > 1 ? 's' : ''}: ${top('critical').join('; ')}`);
    return { verdict: 'block', reasons };
  }
  if (count.high > 0) {
    reasons.push(`${count.high} high finding${count.high > 1 ? 's' : ''} to fix before merging: ${top('high').join('; ')}`);
    if (!rollbackVerified) reasons.push('the generated rollback did not take head back to base');
    return { verdict: 'changes-requested', reasons };
  }
  if (count.medium + count.low > 0 || !rollbackVerified) {
    if (count.medium + count.low > 0) reasons.push(`${count.medium} medium and ${count.low} low finding${count.medium + count.low > 1 ? 's' : ''} worth addressing`);
    if (!rollbackVerified) reasons.push('the generated rollback did not take head back to base: plan the way back by hand');
    return { verdict: 'approve-with-comments', reasons };
  }
  reasons.push('no safety or design problems in the change, and its rollback is verified');
  return { verdict: 'approve', reasons };
}

export async function reviewPr(beforeArg: string, afterArg: string, opts: DiffOptions = {}): Promise<ReviewOutput> {
  const cwd = opts.cwd ?? process.cwd();
  const config = opts.config ?? defaultConfig();
  const t0 = performance.now();
  const { before, after } = await loadPrSources(beforeArg, afterArg, cwd);
  const loadMs = performance.now() - t0;
  let shape = splitPr(before, after);
  let runSource = after;
  let designHead: Catalog | null = null;
  const schemaOpts = opts.schemas ? { schemas: opts.schemas } : {};
  const migrations = before.kind === 'migrations' && after.kind === 'migrations';
  if (!migrations && shape.prefix.length === 0 && before.statements.length > 0) {
    const state = await stateChange(before, after, schemaOpts);
    shape = state.shape;
    runSource = state.source;
    designHead = state.afterCatalog;
  }
  const t1 = performance.now();
  const run = await runPr(runSource, shape, schemaOpts);
  try {
    const applyMs = performance.now() - t1;
    const t2 = performance.now();
    const { base, head } = run;
    const target = opts.target ? await readTarget(opts.target, opts.schemas) : null;
    const pgVersion = opts.pgVersion ?? target?.pgVersion ?? DEFAULT_PG_VERSION;
    const statsOf = (schema: string, table: string) => target?.catalog.tables.find((t) => t.schema === schema && t.name === table)?.stats ?? null;
    const baseTables = new Set(base.tables.filter((t) => t.origin === 'user').map((t) => `${t.schema}.${t.name}`));

    // Statement-level safety.
    const contexts: MigrationContext[] = run.applied.map((a, i) => ({
      statement: a.statement,
      before: a.before,
      baseTables,
      inTransaction: a.inTransaction,
      pgVersion,
      previous: run.applied.slice(0, i).map((x) => x.statement),
      tableStats: statsOf,
    }));
    const safety = runMigrationRules(contexts, config.settings);
    const criticalAt = new Set(safety.filter((f) => f.severity === 'critical').map((f) => f.location && `${f.location.file}:${f.location.line}`));
    const failures = run.applied
      .map(failureFinding)
      .filter((f): f is DraftFinding => f !== null && !criticalAt.has(f.location && `${f.location.file}:${f.location.line}`));

    // Design findings on what changed: those head has and base did not.
    const review = { ...config.review };
    const baseFingerprints = new Set(evaluateRules(base, allRules, { settings: config.settings, review }).findings.map((f) => f.fingerprint));
    const headOut = analyze({ catalog: designHead ?? head, source: { kind: after.kind, path: after.path, layout: after.layout }, timings: { loadMs, applyMs, introspectMs: 0, analyzeMs: 0, renderMs: 0 }, fromCache: false }, 'diff', { config, baseline: null });
    // A finding is the change's when base did not have it and what it blames (its first object) is
    // something the change created or altered; otherwise it is existing debt the change only touched
    // (e.g. one more column joining an old inconsistency).
    const rawChanges = diffCatalogs(base, head);
    const touched = new Set<string>();
    for (const c of rawChanges) {
      if (c.action === 'dropped') continue;
      touched.add(touchKey(c.object));
      if (c.object.kind === 'table' && c.action === 'created') touched.add(`table:${c.object.schema}.${c.object.name}`);
    }
    const blamesChange = (f: Finding): boolean => {
      const o = f.objects[0];
      if (!o) return false;
      if (touched.has(touchKey(o))) return true;
      const table = o.table ?? (o.kind === 'table' ? o.name : undefined);
      return table !== undefined && touched.has(`table:${o.schema}.${table}`) && created(rawChanges, o.schema, table);
    };
    const fresh = headOut.result.findings.filter((f) => !baseFingerprints.has(f.fingerprint) && blamesChange(f));
    const debt = headOut.result.findings.filter((f) => !fresh.includes(f));
    const strip = (f: Finding): DraftFinding => {
      const { id: _id, ...rest } = f;
      return rest;
    };
    const findings = numberFindings([...failures, ...safety, ...fresh.map(strip)]);

    // Changes, located at the statement that made them.
    const changes: ChangeEntry[] = mergeRenames(rawChanges, likelyRenames(rawChanges, base, head)).map((c) => ({
      ...c,
      location: c.action === 'dropped' ? dropLocation(run.applied, c.object) : locate(head, c.object),
    }));

    // Rollback: generated, applied to head, compared with base.
    const plan = rollbackSql(base, head);
    const problems: string[] = [];
    if (plan.sql.trim() !== '') {
      const failed = await applyGenerated(run.session, plan.sql, 'rollback.sql');
      if (failed) problems.push(`the rollback statement \`${failed.statement.replace(/\s+/g, ' ').slice(0, 120)}\` fails: ${failed.message}`);
      else {
        const rolled = await introspect(run.session, {
          engineKind: 'pglite',
          live: false,
          database: after.path,
          ...(opts.schemas ? { schemas: opts.schemas } : {}),
          shim: after.supabase ? { schemas: SUPABASE_SHIM_SCHEMAS } : null,
        });
        for (const d of verifyRollback(base, rolled)) problems.push(`after the rollback, ${describeRef(d.object)} is still ${d.action} (${d.detail})`);
      }
    }
    const verified = problems.length === 0;
    const { verdict: v, reasons } = verdictFor(findings, verified);
    let verdict = v;
    let drift: DriftEntry[] | undefined;
    if (opts.expect) {
      const expected = await loadCatalog(opts.expect, { cwd, ...(opts.schemas ? { schemas: opts.schemas } : {}) });
      const changedTables = new Set(rawChanges.map((c) => `${c.object.schema}.${c.object.kind === 'table' ? c.object.name : c.object.table}`));
      drift = alignWithDesign(expected.catalog, head, changedTables);
      const deviations = drift.filter((d) => d.kind !== 'extra-table');
      if (deviations.length > 0) {
        reasons.push(`${deviations.length} deviation${deviations.length === 1 ? '' : 's'} of the changed tables from ${expected.source.path}`);
        if (verdict === 'approve') verdict = 'approve-with-comments';
      }
    }

    const result: ReviewResult = {
      ...headOut.result,
      command: 'diff',
      findings,
      summary: { ...headOut.result.summary, findings: countFindings(findings), verdict },
      changes,
      rollback: { sql: plan.sql, irreversible: plan.irreversible, verified, problems },
      verdictReasons: reasons,
      migration: {
        files: shape.newFiles,
        statements: shape.change.length,
        failed: run.applied.filter((a) => a.error).length,
        transactions: shape.change.some((st) => TXN_BEGIN.test(st.sql.trim())),
        lockTimeout: shape.change.some((st) => lockTimeoutEffect(st) === 'set'),
        concurrent: shape.change.filter((st) => /\bconcurrently\b/i.test(st.sql)).length,
        dataChanges: shape.change.filter((st) => /^(insert|update|delete|merge)\b/i.test(st.sql.trim())).length,
        additive: rawChanges.every((c) => c.action === 'created'),
      },
      ...(drift ? { drift } : {}),
      existingDebt: { count: debt.length, bySeverity: countFindings(debt) },
    };
    if (designHead) {
      result.notes.unshift({
        kind: 'info',
        message: `${before.path} and ${after.path} are schemas, not migration folders: the change was judged as the lock-aware migration schemasage generated between them — review the migration your tool generates against these findings too`,
        location: null,
      });
    }
    result.notes = [
      { kind: 'info', message: `the change: ${shape.newFiles.length === 0 ? 'no new files' : shape.newFiles.join(', ')} (${shape.change.length} statement${shape.change.length === 1 ? '' : 's'}) on top of ${before.path}`, location: null },
      ...result.notes,
    ];
    delete result.summary.grade;
    result.timings = { loadMs, applyMs, introspectMs: 0, analyzeMs: performance.now() - t2, renderMs: 0 };
    return { result, catalog: head, fromCache: false };
  } finally {
    await run.session.close();
  }
}

function touchKey(o: ObjectRef): string {
  if (o.kind === 'table') return `table:${o.schema}.${o.name}`;
  return `${o.kind}:${o.schema}.${o.table ?? ''}.${o.name ?? ''}`;
}

function created(changes: CatalogChange[], schema: string | undefined, table: string): boolean {
  return changes.some((c) => c.action === 'created' && c.object.kind === 'table' && c.object.schema === schema && c.object.name === table);
}

/** A confident rename pair reads as one altered object ("renamed from …"), not a drop and a create. */
function mergeRenames(changes: CatalogChange[], pairs: RenamePair[]): CatalogChange[] {
  const out = [...changes];
  for (const p of pairs) {
    const isDropped = (c: CatalogChange) =>
      c.action === 'dropped' && c.object.kind === p.kind && c.object.schema === p.schema &&
      (p.kind === 'table' ? c.object.name === p.from : c.object.table === p.table && c.object.name === p.from);
    const isCreated = (c: CatalogChange) =>
      c.action === 'created' && c.object.kind === p.kind && c.object.schema === p.schema &&
      (p.kind === 'table' ? c.object.name === p.to : c.object.name === p.to);
    const d = out.findIndex(isDropped);
    const c = out.findIndex(isCreated);
    if (d < 0 || c < 0) continue;
    const renamed: CatalogChange = { action: 'altered', object: (out[c] as CatalogChange).object, detail: `renamed from ${p.from}${p.confident ? '' : ' (likely: same type, no other candidate)'}` };
    out.splice(Math.max(d, c), 1);
    out.splice(Math.min(d, c), 1, renamed);
  }
  return out;
}

/** A dropped object points at the statement that dropped it: the first DROP/ALTER naming its table. */
function dropLocation(applied: AppliedStatement[], object: { kind: string; schema?: string; table?: string; name?: string }): ChangeEntry['location'] {
  const table = object.table ?? (object.kind === 'table' ? object.name : undefined);
  const needle = (table ?? object.name ?? '').toLowerCase();
  if (!needle) return null;
  const hit = applied.find((a) => /^\s*(drop|alter)\b/i.test(a.statement.sql) && a.statement.sql.toLowerCase().includes(needle));
  return hit ? { file: hit.statement.file, line: hit.statement.line, column: hit.statement.column } : null;
}

