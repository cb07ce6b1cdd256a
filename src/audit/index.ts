/**
 * `schemasage audit <postgres-url>` and `review --audit`: does the data obey the rules? Read-only,
 * set-based SQL, counts and a few sample keys.
 */
import type { ResolvedConfig } from '../config/load.js';
import { SchemasageError } from '../errors.js';
import { analyze, countFindings, isLiveSource, loadCatalog, type ReviewOutput } from '../pipeline.js';
import { runAudit, type AuditOptions } from './run.js';

export { AUDIT_RULES, isAuditRule } from './rules.js';
export { DEFAULT_CHECK_TIMEOUT_MS, DEFAULT_SAMPLE_MIN_ROWS, runAudit, type AuditOptions, type AuditOutcome } from './run.js';
export { planAudit } from './plan.js';
export { renderBar, terminalProgress } from './progress.js';
export * from './types.js';

/** Adds the audit of the live database behind `out` to a review (or audit) result. */
export async function attachAudit(out: ReviewOutput, opts: AuditOptions): Promise<string[]> {
  if (!out.catalog.live) {
    throw new SchemasageError(`--audit reads the data of a live database; ${out.result.source.path} is a ${out.result.source.kind} source`, {
      hint: 'pass a postgres:// URL (or set PGHOST/PGDATABASE): schemasage review postgres://… --audit',
    });
  }
  const audit = await runAudit(out.catalog, opts);
  out.result.audit = audit.findings;
  out.result.auditRun = audit.run;
  out.result.notes.push(...audit.notes);
  if (audit.suppressed.length > 0) {
    out.result.suppressed = [...(out.result.suppressed ?? []), ...audit.suppressed];
    out.result.summary.suppressed += audit.suppressed.length;
  }
  return audit.invalidInvariants;
}

export interface AuditCommandOptions extends Omit<AuditOptions, 'url' | 'config'> {
  config: ResolvedConfig;
  schemas?: string[];
}

/** The `audit` command: the summary counts audit findings; the review rules do not run. */
export async function auditDatabase(url: string | null, opts: AuditCommandOptions): Promise<{ out: ReviewOutput; invalidInvariants: string[] }> {
  if (!isLiveSource(url)) {
    throw new SchemasageError(
      url === null ? 'audit reads the data of a live database: pass a postgres:// URL or set PGHOST/PGDATABASE' : `audit reads the data of a live database: expected a postgres:// URL, got ${url}`,
      { hint: 'schemasage audit postgres://user@host:5432/db (files and migrations have no data: review or check them instead)' },
    );
  }
  const loaded = await loadCatalog(url, { cache: false, ...(opts.schemas ? { schemas: opts.schemas } : {}) });
  const out = analyze(loaded, 'audit', { config: opts.config, baseline: null, rules: [] });
  const invalid = await attachAudit(out, { ...opts, url });
  out.result.summary.findings = countFindings(out.result.audit ?? []);
  delete out.result.summary.grade;
  const run = out.result.auditRun;
  if (run) {
    const ran = run.checks.length;
    const failed = run.checks.filter((c) => c.status !== 'ok').length;
    out.result.notes.unshift({
      kind: 'info',
      message: `${ran} audit check${ran === 1 ? '' : 's'} ran read-only on ${out.result.source.path}` +
        (failed > 0 ? `; ${failed} did not finish, so this report is partial` : '') +
        (run.sample ? `; tables with ≥ ${run.sample.minRows.toLocaleString('en-US')} estimated rows were read through TABLESAMPLE SYSTEM (${run.sample.percent}%)${run.sample.tables.length > 0 ? `: ${run.sample.tables.join(', ')}` : ' (none was that large)'}` : ''),
      location: null,
    });
  }
  return { out, invalidInvariants: invalid };
}
