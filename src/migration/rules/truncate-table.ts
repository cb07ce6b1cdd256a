import { qualify, tableRef } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { arr, baseTable, isNode, lockDetails, rangeVar, sizedSeverity, stmtOf } from '../ast.js';
import { lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'truncate-table',
    category: 'migration',
    severity: 'high',
    title: 'Existing table truncated in a migration',
    rationale:
      'TRUNCATE deletes every row of the table in production, where it holds real data, and takes an ACCESS EXCLUSIVE lock. A ' +
      'migration that passed on a development database full of test rows destroys real data when it runs for real.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtOf(ctx.statement.ast, 'TruncateStmt');
    if (!s) return [];
    const out: FindingDraft[] = [];
    for (const r of arr(s.relations)) {
      const t = baseTable(ctx, rangeVar(isNode(r) ? r.RangeVar : null));
      if (!t) continue;
      const sized = sizedSeverity(ctx, t, 'high', 'none');
      const rel = qualify(t.schema, t.name);
      out.push({
        objects: [tableRef(t)],
        severity: sized.severity,
        message:
          `\`TRUNCATE ${t.name}\` deletes every row of a table that existed before this PR, in production too, under an ACCESS EXCLUSIVE lock.` +
          `${sized.stats ? ` The target holds ~${Math.round(sized.stats.rowEstimate)} rows.` : ''} If only some rows must go, delete them in batches with a WHERE; ` +
          'if the table really is disposable, say so in a comment and run it as an operational task, not a schema migration.',
        details: lockDetails(ctx, lockFor('truncate', ctx.pgVersion), true, sized),
        fix: {
          sql: `-- delete only what must go, in batches, repeating until 0 rows:\nDELETE FROM ${rel} WHERE ctid IN (SELECT ctid FROM ${rel} WHERE <condition> LIMIT 10000);`,
          notes: 'Back the table up first (pg_dump --table). The rollback cannot bring the rows back.',
        },
      });
    }
    return out;
  },
};
export default rule;
