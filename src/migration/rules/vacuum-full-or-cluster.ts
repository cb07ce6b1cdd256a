import { qualify, tableRef } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { arr, baseTable, inTransaction, isNode, lockDetails, rangeVar, sizedSeverity, stmtKind, str, type RelName } from '../ast.js';
import { lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'vacuum-full-or-cluster',
    category: 'migration',
    severity: 'high',
    title: 'VACUUM FULL or CLUSTER in a migration',
    rationale:
      'VACUUM FULL and CLUSTER copy the whole table and rebuild its indexes under an ACCESS EXCLUSIVE lock, needing free disk for a ' +
      'second copy. On a production table that is an outage as long as the copy. pg_repack or pg_squeeze do the same online; a plain ' +
      'VACUUM reclaims space for reuse without blocking.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtKind(ctx.statement.ast);
    if (!s) return [];
    let targets: Array<RelName | null> = [];
    let what = '';
    if (s.kind === 'VacuumStmt') {
      const full = arr(s.body.options).some((o) => isNode(o) && isNode(o.DefElem) && str(o.DefElem.defname) === 'full');
      if (!full || s.body.is_vacuumcmd === false) return [];
      targets = arr(s.body.rels).map((r) => rangeVar(isNode(r) && isNode(r.VacuumRelation) ? r.VacuumRelation.relation : null));
      what = 'VACUUM FULL';
    } else if (s.kind === 'ClusterStmt') {
      targets = [rangeVar(s.body.relation)];
      what = 'CLUSTER';
    } else return [];
    const tx = inTransaction(ctx) && what === 'VACUUM FULL';
    const tables = targets.length === 0 ? ctx.before.tables.filter((t) => t.origin === 'user' && ctx.baseTables.has(`${t.schema}.${t.name}`)) : targets.map((r) => baseTable(ctx, r)).filter((t) => t !== null);
    const out: FindingDraft[] = [];
    for (const t of tables) {
      const op = what === 'CLUSTER' ? 'cluster' : 'vacuum-full';
      const sized = sizedSeverity(ctx, t, 'high', 'rewrite');
      const rel = qualify(t.schema, t.name);
      out.push({
        objects: [tableRef(t)],
        severity: tx ? 'critical' : sized.severity,
        message:
          (tx ? `\`VACUUM\` cannot run inside a transaction block, so this deploy would fail. ` : '') +
          `\`${what}\` copies \`${t.name}\` (existed before this PR) and rebuilds its indexes under an ACCESS EXCLUSIVE lock: reads and writes wait ` +
          `for the whole copy, and it needs free disk for a second copy.${sized.sentence} Use pg_repack (online) or a plain VACUUM (ANALYZE), outside the migration.`,
        details: lockDetails(ctx, lockFor(op, ctx.pgVersion), true, sized, { command: what, failsInTransaction: tx }),
        fix: {
          sql: `VACUUM (ANALYZE) ${rel};  -- reclaims dead rows for reuse without blocking reads or writes\n-- to shrink the file online: pg_repack --table=${t.schema}.${t.name} <database>`,
          notes: 'Run maintenance as an operational task, not in a schema migration; pg_repack needs its extension installed and takes only brief locks.',
        },
      });
    }
    return out;
  },
};
export default rule;
