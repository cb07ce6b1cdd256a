import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { alterCmds, baseTable, isNode, lockDetails, rangeVar, sizedSeverity, stmtOf, str } from '../ast.js';
import { lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'drop-column',
    category: 'migration',
    severity: 'high',
    title: 'Column dropped from an existing table',
    rationale:
      'DROP COLUMN is instant but final: the data is gone, and application servers still running the previous release fail on ' +
      'queries that name the column (ORMs that list every column fail on every query of the table). Stop reading and writing it first, ' +
      'deploy, then drop it in a later migration.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtOf(ctx.statement.ast, 'AlterTableStmt');
    if (!s) return [];
    const t = baseTable(ctx, rangeVar(s.relation));
    if (!t) return [];
    const out: FindingDraft[] = [];
    for (const cmd of alterCmds(s)) {
      if (str(cmd.subtype) !== 'AT_DropColumn') continue;
      const col = str(cmd.name) ?? '';
      const column = t.columns.find((c) => c.name === col);
      if (!column) continue;
      // a column added earlier in the same PR never reached a client
      const addedInPr = ctx.previous.some((p) => {
        const a = stmtOf(p.ast, 'AlterTableStmt');
        const r = a ? rangeVar(a.relation) : null;
        return a !== null && r !== null && r.schema === t.schema && r.name === t.name &&
          alterCmds(a).some((c) => str(c.subtype) === 'AT_AddColumn' && isNode(c.def) && isNode(c.def.ColumnDef) && str(c.def.ColumnDef.colname) === col);
      });
      if (addedInPr) continue;
      const sized = sizedSeverity(ctx, t, 'high', 'none');
      const rel = qualify(t.schema, t.name);
      out.push({
        objects: [columnRef(t, col)],
        severity: sized.severity,
        message:
          `\`${t.name}.${col}\` (${column.type}) existed before this PR and is dropped: its data is lost, and servers still running the previous ` +
          `release fail on queries that name it.${sized.sentence} Remove it from the application (and the ORM model) in one release, then drop it in the next.`,
        details: lockDetails(ctx, lockFor('drop-column', ctx.pgVersion), true, sized, { column: col, type: column.type }),
        fix: {
          sql:
            `-- release N: stop reading and writing ${quoteIdent(col)} (Prisma: remove the field; Rails: ignored_columns) and deploy.\n` +
            `-- release N+1:\n` +
            `ALTER TABLE ${rel} DROP COLUMN ${quoteIdent(col)};`,
          notes: 'DROP COLUMN takes ACCESS EXCLUSIVE briefly and does not rewrite the table; set a lock_timeout. Copy the values out first if they may be needed.',
        },
      });
    }
    return out;
  },
};
export default rule;
