import { columnRef, qualify, quoteIdent, quoteLiteral } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { alterCmds, baseTable, columnDefText, isNode, lockDetails, rangeVar, sizedSeverity, stmtOf, str } from '../ast.js';
import { addColumnOperation, columnDefault, lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'add-column-rewrites-table',
    category: 'migration',
    severity: 'high',
    title: 'ADD COLUMN rewrites an existing table',
    rationale:
      'A column whose default is volatile (gen_random_uuid(), random(), clock_timestamp(), a serial or identity) — or any default ' +
      'before PostgreSQL 11 — is written into every existing row: the whole table is rewritten under an ACCESS EXCLUSIVE lock.',
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
      const op = addColumnOperation(def, ctx.before);
      const lock = lockFor(op, ctx.pgVersion);
      if (!lock.rewrites) continue;
      const col = str(def.colname) ?? '';
      const d = columnDefault(def);
      const sized = sizedSeverity(ctx, t, 'high', 'rewrite');
      const rel = qualify(t.schema, t.name);
      const c = quoteIdent(col);
      const why = op === 'add-column-volatile-default'
        ? d.identity || d.generated ? 'an identity, serial or stored generated column is computed for every existing row'
          : 'its default is volatile, so it is evaluated for every existing row'
        : `on PostgreSQL ${ctx.pgVersion} (before 11) any default is written into every existing row`;
      const text = columnDefText(ctx.statement, def);
      const type = text?.type || 'text';
      const value = text?.default ?? (d.identity ? `nextval(${quoteLiteral(`${t.name}_${col}_seq`)})` : 'NULL');
      const sql = d.generated || (d.identity && !text?.default)
        ? `-- identity and stored generated columns are computed for every row; add a plain column and fill it instead:\n` +
          `ALTER TABLE ${rel} ADD COLUMN ${c} ${type.replace(/\bGENERATED\b[\s\S]*$/i, '').replace(/\b(big|small)?serial\b/i, (m) => m.toLowerCase().startsWith('big') ? 'bigint' : m.toLowerCase().startsWith('small') ? 'smallint' : 'integer').trim()};\n` +
          `-- backfill in batches of ~10k rows, repeating until 0 rows are updated`
        : `ALTER TABLE ${rel} ADD COLUMN ${c} ${type};  -- nullable, no default: catalog-only\n` +
          `ALTER TABLE ${rel} ALTER COLUMN ${c} SET DEFAULT ${value};  -- new rows only\n` +
          `-- backfill existing rows in batches, repeating until 0 rows are updated:\n` +
          `UPDATE ${rel} SET ${c} = ${value} WHERE ctid IN (SELECT ctid FROM ${rel} WHERE ${c} IS NULL LIMIT 10000);`;
      out.push({
        objects: [columnRef(t, col)],
        severity: sized.severity,
        message:
          `Adding \`${t.name}.${col}\` rewrites \`${t.name}\` (existed before this PR) under an ACCESS EXCLUSIVE lock: ${why}. ` +
          `Reads and writes wait until the rewrite finishes.${sized.sentence} Add the column without a default, set the default for new rows, ` +
          `and backfill existing rows in batches.`,
        details: lockDetails(ctx, lock, true, sized, { column: col, operation: op }),
        fix: {
          sql,
          notes:
            'Each step holds ACCESS EXCLUSIVE only briefly; the batched UPDATE takes row locks only. Add NOT NULL afterwards the lock-safe way ' +
            '(CHECK … NOT VALID, VALIDATE, SET NOT NULL). Run VACUUM (ANALYZE) after the backfill.',
        },
      });
    }
    return out;
  },
};
export default rule;
