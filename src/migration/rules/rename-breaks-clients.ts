import { columnRef, qualify, quoteIdent, tableRef } from '../../catalog/helpers.js';
import { baseTable, lockDetails, rangeVar, sizedSeverity, stmtOf, str } from '../ast.js';
import { lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'rename-breaks-clients',
    category: 'migration',
    severity: 'high',
    title: 'Existing table or column renamed',
    rationale:
      'A rename takes effect the moment the migration commits, but the application servers still running the previous release use the ' +
      'old name and fail until they are replaced. Expand/contract avoids the gap: add the new name, keep both in sync, switch readers, ' +
      'then drop the old one; for a table, a view with the old name bridges the deploy.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtOf(ctx.statement.ast, 'RenameStmt');
    if (!s) return [];
    const type = str(s.renameType);
    if (type !== 'OBJECT_TABLE' && type !== 'OBJECT_COLUMN') return [];
    if (type === 'OBJECT_COLUMN' && str(s.relationType) !== 'OBJECT_TABLE') return [];
    const t = baseTable(ctx, rangeVar(s.relation));
    if (!t) return [];
    const newName = str(s.newname) ?? '';
    const lock = lockFor('rename', ctx.pgVersion);
    const sized = sizedSeverity(ctx, t, 'high', 'none');
    const rel = qualify(t.schema, t.name);
    if (type === 'OBJECT_TABLE') {
      const renamed = qualify(t.schema, newName);
      return [{
        objects: [tableRef(t)],
        severity: sized.severity,
        message:
          `\`${t.name}\` (existed before this PR) is renamed to \`${newName}\`: servers still running the previous release query \`${t.name}\` and fail ` +
          'until they are replaced. Keep a view under the old name for the deploy, and drop it once every client uses the new name.',
        details: lockDetails(ctx, lock, true, sized, { from: t.name, to: newName, kind: 'table' }),
        fix: {
          sql: `ALTER TABLE ${rel} RENAME TO ${quoteIdent(newName)};\nCREATE VIEW ${rel} AS SELECT * FROM ${renamed};  -- simple views are updatable\n-- next release, once no client uses the old name:\n-- DROP VIEW ${rel};`,
          notes: 'Run both statements in one transaction with a lock_timeout so there is no moment without the old name.',
        },
      }];
    }
    const col = str(s.subname) ?? '';
    const column = t.columns.find((c) => c.name === col);
    if (!column) return [];
    const c = quoteIdent(col);
    const n = quoteIdent(newName);
    return [{
      objects: [columnRef(t, col)],
      severity: sized.severity,
      message:
        `\`${t.name}.${col}\` (existed before this PR) is renamed to \`${newName}\`: servers still running the previous release read and write ` +
        `\`${col}\` and fail until they are replaced. Use expand/contract: add \`${newName}\`, backfill and dual-write, switch readers, then drop \`${col}\`.`,
      details: lockDetails(ctx, lock, true, sized, { from: col, to: newName, kind: 'column' }),
      fix: {
        sql:
          `ALTER TABLE ${rel} ADD COLUMN ${n} ${column.type};\n` +
          `-- release N: the application writes both columns; backfill in batches until 0 rows:\n` +
          `UPDATE ${rel} SET ${n} = ${c} WHERE ctid IN (SELECT ctid FROM ${rel} WHERE ${n} IS NULL AND ${c} IS NOT NULL LIMIT 10000);\n` +
          `-- release N+1: read ${n} only; release N+2:\n` +
          `ALTER TABLE ${rel} DROP COLUMN ${c};`,
        notes: 'Copy the column\'s NOT NULL, default, constraints and indexes (CONCURRENTLY) to the new column before readers switch.',
      },
    }];
  },
};
export default rule;
