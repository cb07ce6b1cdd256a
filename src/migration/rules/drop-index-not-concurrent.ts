import { quoteIdent } from '../../catalog/helpers.js';
import { findTable } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { arr, baseTable, isNode, lockDetails, names, qualifiedName, relSql, sizedSeverity, stmtOf, str } from '../ast.js';
import { indexTable, lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'drop-index-not-concurrent',
    category: 'migration',
    severity: 'medium',
    title: 'Index dropped on an existing table without CONCURRENTLY',
    rationale:
      'DROP INDEX takes an ACCESS EXCLUSIVE lock on the table. The drop itself is quick, but it queues behind any running ' +
      'query and every later query queues behind it. DROP INDEX CONCURRENTLY waits for readers without blocking them.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtOf(ctx.statement.ast, 'DropStmt');
    if (!s || str(s.removeType) !== 'OBJECT_INDEX' || s.concurrent === true) return [];
    const out: FindingDraft[] = [];
    for (const o of arr(s.objects)) {
      const idx = qualifiedName(isNode(o) && isNode(o.List) ? names(o.List.items) : []);
      if (!idx) continue;
      const t = baseTable(ctx, indexTable(ctx.before, idx));
      if (!t) continue;
      const index = findTable(ctx.before, t.schema, t.name)?.indexes.find((i) => i.name === idx.name);
      // Postgres refuses to drop an index that backs a constraint; the apply step reports that.
      if (!index || index.constraint) continue;
      const lock = lockFor('drop-index', ctx.pgVersion);
      const sized = sizedSeverity(ctx, t, 'medium', 'none');
      const ifExists = s.missing_ok === true ? 'IF EXISTS ' : '';
      out.push({
        objects: [{ kind: 'index', schema: t.schema, table: t.name, name: idx.name }],
        severity: sized.severity,
        message:
          `\`DROP INDEX ${idx.name}\` takes an ACCESS EXCLUSIVE lock on \`${t.name}\` (existed before this PR): while it waits for running ` +
          `queries, every read and write of \`${t.name}\` queues behind it.${sized.sentence} Use DROP INDEX CONCURRENTLY outside a transaction.`,
        details: lockDetails(ctx, lock, true, sized, { index: idx.name, table: relSql(t) }),
        fix: {
          sql: `DROP INDEX CONCURRENTLY ${ifExists}${idx.schema === 'public' ? quoteIdent(idx.name) : `${quoteIdent(idx.schema)}.${quoteIdent(idx.name)}`};`,
          notes: 'CONCURRENTLY cannot run in a transaction block and drops one index per statement; put it in a migration run without a transaction.',
        },
      });
    }
    return out;
  },
};
export default rule;
