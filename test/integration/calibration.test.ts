/**
 * Calibration: the default rule set against hand-written answer keys for realistic schemas
 * (test/fixtures/calibration). Measures precision and recall honestly — the answer keys come from
 * review judgement, not from the tool's output. See docs/calibration.md.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import type { Finding } from '../../src/result.js';
import { allRules } from '../../src/rules/index.js';
import { runRules } from '../../src/rules/run.js';
import {
  formatMisses, formatReport, report, score, validateAnswerKey, type AnswerKey, type Report, type Score,
} from '../support/calibration.js';
import { catalogFromSql, closeEngines } from '../support/engine.js';

const DIR = 'test/fixtures/calibration';
const CLEAN = 'clean-saas';
/** At most this many findings at low or above on the clean schema. */
const CLEAN_BUDGET = 3;
const MIN_PRECISION = 0.85;
const MIN_RECALL = 0.85;

const names = readdirSync(DIR).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -'.sql'.length)).sort();

interface Case {
  name: string;
  key: AnswerKey;
  catalog: Catalog;
  findings: Finding[];
  score: Score;
}

const cases = new Map<string, Case>();
let summary: Report;

beforeAll(async () => {
  for (const name of names) {
    const key = JSON.parse(readFileSync(`${DIR}/${name}.expected.json`, 'utf8')) as AnswerKey;
    const catalog = await catalogFromSql(readFileSync(`${DIR}/${name}.sql`, 'utf8'), { file: `${name}.sql` });
    const findings = runRules(catalog, allRules);
    cases.set(name, { name, key, catalog, findings, score: score(name, key, findings, catalog) });
  }
  summary = report([...cases.values()].map((c) => c.score));
  console.log(`${formatReport(summary)}\n\n${formatMisses(summary)}`);
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/calibration.json', `${JSON.stringify({
    thresholds: { precision: MIN_PRECISION, recall: MIN_RECALL, cleanBudget: CLEAN_BUDGET },
    ...summary,
    schemas: summary.schemas.map((s) => ({ ...s, detail: cases.get(s.schema)?.score })),
  }, null, 2)}\n`);
});

afterAll(closeEngines);

describe('calibration corpus', () => {
  it('has the clean schema and several flawed ones', () => {
    expect(names).toContain(CLEAN);
    expect(names.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of names) {
    it(`${name}: the answer key names real rules and real objects`, () => {
      const c = cases.get(name);
      expect(c).toBeDefined();
      if (!c) return;
      expect(c.key.description.length).toBeGreaterThan(20);
      expect(validateAnswerKey(c.key, c.catalog, allRules)).toEqual([]);
    });

    it(`${name}: has 8–30 tables of its own`, () => {
      const tables = cases.get(name)?.catalog.tables.filter((t) => t.origin === 'user' && t.partitionOf === null && t.inherits.length === 0) ?? [];
      expect(tables.length).toBeGreaterThanOrEqual(8);
      expect(tables.length).toBeLessThanOrEqual(30);
    });
  }

  it(`the clean schema has at most ${CLEAN_BUDGET} findings at low or above`, () => {
    const loud = (cases.get(CLEAN)?.findings ?? []).filter((f) => f.severity !== 'info');
    const listed = loud.map((f) => `  ${f.severity} ${f.rule} ${f.objects.map((o) => [o.table, o.name].filter(Boolean).join('.')).join(', ')}: ${f.message}`);
    expect(loud.length, `${loud.length} findings on ${CLEAN}.sql:\n${listed.join('\n')}`).toBeLessThanOrEqual(CLEAN_BUDGET);
  });

  it(`overall precision is at least ${MIN_PRECISION}`, () => {
    const p = summary.total.precision ?? 0;
    expect(p, `precision ${(p * 100).toFixed(1)}% (TP ${summary.total.tp}, FP ${summary.total.fp}); false positives:\n${formatMisses({ ...summary, falseNegatives: [] })}`).toBeGreaterThanOrEqual(MIN_PRECISION);
  });

  it(`overall recall is at least ${MIN_RECALL}`, () => {
    const r = summary.total.recall ?? 0;
    expect(r, `recall ${(r * 100).toFixed(1)}% (TP ${summary.total.tp}, FN ${summary.total.fn}); false negatives:\n${formatMisses({ ...summary, falsePositives: [] })}`).toBeGreaterThanOrEqual(MIN_RECALL);
  });
});
