import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { alterCmds, baseTable, columnDefText, isNode, lockDetails, rangeVar, sizedSeverity, stmtOf, str } from '../ast.js';
import { columnDefault, lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'add-required-column',
    category: 'migration',
    severity: 'critical',
    title: 'NOT NULL column added to an existing table without a default',
    rationale:
      'ADD COLUMN … NOT NULL with no default fails on any table that has rows ("column contains null values"), so the deploy ' +
      'breaks in production even though it passed on an empty development database. Running clients that insert without the ' +
      'new column break too.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtOf(ctx.statement.ast, 'AlterTableStmt');
    if (!s) return [];
    const t = baseTable(ctx, rangeVar(s.relation));
    if (!t) return [];
    const out: FindingDraft[] = [];
    for (const cmd of alterCmds(s)) {
      if (str(cmd.subtype) !== 'AT_AddColumn' || !isNode(cmd.def) || !isNode(cmd.def.ColumnDef)) continue;
      const def = cmd.def.ColumnDef;
      const d = columnDefault(def);
      if (!d.notNull || d.expr !== undefined || d.identity || d.generated) continue;
      const col = str(def.colname) ?? '';
      const rows = ctx.tableStats(t.schema, t.name)?.rowEstimate;
      const sized = sizedSeverity(ctx, t, 'high', 'none');
      // An empty table accepts it; a table with rows makes the deploy fail — and a table that already
      // existed in production almost always has rows, so without --target statistics assume it does.
      const severity = rows === undefined || rows > 0 ? 'critical' : 'low';
      const rel = qualify(t.schema, t.name);
      const c = quoteIdent(col);
      const type = columnDefText(ctx.statement, def)?.type || 'text';
      const check = quoteIdent(`${t.name}_${col}_not_null`.slice(0, 63));
      out.push({
        objects: [columnRef(t, col)],
        severity,
        message:
          `\`${t.name}.${col}\` is added as NOT NULL without a default to \`${t.name}\`, which existed before this PR: ` +
          (rows !== undefined && rows > 0
            ? `the target holds ~${Math.round(rows)} rows, so this deploy would fail ("column contains null values"). `
            : `on any database where the table has rows the statement fails ("column contains null values"). `) +
          `Add it with a constant default (catalog-only on PostgreSQL ≥ 11), or add it nullable, backfill, then enforce NOT NULL.`,
        details: lockDetails(ctx, lockFor('add-column', ctx.pgVersion), true, sized, { column: col, failsWithRows: true }),
        fix: {
          sql:
            `ALTER TABLE ${rel} ADD COLUMN ${c} ${type};\n` +
            `-- backfill in batches, repeating until 0 rows are updated:\n` +
            `UPDATE ${rel} SET ${c} = <value> WHERE ctid IN (SELECT ctid FROM ${rel} WHERE ${c} IS NULL LIMIT 10000);\n` +
            `ALTER TABLE ${rel} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID;\n` +
            `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${check};\n` +
            `ALTER TABLE ${rel} ALTER COLUMN ${c} SET NOT NULL;  -- no scan on PostgreSQL ≥ 12: the CHECK proves it\n` +
            `ALTER TABLE ${rel} DROP CONSTRAINT ${check};`,
          notes:
            `Replace <value> with the backfill value. When one constant suits every existing row, the simplest safe form is ` +
            `ALTER TABLE ${rel} ADD COLUMN ${c} ${type} NOT NULL DEFAULT <value>; (catalog-only on PostgreSQL ≥ 11). ` +
            `Deploy the application code that writes the column before enforcing NOT NULL.`,
        },
      });
    }
    return out;
  },
};
export default rule;
