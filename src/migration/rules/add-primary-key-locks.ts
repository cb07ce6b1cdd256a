import { constraintRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { alterCmds, baseTable, lockDetails, rangeVar, sizedSeverity, stmtOf, str } from '../ast.js';
import { addedConstraint } from '../constraints.js';
import { lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'add-primary-key-locks',
    category: 'migration',
    severity: 'high',
    title: 'PRIMARY KEY added to an existing table under an ACCESS EXCLUSIVE lock',
    rationale:
      'ADD PRIMARY KEY builds a unique index and sets NOT NULL on its columns (a full scan each) while holding ACCESS EXCLUSIVE: the ' +
      'table is unreadable and unwritable meanwhile. Prove NOT NULL with a validated CHECK, build the index CONCURRENTLY and attach it ' +
      'with ADD CONSTRAINT … PRIMARY KEY USING INDEX.',
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
      if (!added || str(added.node.contype) !== 'CONSTR_PRIMARY') continue;
      const usingIndex = str(added.node.indexname);
      const nullable = added.columns.filter((c) => t.columns.find((x) => x.name === c)?.notNull === false);
      // USING INDEX on NOT NULL columns is the safe path already
      if (usingIndex && nullable.length === 0) continue;
      const lock = lockFor(usingIndex ? 'set-not-null' : 'add-primary-key', ctx.pgVersion);
      const sized = sizedSeverity(ctx, t, 'high', 'scan');
      const rel = qualify(t.schema, t.name);
      const name = quoteIdent(added.name);
      const cols = added.columns.map(quoteIdent).join(', ');
      const checks = nullable.map((c) => {
        const chk = quoteIdent(`${t.name}_${c}_not_null`.slice(0, 63));
        return `ALTER TABLE ${rel} ADD CONSTRAINT ${chk} CHECK (${quoteIdent(c)} IS NOT NULL) NOT VALID;\n` +
          `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${chk};\n` +
          `ALTER TABLE ${rel} ALTER COLUMN ${quoteIdent(c)} SET NOT NULL;  -- no scan on PostgreSQL ≥ 12\n` +
          `ALTER TABLE ${rel} DROP CONSTRAINT ${chk};\n`;
      }).join('');
      out.push({
        objects: [constraintRef(t, { name: added.name })],
        severity: sized.severity,
        message:
          `\`PRIMARY KEY\` (${added.columns.join(', ')}) on \`${t.name}\`, which existed before this PR, ` +
          (usingIndex ? `sets NOT NULL on ${nullable.join(', ')} with a full scan` : 'builds its unique index' + (nullable.length ? ` and scans for NULLs in ${nullable.join(', ')}` : '')) +
          ` under an ACCESS EXCLUSIVE lock: reads and writes wait.${sized.sentence} ` +
          'Prove NOT NULL with a validated CHECK, build the index CONCURRENTLY, then attach it with PRIMARY KEY USING INDEX.',
        details: lockDetails(ctx, lock, true, sized, { constraint: added.name, columns: added.columns, nullableColumns: nullable }),
        fix: {
          sql: checks +
            (usingIndex ? '' : `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${rel} (${cols});\n`) +
            `ALTER TABLE ${rel} ADD CONSTRAINT ${name} PRIMARY KEY USING INDEX ${usingIndex ? quoteIdent(usingIndex) : name};`,
          notes:
            'CREATE INDEX CONCURRENTLY must run outside a transaction block. Pre-check: ' +
            `SELECT ${cols}, count(*) FROM ${rel} GROUP BY ${cols} HAVING count(*) > 1 LIMIT 20;  -- duplicates or NULLs make the key fail.`,
        },
      });
    }
    return out;
  },
};
export default rule;
