import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { alterCmds, baseTable, lockDetails, rangeVar, sizedSeverity, stmtOf, str } from '../ast.js';
import { lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';
import type { Table } from '../../catalog/model.js';

/** A validated CHECK that proves the column is never NULL: `CHECK ((col IS NOT NULL))`. */
function provingCheck(t: Table, col: string): string | null {
  const re = new RegExp(`^CHECK \\(\\(?"?${col.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"? IS NOT NULL\\)?\\)$`, 'i');
  return t.constraints.find((c) => c.type === 'check' && c.validated && re.test(c.definition.trim()))?.name ?? null;
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
