import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { alterCmds, arr, baseTable, constValue, isNode, lockDetails, rangeVar, sizedSeverity, stmtOf, str, textFrom, untilComma } from '../ast.js';
import { lockFor } from '../locks.js';
import { classifyTypeChange, typeFromAst, typeOfColumn, typeSql } from '../types-change.js';
import type { MigrationContext, MigrationRule } from '../types.js';

/** An earlier `SET timezone = 'UTC'` (or TIME ZONE) in the PR: timestamp → timestamptz then needs no rewrite. */
function timezoneUtcSet(ctx: MigrationContext): boolean {
  return ctx.previous.some((p) => {
    const v = stmtOf(p.ast, 'VariableSetStmt');
    if (!v || str(v.name)?.toLowerCase() !== 'timezone') return false;
    const value = constValue(arr(v.args)[0]);
    return typeof value === 'string' && ['utc', 'etc/utc', 'z', 'zulu', 'gmt', 'etc/gmt'].includes(value.toLowerCase());
  });
}

const rule: MigrationRule = {
  meta: {
    id: 'column-type-change-rewrites',
    category: 'migration',
    severity: 'high',
    title: 'Column type change rewrites an existing table',
    rationale:
      'ALTER COLUMN … TYPE rewrites the whole table and rebuilds every index under an ACCESS EXCLUSIVE lock unless the old type is ' +
      'binary-coercible to the new one (varchar widening, varchar → text, numeric widening, cidr → inet). On a busy table that is an outage ' +
      'as long as the rewrite.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtOf(ctx.statement.ast, 'AlterTableStmt');
    if (!s) return [];
    const t = baseTable(ctx, rangeVar(s.relation));
    if (!t) return [];
    const out: FindingDraft[] = [];
    for (const cmd of alterCmds(s)) {
      if (str(cmd.subtype) !== 'AT_AlterColumnType' || !isNode(cmd.def) || !isNode(cmd.def.ColumnDef)) continue;
      const def = cmd.def.ColumnDef;
      const col = str(cmd.name) ?? '';
      const column = t.columns.find((c) => c.name === col);
      if (!column || !isNode(def.typeName)) continue;
      const from = typeOfColumn(column);
      const to = typeFromAst(def.typeName);
      const change = classifyTypeChange(from, to, ctx.pgVersion);
      if (change.kind === 'same' || change.kind === 'coercible') continue;
      if (change.kind === 'timezone' && timezoneUtcSet(ctx)) continue;
      const rel = qualify(t.schema, t.name);
      const c = quoteIdent(col);
      const lock = lockFor('alter-column-type', ctx.pgVersion);
      const newType = typeSql(to);
      if (change.kind === 'timezone') {
        out.push({
          objects: [columnRef(t, col)],
          severity: 'low',
          message:
            `\`${t.name}.${col}\` changes from timestamp to timestamptz. On PostgreSQL ≥ 12 this skips the rewrite only when the session ` +
            `TimeZone is UTC; otherwise \`${t.name}\` (existed before this PR) is rewritten under an ACCESS EXCLUSIVE lock. Set the time zone in the migration to be sure.`,
          details: lockDetails(ctx, { ...lock, rewrites: false }, true, undefined, { column: col, from: column.type, to: newType, rewritesUnlessUtc: true }),
          fix: {
            sql: `SET timezone = 'UTC';\nALTER TABLE ${rel} ALTER COLUMN ${c} TYPE timestamptz;`,
            notes: 'Existing values are read as UTC. If they were stored in another zone, use USING c AT TIME ZONE \'<zone>\' — which rewrites the table.',
          },
        });
        continue;
      }
      const sized = sizedSeverity(ctx, t, 'high', 'rewrite');
      const typeText = textFrom(ctx.statement, def.location);
      const written = typeText ? untilComma(typeText).replace(/^(SET\s+DATA\s+)?TYPE\s+/i, '').replace(/\s+USING\s[\s\S]*$/i, '') : newType;
      const tmp = quoteIdent(`${col}_new`.slice(0, 63));
      out.push({
        objects: [columnRef(t, col)],
        severity: sized.severity,
        message:
          `\`${t.name}.${col}\` changes type from \`${column.type}\` to \`${written}\`: not binary-coercible, so \`${t.name}\` (existed before this PR) ` +
          `is rewritten and its indexes rebuilt under an ACCESS EXCLUSIVE lock.${sized.sentence} ` +
          (change.narrowing ? `It also narrows the column (${change.narrowing}). ` : '') +
          `On a busy table, add a new column, backfill it in batches, switch readers and writers, then swap.`,
        details: lockDetails(ctx, lock, true, sized, { column: col, from: column.type, to: written, narrowing: change.narrowing }),
        fix: {
          sql:
            `ALTER TABLE ${rel} ADD COLUMN ${tmp} ${written};\n` +
            `-- keep it in sync (trigger or dual writes in the app), then backfill in batches until 0 rows:\n` +
            `UPDATE ${rel} SET ${tmp} = ${c}::${written} WHERE ctid IN (SELECT ctid FROM ${rel} WHERE ${tmp} IS NULL AND ${c} IS NOT NULL LIMIT 10000);\n` +
            `-- then, in one short transaction with a lock_timeout:\n` +
            `ALTER TABLE ${rel} RENAME COLUMN ${c} TO ${quoteIdent(`${col}_old`.slice(0, 63))};\n` +
            `ALTER TABLE ${rel} RENAME COLUMN ${tmp} TO ${c};`,
          notes:
            'Expand/contract keeps every step catalog-only or row-level. On a small or idle table the single ALTER is fine with ' +
            `SET lock_timeout = '5s' first. Recreate indexes, constraints and defaults of the old column on the new one (CONCURRENTLY) before the swap.`,
        },
      });
    }
    return out;
  },
};
export default rule;
