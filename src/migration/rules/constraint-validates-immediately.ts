import { constraintRef, findTable, qualify, quoteIdent } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { alterCmds, baseTable, names, lockDetails, rangeVar, relKey, sizedSeverity, stmtOf, str } from '../ast.js';
import { addedConstraint } from '../constraints.js';
import { lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'constraint-validates-immediately',
    category: 'migration',
    severity: 'high',
    title: 'Constraint added to an existing table without NOT VALID',
    rationale:
      'ADD FOREIGN KEY and ADD CHECK validate every existing row while holding a lock: SHARE ROW EXCLUSIVE on both tables for a foreign ' +
      'key (writes wait), ACCESS EXCLUSIVE for a CHECK (everything waits). Adding it NOT VALID is instant and still checks new rows; ' +
      'VALIDATE CONSTRAINT later scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes continue.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtOf(ctx.statement.ast, 'AlterTableStmt');
    if (!s) return [];
    const rel = rangeVar(s.relation);
    const t = baseTable(ctx, rel);
    if (!t || !rel) return [];
    const out: FindingDraft[] = [];
    for (const cmd of alterCmds(s)) {
      const added = addedConstraint(ctx.statement, cmd, t.name);
      if (!added) continue;
      const kind = str(added.node.contype);
      if ((kind !== 'CONSTR_FOREIGN' && kind !== 'CONSTR_CHECK') || added.node.skip_validation === true) continue;
      const fk = kind === 'CONSTR_FOREIGN';
      const ref = fk ? rangeVar(added.node.pktable) : null;
      const lock = lockFor(fk ? 'add-foreign-key' : 'add-check', ctx.pgVersion);
      const sized = sizedSeverity(ctx, t, 'high', 'scan');
      const relSql = qualify(t.schema, t.name);
      const name = quoteIdent(added.name);
      const text = added.text ?? `CONSTRAINT ${name} ${fk ? 'FOREIGN KEY (…) REFERENCES …' : 'CHECK (…)'}`;
      const pkCols = names(added.node.pk_attrs).length > 0 ? names(added.node.pk_attrs)
        : (ref ? findTable(ctx.before, ref.schema, ref.name)?.constraints.find((k) => k.type === 'primary key')?.columns ?? ['id'] : ['id']);
      const refNote = ref && relKey(ref) !== relKey(rel) ? ` and on \`${ref.name}\`` : '';
      out.push({
        objects: [constraintRef(t, { name: added.name })],
        severity: sized.severity,
        message:
          `\`${fk ? 'FOREIGN KEY' : 'CHECK'} ${added.name}\` is added to \`${t.name}\` (existed before this PR) without NOT VALID: every existing row ` +
          `is checked while ${lock.lock} is held on \`${t.name}\`${refNote} (${lock.note}).${sized.sentence} ` +
          `Add it NOT VALID, then VALIDATE CONSTRAINT in a separate statement.`,
        details: lockDetails(ctx, lock, true, sized, { constraint: added.name, kind: fk ? 'foreign key' : 'check', references: ref ? relKey(ref) : null }),
        fix: {
          sql: `ALTER TABLE ${relSql} ADD ${text} NOT VALID;\nALTER TABLE ${relSql} VALIDATE CONSTRAINT ${name};`,
          notes:
            'NOT VALID takes its lock only for an instant and enforces the rule for new rows; VALIDATE scans under SHARE UPDATE EXCLUSIVE ' +
            '(reads and writes continue). Run VALIDATE outside the transaction of the ADD, ideally in the next migration. ' +
            (fk
              ? `Pre-check for orphans: SELECT count(*) FROM ${relSql} c WHERE ${added.columns.map((col) => `c.${quoteIdent(col)} IS NOT NULL`).join(' AND ') || 'true'} AND NOT EXISTS (SELECT 1 FROM ${ref ? qualify(ref.schema, ref.name) : 'parent'} p WHERE ${pkCols.map((pc, i) => `p.${quoteIdent(pc)} = c.${quoteIdent(added.columns[i] ?? pc)}`).join(' AND ')});`
              : `Pre-check: SELECT count(*) FROM ${relSql} WHERE NOT (<the CHECK expression>);  -- must be 0, or VALIDATE fails.`),
        },
      });
    }
    return out;
  },
};
export default rule;
