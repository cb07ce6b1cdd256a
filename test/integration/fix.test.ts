/**
 * `fix` on real PGlite. The migration is checked twice: by the fix module's own verifier, and
 * independently here: a fresh engine loads the source, the written file is applied as psql would
 * (a new connection's search_path, statement by statement, through the ordinary loader), and the
 * schema is reviewed again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.js';
import { openPGlite } from '../../src/engine/pglite.js';
import { FIX_EXTENSIONS } from '../../src/fix/engine.js';
import { fixSource, loadForFix, planAndVerify, type FixOutput } from '../../src/fix/index.js';
import { analyze, applyAndIntrospect, requestedExtensions } from '../../src/pipeline.js';
import type { Finding, SourceKind } from '../../src/result.js';
import { loadFileSource } from '../../src/sources/index.js';
import { splitStatements } from '../../src/sources/split.js';
import { TOOL_VERSION } from '../../src/version.js';

const config = defaultConfig();
const outputs = new Map<string, FixOutput>();

/** The review after applying `migration` to a fresh engine holding `source`, without the fix module. */
async function reviewWith(source: string, migration: string): Promise<Finding[]> {
  const src = await loadFileSource(source);
  const session = await openPGlite({ supabase: src.supabase, extensions: [...requestedExtensions(src.statements), ...FIX_EXTENSIONS] });
  try {
    // psql opens a new connection: whatever search_path the source's SET left behind is gone.
    const reset = await splitStatements({ path: 'reset.sql', text: 'RESET search_path;' }, src.statements.length);
    const fix = await splitStatements({ path: 'fix.sql', text: migration }, src.statements.length + 1);
    const catalog = await applyAndIntrospect(session, { ...src, statements: [...src.statements, ...reset, ...fix] });
    const loaded = { catalog, source: { kind: src.kind as SourceKind, path: src.path, layout: src.layout }, timings: { loadMs: 0, applyMs: 0, introspectMs: 0, analyzeMs: 0, renderMs: 0 }, fromCache: false };
    return analyze(loaded, 'review', { config }).result.findings;
  } finally {
    await session.close();
  }
}

async function fixed(source: string): Promise<FixOutput> {
  const hit = outputs.get(source);
  if (hit) return hit;
  const out = await fixSource(source, { config, selection: {} });
  outputs.set(source, out);
  return out;
}

afterAll(() => outputs.clear());

describe.each(['examples/shop.sql', 'examples/supabase-app'])('fix %s (every high and critical finding)', (source) => {
  it('verifies, and the written file removes the targeted findings from a fresh engine', async () => {
    const out = await fixed(source);
    const before = out.review.result.findings;
    const targeted = before.filter((f) => f.severity === 'critical' || f.severity === 'high');
    expect(targeted.length).toBeGreaterThan(3);
    expect(out.plan.verified).toBe(true);
    expect(out.dropped).toEqual([]);
    expect(out.plan.gone.map((g) => g.id).sort()).toEqual(targeted.map((f) => f.id).sort());

    const after = await reviewWith(source, out.plan.sql);
    const afterPrints = new Set(after.map((f) => f.fingerprint));
    expect(targeted.filter((f) => afterPrints.has(f.fingerprint)).map((f) => `${f.id} ${f.rule}`)).toEqual([]);
    const beforePrints = new Set(before.map((f) => f.fingerprint));
    expect(after.filter((f) => (f.severity === 'critical' || f.severity === 'high') && !beforePrints.has(f.fingerprint))).toEqual([]);
  });

  it('leaves the findings it was not asked to fix', async () => {
    const out = await fixed(source);
    const untouched = out.review.result.findings.filter((f) => f.severity !== 'critical' && f.severity !== 'high');
    expect(untouched.length).toBeGreaterThan(3);
    const after = new Set((await reviewWith(source, out.plan.sql)).map((f) => f.fingerprint));
    // Fixes can resolve a neighbour as a side effect; most must stay.
    const kept = untouched.filter((f) => after.has(f.fingerprint));
    expect(kept.length / untouched.length).toBeGreaterThan(0.8);
    for (const f of untouched.filter((x) => x.rule === 'missing-capability')) expect(out.plan.sql).not.toContain(`CREATE TABLE ${String(f.objects[0]?.name)}`);
  });

  it('runs CONCURRENTLY statements after the COMMIT and VALIDATE last, with lock_timeout set first', async () => {
    const sql = (await fixed(source)).plan.sql;
    const statements = (await splitStatements({ path: 'fix.sql', text: sql }, 0)).map((s) => s.sql);
    expect(statements[0]).toBe("SET lock_timeout = '5s'");
    const begin = statements.indexOf('BEGIN');
    const commit = statements.indexOf('COMMIT');
    expect(begin).toBeGreaterThan(0);
    statements.forEach((s, i) => {
      if (/CONCURRENTLY/.test(s)) expect(i).toBeGreaterThan(commit);
      if (/VALIDATE CONSTRAINT/.test(s)) expect(statements.slice(i + 1).some((x) => /CONCURRENTLY/.test(x))).toBe(false);
    });
  });
});

describe('fix --capability', () => {
  it('adds the capability\'s table and the missing-capability finding disappears', async () => {
    const out = await fixSource('examples/shop.sql', { config, selection: { capabilities: ['password-reset'] } });
    expect(out.plan.verified).toBe(true);
    expect(out.plan.steps.map((s) => [s.finding, s.capability])).toEqual([[expect.stringMatching(/^M\d+$/), 'password-reset']]);
    expect(out.plan.sql).toMatch(/CREATE TABLE password_reset_tokens/);
    const after = await reviewWith('examples/shop.sql', out.plan.sql);
    expect(after.filter((f) => f.details.capability === 'password-reset')).toEqual([]);
    // the other missing capability was not asked for and stays missing
    expect(after.filter((f) => f.details.capability === 'email-verification')).toHaveLength(1);
  });
});

describe('verification failures', () => {
  /** Loads shop.sql, changes the chosen findings' fixes, and verifies the plan for them. */
  async function verifyWith(edit: (f: Finding) => Finding | null) {
    const { src, before, engine } = await loadForFix('examples/shop.sql', { config, selection: {} });
    const chosen = before.result.findings.map(edit).filter((f): f is Finding => f !== null);
    const findings = before.result.findings.map((f) => chosen.find((c) => c.id === f.id) ?? f);
    const review = { ...before, result: { ...before.result, findings } };
    return planAndVerify({ src, before: review, config, engine, load: { cwd: process.cwd() }, migrationName: 'fix.sql', version: TOOL_VERSION }, chosen);
  }
  const withSql = (f: Finding, sql: string): Finding => ({ ...f, fix: { sql } });

  it('names the finding, its statement and Postgres\'s message when a step fails, and writes nothing', async () => {
    const r = await verifyWith((f) => (f.rule === 'unindexed-foreign-key' ? withSql(f, 'CREATE INDEX CONCURRENTLY order_items_nope_idx ON order_items (no_such_column);') : null));
    expect(r.plan.verified).toBe(false);
    expect(r.plan.sql).toBe('');
    expect(r.plan.failure).toMatchObject({
      finding: expect.stringMatching(/^H\d+$/),
      statement: 'CREATE INDEX CONCURRENTLY order_items_nope_idx ON order_items (no_such_column)',
      message: expect.stringMatching(/column "no_such_column" does not exist/),
    });
  });

  it('drops a failing fix, verifies the rest, and reports the dropped one as skipped', async () => {
    const r = await verifyWith((f) => {
      if (f.rule === 'unindexed-foreign-key') return f;
      if (f.rule === 'money-as-float') return withSql(f, 'ALTER TABLE refunds ALTER COLUMN amount TYPE numeric(12,2) USING amount::uuid::text::numeric;');
      return null;
    });
    expect(r.plan.verified).toBe(true);
    expect(r.plan.passes).toBe(2);
    expect(r.dropped.map((d) => d.finding.rule)).toEqual(['money-as-float']);
    expect(r.dropped[0]?.reason).toMatch(/Postgres rejected its step `ALTER TABLE refunds .*`: cannot cast type double precision to uuid/);
    expect(r.plan.steps.find((s) => s.rule === 'money-as-float')).toMatchObject({ status: 'skipped', phase: null });
    expect(r.plan.sql).toMatch(/CREATE INDEX CONCURRENTLY order_items_order_id_idx/);
    expect(r.plan.sql).not.toMatch(/refunds/);
  });

  it('drops a fix that leaves its finding in place, and one that brings a new high finding', async () => {
    const r = await verifyWith((f) => {
      if (f.rule === 'unindexed-foreign-key') return f;
      if (f.rule === 'money-as-float') return withSql(f, "COMMENT ON COLUMN refunds.amount IS 'still a float';");
      if (f.rule === 'no-primary-key') return withSql(f, 'ALTER TABLE inventory_movements ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;\nCREATE TABLE inventory_snapshots (variant_id bigint, quantity integer);');
      return null;
    });
    expect(r.plan.verified).toBe(true);
    const reasons = Object.fromEntries(r.dropped.map((d) => [d.finding.rule, d.reason]));
    expect(reasons['money-as-float']).toMatch(/its finding remained/);
    expect(reasons['no-primary-key']).toMatch(/brings a new high finding, no-primary-key: .*inventory_snapshots/);
    expect(r.plan.remaining).toEqual([]);
    expect(r.plan.gone.map((g) => g.rule)).toEqual(['unindexed-foreign-key']);
  });
});
