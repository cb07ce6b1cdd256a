/**
 * The PR fixtures (test/fixtures/diff): each PR's expected safety and design findings at their
 * file:line, the look-alikes that must stay quiet, the verdict, and a rollback that takes head back
 * to base in the engine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRef } from '../../src/catalog/helpers.js';
import { reviewPr } from '../../src/diff/review.js';
import type { Finding } from '../../src/result.js';

interface Expected {
  findings: Array<{ rule: string; object: string; file: string; line: number; severity: string }>;
  mustNotFire: Array<{ rule: string; object: string; why: string }>;
  verdict: string;
  changes: Array<{ action: string; kind: string; object: string }>;
}

const ROOT = 'test/fixtures/diff';
const prs = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'base' && d.name !== 'designs').map((d) => d.name).sort();

function names(f: Finding): Set<string> {
  const out = new Set<string>();
  for (const o of f.objects) {
    out.add(describeRef(o));
    if (o.name) out.add(o.name);
    if (o.table && o.name) out.add(`${o.table}.${o.name}`);
    if (o.kind === 'table' && o.name) out.add(o.name);
  }
  return out;
}

describe('schemasage diff on the PR fixtures', () => {
  for (const pr of prs) {
    describe(pr, async () => {
      const expected = JSON.parse(readFileSync(join(ROOT, pr, 'expected.json'), 'utf8')) as Expected;
      const { result } = await reviewPr(join(ROOT, 'base/migrations'), join(ROOT, pr, 'migrations'));

      it(`gives the verdict ${expected.verdict}`, () => {
        expect(result.summary.verdict, result.verdictReasons?.join('; ')).toBe(expected.verdict);
      });
      for (const e of expected.findings) {
        it(`finds ${e.rule} on ${e.object} at ${e.file}:${e.line}`, () => {
          const hits = result.findings.filter((f) => f.rule === e.rule && (names(f).has(e.object) || e.object === '*'));
          expect(hits.map((f) => f.rule), `found: ${result.findings.map((f) => `${f.rule} ${[...names(f)][0]}`).join(', ')}`).not.toHaveLength(0);
          expect(hits.map((f) => f.location && `${f.location.file.split('/').pop()}:${f.location.line}`)).toContain(`${e.file}:${e.line}`);
        });
      }
      for (const n of expected.mustNotFire) {
        it(`does not flag ${n.object} with ${n.rule}`, () => {
          const hits = result.findings.filter((f) => f.rule === n.rule && (n.object === '*' || names(f).has(n.object)));
          expect(hits.map((f) => f.message)).toEqual([]);
        });
      }
      it('lists what the change created, altered and dropped', () => {
        const createdTables = new Set((result.changes ?? []).filter((x) => x.action === 'created' && x.object.kind === 'table').map((x) => x.object.name));
        for (const c of expected.changes) {
          // A created table is one entry that counts its columns, constraints and indexes.
          if (c.action === 'created' && c.kind !== 'table' && createdTables.has(c.object.split('.')[0] as string)) continue;
          const hit = (result.changes ?? []).find((x) => x.action === c.action && (describeRef(x.object).endsWith(c.object) || `${x.object.table}.${x.object.name}` === c.object || x.object.name === c.object));
          expect(hit, `${c.action} ${c.object}; got ${(result.changes ?? []).map((x) => `${x.action} ${describeRef(x.object)}`).join(', ')}`).toBeDefined();
        }
      });
      it('generates a rollback that takes head back to base in the engine', () => {
        expect(result.rollback?.problems).toEqual([]);
        expect(result.rollback?.verified).toBe(true);
      });
    });
  }

  describe('--expect a partial design doc', () => {
    it('reports where the changed tables deviate from the tables the design defines, and nothing for the rest', async () => {
      const { result } = await reviewPr(join(ROOT, 'base/migrations'), join(ROOT, 'additive/migrations'), { expect: join(ROOT, 'designs/time-tracking.md') });
      const drift = (result.drift ?? []).map((d) => `${d.kind} ${d.objects.map(describeRef).join(',')}`);
      expect(drift).toContain('missing-column milestones.description');
      expect(drift).toContain('nullability-mismatch milestones.due_on');
      expect(drift).toContain('extra-trigger milestones.milestones_set_updated_at');
      expect(drift).toContain('extra-table time_entries');
      const dueOn = result.drift?.find((d) => d.kind === 'nullability-mismatch');
      expect([dueOn?.expected, dueOn?.actual]).toEqual(['NOT NULL', 'nullable']);
      expect(drift.filter((d) => d.includes('organizations') || d.includes('projects'))).toEqual([]);
      expect(result.summary.verdict).not.toBe('approve');
      expect(result.verdictReasons?.join(' ')).toMatch(/deviation/);
    });
  });
});
