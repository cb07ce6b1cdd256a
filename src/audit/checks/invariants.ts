/**
 * invariant-violation: the config's `invariants`, each SQL that returns true when the data is sound.
 * A predicate (`NOT EXISTS (…)`) or a whole query whose first column of its first row is the answer.
 */
import type { FindingDraft } from '../../rules/types.js';
import type { AuditCheck, AuditRow, PlanContext } from '../types.js';

/** An invariant whose SQL does not answer true or false: the user's input, reported with exit code 2. */
export class InvariantInputError extends Error {}

export function invariantSql(sql: string): string {
  const body = sql.trim().replace(/;\s*$/, '');
  const start = body.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '');
  // A predicate, even one that opens with a bracketed subquery (`(SELECT …) = 0`); the line breaks keep a trailing `--` comment inside.
  return /^(select|with|values|table)\b/i.test(start) ? body : `SELECT (\n${body}\n) AS ok`;
}

function answer(rows: AuditRow[]): boolean | null {
  const row = rows[0];
  if (!row) throw new InvariantInputError('returned no rows; it must return one row whose first column is true when the data is sound');
  const value = Object.values(row)[0];
  if (value === null) return null;
  if (typeof value !== 'boolean') throw new InvariantInputError(`returned ${JSON.stringify(value)}, not a boolean; it must return true when the data is sound`);
  return value;
}

export function planInvariants(ctx: PlanContext): AuditCheck[] {
  return ctx.invariants.map((inv): AuditCheck => ({
    rule: 'invariant-violation',
    label: `invariant "${inv.name}"`,
    objects: [{ kind: 'statement', name: inv.name }],
    reads: [],
    sql: invariantSql(inv.sql),
    sampled: false,
    interpret(rows): FindingDraft[] {
      const ok = answer(rows);
      if (ok === true) return [];
      return [{
        objects: [{ kind: 'statement', name: inv.name }],
        message: `${inv.message} (invariant "${inv.name}"${ctx.configPath ? ` in ${ctx.configPath}` : ''} returned ${ok === null ? 'NULL' : 'false'}).`,
        details: { invariant: inv.name, sql: inv.sql, returned: ok },
        fix: null,
      }];
    },
  }));
}
