import { constraintRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { alterCmds, baseTable, lockDetails, rangeVar, sizedSeverity, stmtOf, str } from '../ast.js';
import { addedConstraint } from '../constraints.js';
import { lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'unique-constraint-not-concurrent',
    category: 'migration',
    severity: 'high',
    title: 'UNIQUE constraint builds its index under an ACCESS EXCLUSIVE lock',
    rationale:
      'ADD CONSTRAINT … UNIQUE builds a unique index while holding ACCESS EXCLUSIVE on the table: no reads, no writes until it is done. ' +
      'Build the index with CREATE UNIQUE INDEX CONCURRENTLY, then attach it with ADD CONSTRAINT … UNIQUE USING INDEX, which is instant.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtOf(ctx.statement.ast, 'AlterTableStmt');
    if (!s) return [];
    const t = baseTable(ctx, rangeVar(s.relation));
    if (!t) return [];
    const out: FindingDraft[] = [];
    for (const cmd of alterCmds(s)) {
      const added = addedConstraint(ctx.statement, cmd, t.name);
      if (!added || str(added.node.contype) !== 'CONSTR_UNIQUE' || str(added.node.indexname)) continue;
      const lock = lockFor('add-unique', ctx.pgVersion);
      const sized = sizedSeverity(ctx, t, 'high', 'scan');
      const rel = qualify(t.schema, t.name);
      const name = quoteIdent(added.name);
      const cols = added.columns.map(quoteIdent).join(', ');
      out.push({
        objects: [constraintRef(t, { name: added.name })],
        severity: sized.severity,
        message:
          `\`UNIQUE ${added.name}\` (${added.columns.join(', ')}) on \`${t.name}\`, which existed before this PR, builds its index under an ACCESS EXCLUSIVE ` +
          `lock: reads and writes of \`${t.name}\` wait until it is built.${sized.sentence} Build the index CONCURRENTLY and attach it with USING INDEX.`,
        details: lockDetails(ctx, lock, true, sized, { constraint: added.name, columns: added.columns }),
        fix: {
          sql: `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${rel} (${cols});\nALTER TABLE ${rel} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${name};`,
          notes:
            'The CONCURRENTLY build must run outside a transaction block. Pre-check duplicates first: ' +
            `SELECT ${cols}, count(*) FROM ${rel} GROUP BY ${cols} HAVING count(*) > 1 LIMIT 20;  -- a duplicate leaves an INVALID index to drop and retry.`,
        },
      });
    }
    return out;
  },
};
export default rule;
