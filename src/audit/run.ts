/**
 * Runs the planned checks on a live database: one READ ONLY transaction (openLive), each check inside
 * a savepoint with its own statement_timeout, so a check that times out or fails is rolled back alone
 * and reported, and the rest still run.
 */
import type { Catalog } from '../catalog/model.js';
import type { ResolvedConfig } from '../config/load.js';
import { applySuppressions } from '../config/suppress.js';
import { openLive } from '../engine/postgres.js';
import { pgErrorInfo } from '../engine/session.js';
import { compareFindings, fingerprint, type DraftFinding } from '../rules/run.js';
import type { Finding, SuppressedFinding } from '../result.js';
import { InvariantInputError } from './checks/invariants.js';
import { planAudit } from './plan.js';
import type { Progress } from './progress.js';
import { AUDIT_RULES } from './rules.js';
import { isSampled } from './sql.js';
import type { AuditCheckStatus, AuditRunSummary, PlanContext, SampleSettings } from './types.js';

export const DEFAULT_CHECK_TIMEOUT_MS = 60_000;
export const DEFAULT_SAMPLE_MIN_ROWS = 1_000_000;

export interface AuditOptions {
  /** The database (null: the PG* environment). */
  url: string | null;
  config: ResolvedConfig;
  /** statement_timeout of each check. */
  checkTimeoutMs?: number;
  sample?: SampleSettings | null;
  progress?: Progress | null;
}

export interface AuditOutcome {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  run: AuditRunSummary;
  notes: Array<{ kind: string; message: string; location: null }>;
  /** Invariants whose SQL Postgres rejected or that did not return a boolean: the user's input is wrong (exit 2). */
  invalidInvariants: string[];
}

const now = () => performance.now();

/** n_distinct from pg_stats, to skip GROUP BYs over columns that are plainly not closed sets. */
async function distinctStats(query: <T>(sql: string) => Promise<T[]>): Promise<Map<string, number>> {
  const rows = await query<{ s: string; t: string; c: string; n: number }>(
    `SELECT schemaname AS s, tablename AS t, attname AS c, n_distinct AS n FROM pg_stats
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND NOT inherited`,
  );
  return new Map(rows.map((r) => [`${r.s}.${r.t}.${r.c}`, Number(r.n)]));
}

export async function runAudit(catalog: Catalog, opts: AuditOptions): Promise<AuditOutcome> {
  const timeoutMs = Math.max(1, Math.round(opts.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS));
  const sample = opts.sample ?? null;
  const session = await openLive(opts.url, { statementTimeoutMs: Math.max(timeoutMs, 30_000) });
  const statuses: AuditCheckStatus[] = [];
  const drafts: DraftFinding[] = [];
  const invalid: string[] = [];
  try {
    const ctx: PlanContext = {
      catalog,
      review: opts.config.review,
      invariants: opts.config.invariants,
      configPath: opts.config.path,
      sample,
      distinct: await distinctStats((sql) => session.query(sql)),
    };
    const checks = planAudit(ctx, opts.config.settings);
    const jit = catalog.engine.serverVersionNum >= 110000;
    let done = 0;
    for (const check of checks) {
      opts.progress?.update(done, checks.length, `${check.rule} ${check.label}`);
      const t = now();
      const status: AuditCheckStatus = {
        rule: check.rule, label: check.label, objects: check.objects, status: 'ok', ms: 0, sampled: check.sampled, findings: 0,
      };
      await session.query('SAVEPOINT schemasage_check');
      try {
        await session.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
        // The planner's estimates for these filters are rough; JIT then spends about a second per worker compiling
        // a plan whose scan takes less (measured in the bench). The audit's queries are scans: interpretation is enough.
        if (jit) await session.query('SET LOCAL jit = off');
        const rows = await session.query<Record<string, unknown>>(check.sql);
        status.ms = now() - t;
        await session.query('RELEASE SAVEPOINT schemasage_check');
        const meta = AUDIT_RULES[check.rule];
        const level = opts.config.settings[check.rule]?.level;
        for (const d of check.interpret(rows)) {
          drafts.push({
            rule: check.rule,
            severity: level && level !== 'off' ? level : d.severity ?? meta.severity,
            category: 'audit',
            title: d.title ?? meta.title,
            message: d.message,
            rationale: meta.rationale,
            objects: d.objects,
            location: null,
            details: d.details ?? {},
            fix: d.fix ?? null,
            fingerprint: fingerprint(check.rule, d.objects),
          });
          status.findings++;
        }
      } catch (err) {
        status.ms = now() - t;
        const info = pgErrorInfo(err);
        if (info) await session.query('ROLLBACK TO SAVEPOINT schemasage_check');
        if (info?.code === '57014') {
          status.status = 'timeout';
          status.error = `canceled after ${timeoutMs} ms (statement_timeout)`;
        } else if (info || err instanceof InvariantInputError) {
          status.status = 'error';
          status.error = info ? `${info.message}${info.code ? ` (SQLSTATE ${info.code})` : ''}` : (err as Error).message;
          if (check.rule === 'invariant-violation') invalid.push(`${check.label}: ${status.error}`);
        } else {
          throw err;
        }
      }
      statuses.push(status);
      done++;
    }
    opts.progress?.update(done, checks.length, 'done');
  } finally {
    opts.progress?.done();
    await session.close();
  }

  const outcome = applySuppressions({ findings: drafts, off: [] }, { catalog, config: opts.config, baseline: null });
  const findings = [...outcome.kept].sort(compareFindings).map((d, i) => ({ id: `A${i + 1}`, ...d }));
  const notes: AuditOutcome['notes'] = outcome.notes.map((n) => ({ kind: n.kind, message: n.message, location: null }));
  for (const s of statuses) {
    if (s.status === 'timeout') notes.push({ kind: 'audit-timeout', message: `audit check ${s.rule} on ${s.label} timed out (${s.error}); its result is missing from this report`, location: null });
    if (s.status === 'error') notes.push({ kind: 'audit-error', message: `audit check ${s.rule} on ${s.label} failed: ${s.error}`, location: null });
  }
  const sampledTables = sample ? catalog.tables.filter((t) => isSampled(t, sample)).map((t) => `${t.schema}.${t.name}`) : [];
  return {
    findings,
    suppressed: outcome.suppressed,
    run: {
      checks: statuses,
      statementTimeoutMs: timeoutMs,
      sample: sample ? { ...sample, tables: sampledTables } : null,
      complete: statuses.every((s) => s.status === 'ok'),
    },
    notes,
    invalidInvariants: invalid,
  };
}
