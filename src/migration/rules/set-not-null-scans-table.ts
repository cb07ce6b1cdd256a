import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { alterCmds, baseTable, isNode, lockDetails, rangeVar, sizedSeverity, stmtOf, str } from '../ast.js';
import type { Statement } from '../../sources/types.js';
import { columnDefault, lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';
import type { Table } from '../../catalog/model.js';

/** A validated CHECK that proves the column is never NULL: `CHECK ((col IS NOT NULL))`. */
function provingCheck(t: Table, col: string): string | null {
  const re = new RegExp(`^CHECK \\(\\(?"?${col.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"? IS NOT NULL\\)?\\)$`, 'i');
  return t.constraints.find((c) => c.type === 'check' && c.validated && re.test(c.definition.trim()))?.name ?? null;
}

/**
 * The column was added earlier in this PR without a default, and no UPDATE of the table follows:
 * every row that existed holds NULL in it, so SET NOT NULL fails on any table with rows.
 */
function addedEmptyInPr(previous: readonly Statement[], table: { schema: string; name: string }, col: string): boolean {
  let added = false;
  for (const p of previous) {
    const alter = stmtOf(p.ast, 'AlterTableStmt');
    const rv = alter ? rangeVar(alter.relation) : null;
    if (alter && rv && rv.name === table.name && rv.schema === table.schema) {
      for (const cmd of alterCmds(alter)) {
        if (str(cmd.subtype) !== 'AT_AddColumn' || !isNode(cmd.def) || !isNode(cmd.def.ColumnDef)) continue;
        if (str(cmd.def.ColumnDef.colname) === col && columnDefault(cmd.def.ColumnDef).expr === undefined) added = true;
      }
    }
    const update = stmtOf(p.ast, 'UpdateStmt');
    const urv = update ? rangeVar(update.relation) : null;
    if (added && urv && urv.name === table.name && urv.schema === table.schema) added = false;
  }
  return added;
}

const rule: MigrationRule = {
  meta: {
    id: 'set-not-null-scans-table',
    category: 'migration',
    severity: 'medium',
    title: 'SET NOT NULL scans an existing table under an ACCESS EXCLUSIVE lock',
    rationale:
      'ALTER COLUMN … SET NOT NULL reads every row to prove there is no NULL while holding ACCESS EXCLUSIVE: nothing can read or ' +
      'write the table meanwhile. From PostgreSQL 12 a validated CHECK (col IS NOT NULL), added NOT VALID and validated under a ' +
      'weaker lock, lets SET NOT NULL skip the scan.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtOf(ctx.statement.ast, 'AlterTableStmt');
    if (!s) return [];
    const t = baseTable(ctx, rangeVar(s.relation));
    if (!t) return [];
    const out: FindingDraft[] = [];
    for (const cmd of alterCmds(s)) {
      if (str(cmd.subtype) !== 'AT_SetNotNull') continue;
      const col = str(cmd.name) ?? '';
      if (addedEmptyInPr(ctx.previous, t, col)) {
        const rows = ctx.tableStats(t.schema, t.name)?.rowEstimate;
        const rel = qualify(t.schema, t.name);
        out.push({
          objects: [columnRef(t, col)],
          severity: rows === 0 ? 'low' : 'critical',
          title: 'SET NOT NULL on a column this PR added empty: this deploy would fail',
          message:
            `\`${t.name}.${col}\` was added earlier in this PR without a default and nothing fills it, so every row \`${t.name}\` already had ` +
            `holds NULL there: \`SET NOT NULL\` fails on any database where the table has rows ("column contains null values"). ` +
            'Backfill it first (in batches), or add it with a constant default.',
          details: lockDetails(ctx, lockFor('set-not-null', ctx.pgVersion), true, undefined, { column: col, addedInPr: true }),
          fix: {
            sql: `-- backfill before enforcing, repeating until 0 rows are updated:\nUPDATE ${rel} SET ${quoteIdent(col)} = <value> WHERE ctid IN (SELECT ctid FROM ${rel} WHERE ${quoteIdent(col)} IS NULL LIMIT 10000);`,
            notes: 'Or add the column with a constant DEFAULT (catalog-only on PostgreSQL ≥ 11), which fills existing rows without a rewrite.',
          },
        });
        continue;
      }
      const column = t.columns.find((c) => c.name === col);
      if (!column || column.notNull) continue;
      const proof = provingCheck(t, col);
      const lock = lockFor(proof ? 'set-not-null-with-check' : 'set-not-null', ctx.pgVersion);
      if (!lock.scans) continue;
      const sized = sizedSeverity(ctx, t, 'medium', 'scan');
      const rel = qualify(t.schema, t.name);
      const c = quoteIdent(col);
      const check = quoteIdent(`${t.name}_${col}_not_null`.slice(0, 63));
      const modern = ctx.pgVersion >= 12;
      out.push({
        objects: [columnRef(t, col)],
        severity: sized.severity,
        message:
          `\`SET NOT NULL\` on \`${t.name}.${col}\` scans all of \`${t.name}\` (existed before this PR) under an ACCESS EXCLUSIVE lock` +
          (proof ? ` — the CHECK \`${proof}\` would spare the scan only from PostgreSQL 12, and the target is ${ctx.pgVersion}` : '') +
          `.${sized.sentence} ` +
          (modern
            ? 'Add a CHECK (col IS NOT NULL) NOT VALID, VALIDATE it (SHARE UPDATE EXCLUSIVE: reads and writes continue), then SET NOT NULL without a scan.'
            : `On PostgreSQL ${ctx.pgVersion} the scan cannot be avoided; keep a validated CHECK (col IS NOT NULL) instead of NOT NULL, or run it in a quiet window with a lock_timeout.`),
        details: lockDetails(ctx, lock, true, sized, { column: col, provingCheck: proof }),
        fix: {
          sql: modern
            ? `ALTER TABLE ${rel} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID;\n` +
              `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${check};\n` +
              `ALTER TABLE ${rel} ALTER COLUMN ${c} SET NOT NULL;\n` +
              `ALTER TABLE ${rel} DROP CONSTRAINT ${check};`
            : `ALTER TABLE ${rel} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID;\n` +
              `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${check};`,
          notes: `Pre-check: SELECT count(*) FROM ${rel} WHERE ${c} IS NULL;  -- must be 0, or VALIDATE fails. Backfill first in batches.`,
        },
      });
    }
    return out;
  },
};
export default rule;
