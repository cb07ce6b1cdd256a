/**
 * Runs the migration safety rules over a PR's statements, each judged with the catalog as it
 * stood just before it. Mirrors rules/run.ts: config severities and "off", statement locations.
 */
import type { Location } from '../catalog/model.js';
import type { RuleSetting } from '../rules/run.js';
import { fingerprint, type DraftFinding } from '../rules/run.js';
import { migrationRules } from './rules/index.js';
import type { MigrationContext, MigrationRule } from './types.js';

function statementLocation(ctx: MigrationContext): Location {
  return { file: ctx.statement.file, line: ctx.statement.line, column: ctx.statement.column };
}

/**
 * Findings of every enabled migration rule over `contexts` (in PR order), config severities applied
 * ('off' disables). A statement's inline
 * `-- schemasage-ignore <rule>` silences that rule for it.
 */
export function runMigrationRules(
  contexts: readonly MigrationContext[],
  settings: Record<string, RuleSetting> = {},
  rules: readonly MigrationRule[] = migrationRules,
): DraftFinding[] {
  const out: DraftFinding[] = [];
  for (const ctx of contexts) {
    for (const rule of rules) {
      const setting = settings[rule.meta.id];
      const level = setting?.level;
      if (level === 'off') continue;
      if (!rule.meta.enabledByDefault && level === undefined) continue;
      if (ctx.statement.ignores.includes(rule.meta.id)) continue;
      for (const d of rule.check(ctx)) {
        out.push({
          rule: rule.meta.id,
          severity: level ?? d.severity ?? rule.meta.severity,
          category: 'migration',
          title: d.title ?? rule.meta.title,
          message: d.message,
          rationale: rule.meta.rationale,
          objects: d.objects,
          location: d.location !== undefined ? d.location : statementLocation(ctx),
          details: d.details ?? {},
          fix: d.fix ?? null,
          // the same object can be touched by several statements of a PR: the file keeps them apart
          fingerprint: fingerprint(rule.meta.id, [...d.objects, { kind: 'statement', name: ctx.statement.file }]),
        });
      }
    }
  }
  return out;
}
