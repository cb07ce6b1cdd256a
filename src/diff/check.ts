/**
 * `schemasage check <actual> --expect <expected>` and `review --expect`: does the actual schema
 * (often a live database) still match the design?
 */
import { isPartition, userTables, userViews } from '../catalog/helpers.js';
import type { Catalog } from '../catalog/model.js';
import type { ResolvedConfig } from '../config/load.js';
import { analyze, countFindings, loadCatalog, type LoadedCatalog, type ReviewOutput } from '../pipeline.js';
import type { DriftEntry, HealthCounts, HealthSummary } from '../result.js';
import { checkDrift } from './drift.js';

export interface CheckOptions {
  cwd?: string;
  config?: ResolvedConfig;
  schemas?: string[];
  cache?: boolean;
}

/** Drift of an already loaded actual catalog from the expected source. */
export async function driftAgainst(actual: LoadedCatalog, expectArg: string, opts: CheckOptions = {}): Promise<{ drift: DriftEntry[]; expectedPath: string; expected: Catalog }> {
  const expected = await loadCatalog(expectArg, { ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.schemas ? { schemas: opts.schemas } : {}), ...(opts.cache === false ? { cache: false } : {}) });
  // A design doc defines some tables and references others: compare only what it defines.
  const partial = expected.source.kind === 'markdown';
  return { drift: checkDrift(actual.catalog, expected.catalog, { partial }), expectedPath: expected.source.path, expected: expected.catalog };
}

const LARGEST_SHOWN = 5;

/** Seed 001's quick health check: tables, indexes, foreign keys; sizes and row estimates when live. */
export function healthCounts(catalog: Catalog): HealthCounts {
  const tables = userTables(catalog).filter((t) => !isPartition(t));
  const all = userTables(catalog);
  const live = catalog.live && all.every((t) => t.stats !== null);
  return {
    tables: tables.length,
    indexes: all.reduce((n, t) => n + t.indexes.length, 0),
    foreignKeys: all.reduce((n, t) => n + t.constraints.filter((c) => c.type === 'foreign key' && !c.inherited).length, 0),
    views: userViews(catalog).length,
    totalBytes: live ? all.reduce((n, t) => n + (t.stats?.totalBytes ?? 0), 0) : null,
    rowEstimate: live ? all.reduce((n, t) => n + Math.max(0, t.stats?.rowEstimate ?? 0), 0) : null,
  };
}

export function healthSummary(actual: Catalog, expected: Catalog): HealthSummary {
  const largest = actual.live
    ? userTables(actual).filter((t) => t.stats !== null)
      .map((t) => ({ table: t.schema === 'public' ? t.name : `${t.schema}.${t.name}`, rowEstimate: Math.max(0, t.stats?.rowEstimate ?? 0), totalBytes: t.stats?.totalBytes ?? 0 }))
      .sort((a, b) => b.totalBytes - a.totalBytes || (a.table < b.table ? -1 : 1))
      .slice(0, LARGEST_SHOWN)
    : [];
  return { actual: healthCounts(actual), expected: healthCounts(expected), largest };
}


export async function checkSources(actualArg: string | null, expectArg: string, opts: CheckOptions = {}): Promise<ReviewOutput> {
  const actual = await loadCatalog(actualArg, { ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.schemas ? { schemas: opts.schemas } : {}), ...(opts.cache === false ? { cache: false } : {}) });
  const out = analyze(actual, 'check', { ...(opts.config ? { config: opts.config } : {}), baseline: null, rules: [] });
  const { drift, expectedPath, expected } = await driftAgainst(actual, expectArg, opts);
  out.result.health = healthSummary(actual.catalog, expected);
  // check reports drift, not the review rules: the summary counts drift entries by severity.
  out.result.summary = { ...out.result.summary, findings: countFindings(drift) };
  delete out.result.summary.grade;
  out.result.drift = drift;
  out.result.notes.unshift({
    kind: 'info',
    message: drift.length === 0 ? `${out.result.source.path} matches ${expectedPath}` : `${drift.length} difference${drift.length === 1 ? '' : 's'} between ${out.result.source.path} (actual) and ${expectedPath} (expected)`,
    location: null,
  });
  return out;
}
