import { qualify, tableRef } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { arr, baseTable, isNode, lockDetails, names, qualifiedName, sizedSeverity, stmtOf, str } from '../ast.js';
import { lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'drop-table',
    category: 'migration',
    severity: 'high',
    title: 'Existing table dropped',
    rationale:
      'DROP TABLE deletes the data for good and breaks every running client that still reads or writes the table. Stop using it in the ' +
      'application first (one release), confirm it is idle, keep a backup, and drop it in a later migration.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtOf(ctx.statement.ast, 'DropStmt');
    if (!s || str(s.removeType) !== 'OBJECT_TABLE') return [];
    const out: FindingDraft[] = [];
    for (const o of arr(s.objects)) {
      const t = baseTable(ctx, qualifiedName(isNode(o) && isNode(o.List) ? names(o.List.items) : []));
      if (!t) continue;
      const sized = sizedSeverity(ctx, t, 'high', 'none');
      const rel = qualify(t.schema, t.name);
      const rows = sized.stats ? ` The target holds ~${Math.round(sized.stats.rowEstimate)} rows.` : '';
      const cascade = str(s.behavior) === 'DROP_CASCADE' ? ' CASCADE also drops the views and foreign keys that depend on it.' : '';
      out.push({
        objects: [tableRef(t)],
        severity: sized.severity,
        message:
          `\`${t.name}\` existed before this PR and is dropped: its data is gone and any running client that still uses it fails.${rows}${cascade} ` +
          'Remove every read and write from the application in an earlier release, check the table is idle, keep a copy, then drop it.',
        details: lockDetails(ctx, lockFor('drop-table', ctx.pgVersion), true, sized, { table: `${t.schema}.${t.name}` }),
        fix: {
          sql:
            `-- release N: the application stops using ${rel}; confirm it is idle (counters stop moving):\n` +
            `SELECT seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables WHERE relid = '${rel.replace(/'/g, "''")}'::regclass;\n` +
            `-- release N+1, after a backup (pg_dump --table):\n` +
            `DROP TABLE ${rel};`,
          notes: 'DROP TABLE takes ACCESS EXCLUSIVE briefly; set a lock_timeout. The rollback can recreate the table but not its rows.',
        },
      });
    }
    return out;
  },
};
export default rule;
