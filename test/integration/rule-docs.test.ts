/**
 * The docs are the fixtures (as in Squawk): every rule's docs/rules/<id>.md has a Bad block that
 * must make the rule fire and a Good block that must not, applied to real PostgreSQL (PGlite).
 */
import { readFileSync, existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules } from '../../src/rules/index.js';
import { runRules } from '../../src/rules/run.js';
import { catalogFromSql, closeEngines } from '../support/engine.js';

function block(md: string, heading: 'Bad' | 'Good'): string | null {
  const section = md.split(/^## /m).find((s) => s.startsWith(`${heading}\n`) || s.startsWith(`${heading}\r\n`));
  const m = section ? /```sql\n([\s\S]*?)```/.exec(section) : null;
  return m ? (m[1] as string) : null;
}

afterAll(closeEngines);

describe('every rule has a docs page whose examples behave', () => {
  for (const rule of allRules) {
    const id = rule.meta.id;
    const path = `docs/rules/${id}.md`;
    describe(id, () => {
      it('has a docs page with Bad and Good SQL', () => {
        expect(existsSync(path), `${path} missing`).toBe(true);
        const md = readFileSync(path, 'utf8');
        expect(block(md, 'Bad')).toBeTruthy();
        expect(block(md, 'Good')).toBeTruthy();
        expect(md).toContain(rule.meta.category);
      });
      if (rule.meta.liveOnly) return;
      const settings = { [id]: { level: undefined, options: {} } };
      it('fires on the Bad example', async () => {
        const sql = block(readFileSync(path, 'utf8'), 'Bad') ?? '';
        const found = runRules(await catalogFromSql(sql), [rule], rule.meta.enabledByDefault ? {} : { settings: { [id]: { level: rule.meta.severity, options: {} } } });
        expect(found.map((f) => f.rule)).toContain(id);
      });
      it('stays quiet on the Good example', async () => {
        const sql = block(readFileSync(path, 'utf8'), 'Good') ?? '';
        const found = runRules(await catalogFromSql(sql), [rule], rule.meta.enabledByDefault ? { settings } : { settings: { [id]: { level: rule.meta.severity, options: {} } } });
        expect(found.map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
      });
    });
  }
});
