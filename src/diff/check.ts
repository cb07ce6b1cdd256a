/**
 * `schemasage check <actual> --expect <expected>` and `review --expect`: does the actual schema
 * (often a live database) still match the design?
 */
import type { ResolvedConfig } from '../config/load.js';
import { analyze, countFindings, loadCatalog, type LoadedCatalog, type ReviewOutput } from '../pipeline.js';
import type { DriftEntry } from '../result.js';
import { checkDrift } from './drift.js';

export interface CheckOptions {
  cwd?: string;
  config?: ResolvedConfig;
  schemas?: string[];
  cache?: boolean;
}

/** Drift of an already loaded actual catalog from the expected source. */
export async function driftAgainst(actual: LoadedCatalog, expectArg: string, opts: CheckOptions = {}): Promise<{ drift: DriftEntry[]; expectedPath: string }> {
  const expected = await loadCatalog(expectArg, { ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.schemas ? { schemas: opts.schemas } : {}), ...(opts.cache === false ? { cache: false } : {}) });
  // A design doc defines some tables and references others: compare only what it defines.
  const partial = expected.source.kind === 'markdown';
  return { drift: checkDrift(actual.catalog, expected.catalog, { partial }), expectedPath: expected.source.path };
}


export async function checkSources(actualArg: string | null, expectArg: string, opts: CheckOptions = {}): Promise<ReviewOutput> {
  const actual = await loadCatalog(actualArg, { ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.schemas ? { schemas: opts.schemas } : {}), ...(opts.cache === false ? { cache: false } : {}) });
  const out = analyze(actual, 'check', { ...(opts.config ? { config: opts.config } : {}), baseline: null, rules: [] });
  const { drift, expectedPath } = await driftAgainst(actual, expectArg, opts);
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
