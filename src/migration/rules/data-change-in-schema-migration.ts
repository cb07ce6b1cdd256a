import { qualify, tableRef } from '../../catalog/helpers.js';
import { baseTable, lockDetails, rangeVar, sizedSeverity, stmtKind } from '../ast.js';
import { lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'data-change-in-schema-migration',
    category: 'migration',
    severity: 'medium',
    title: 'Data changed in a schema migration',
    rationale:
      'An UPDATE or DELETE in a migration runs as one statement over production data: it locks every row it touches until the ' +
      'migration commits, bloats the table, and holds any DDL locks of the same transaction for the whole time. Backfills belong in ' +
      'batches, outside the schema change.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtKind(ctx.statement.ast);
    if (!s || !['InsertStmt', 'UpdateStmt', 'DeleteStmt'].includes(s.kind)) return [];
    const t = baseTable(ctx, rangeVar(s.body.relation));
    // rows written into a table created by this PR are seed data, not a change to existing data
    if (!t) return [];
    const verb = s.kind === 'InsertStmt' ? 'INSERT' : s.kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
    const everyRow = verb !== 'INSERT' && s.body.whereClause === undefined;
    const base = verb === 'INSERT' ? 'low' : everyRow ? 'high' : 'medium';
    const sized = sizedSeverity(ctx, t, base, verb === 'INSERT' ? 'none' : 'scan');
    const rel = qualify(t.schema, t.name);
    const setText = verb === 'UPDATE' ? (/\bSET\s+([\s\S]*?)(\s+WHERE\s|\s+FROM\s|$)/i.exec(ctx.statement.sql)?.[1] ?? 'col = value') : '';
    const where = verb === 'INSERT' ? '' : /\bWHERE\s+([\s\S]*)$/i.exec(ctx.statement.sql)?.[1]?.trim();
    const cond = where ? `(${where})` : 'true';
    const batched = verb === 'UPDATE'
      ? `UPDATE ${rel} SET ${setText} WHERE ctid IN (SELECT ctid FROM ${rel} WHERE ${cond} LIMIT 10000);`
      : `DELETE FROM ${rel} WHERE ctid IN (SELECT ctid FROM ${rel} WHERE ${cond} LIMIT 10000);`;
    return [{
      objects: [tableRef(t)],
      severity: sized.severity,
      message: verb === 'INSERT'
        ? `\`INSERT INTO ${t.name}\` writes rows into a table that existed before this PR from a schema migration: production may already hold ` +
          'conflicting rows, and reference data is easier to review as an idempotent upsert (ON CONFLICT DO NOTHING).'
        : `\`${verb} ${t.name}\` ${everyRow ? 'touches every row' : 'changes existing rows'} of a table that existed before this PR in one statement: ` +
          `each row stays locked until the migration commits and the table bloats.${sized.sentence} ` +
          'Backfill in batches from a separate script (or a migration without a transaction), committing between batches.',
      details: lockDetails(ctx, lockFor('dml', ctx.pgVersion), true, sized, { statement: verb, everyRow }),
      fix: verb === 'INSERT'
        ? { sql: `${ctx.statement.sql.replace(/;\s*$/, '')}\nON CONFLICT DO NOTHING;`, notes: 'Only valid when the INSERT has no ON CONFLICT clause yet and the table has a unique key to conflict on.' }
        : { sql: `-- repeat until it reports 0 rows, committing between batches:\n${batched}`, notes: 'Pause briefly between batches on a busy primary, and run VACUUM (ANALYZE) afterwards.' },
    }];
  },
};
export default rule;
