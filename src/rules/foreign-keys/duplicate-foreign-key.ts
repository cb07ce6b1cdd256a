import type { Constraint } from '../../catalog/model.js';
import { constraintRef, isPartition, qualify, quoteIdent, tableRef, userTables } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { tableLabel, truncateIdentifier } from '../keys/shared.js';
import { foreignKeyLabel, ownForeignKeys } from './shared.js';

/** Column pairs as a set: (a, b) → (x, y) and (b, a) → (y, x) are the same reference. */
function referenceKey(c: Constraint): string {
  const ref = c.references;
  if (!ref) return '';
  const pairs = c.columns.map((col, i) => `${col}=${ref.columns[i] ?? ''}`).sort();
  return `${ref.schema}.${ref.table}:${pairs.join(',')}`;
}

function behaviour(c: Constraint): string {
  const ref = c.references;
  if (!ref) return '';
  return `ON DELETE ${ref.onDelete.toUpperCase()}, ON UPDATE ${ref.onUpdate.toUpperCase()}${ref.match === 'full' ? ', MATCH FULL' : ''}${c.deferrable ? c.deferred ? ', DEFERRABLE INITIALLY DEFERRED' : ', DEFERRABLE' : ''}`;
}

export default defineRule({
  meta: {
    id: 'duplicate-foreign-key',
    category: 'foreign-keys',
    severity: 'low',
    title: 'The same foreign key is declared twice',
    rationale:
      'Two foreign keys on the same columns to the same target double the integrity-check work on every insert, update and parent delete. '
      + 'When their ON DELETE actions differ, which one wins depends on trigger order, and migrations tend to change one and forget the other.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const table of userTables(catalog)) {
      if (isPartition(table)) continue;
      const groups = new Map<string, Constraint[]>();
      for (const fk of ownForeignKeys(table)) {
        const key = referenceKey(fk);
        groups.set(key, [...(groups.get(key) ?? []), fk]);
      }
      for (const group of groups.values()) {
        if (group.length < 2) continue;
        // Keep the one Postgres would have named itself, else the first declared.
        const conventional = truncateIdentifier(`${table.name}_${(group[0] as Constraint).columns.join('_')}_fkey`);
        const keep = group.find((c) => c.name === conventional) ?? (group[0] as Constraint);
        for (const dup of group) {
          if (dup === keep) continue;
          const same = behaviour(dup) === behaviour(keep);
          out.push({
            objects: [constraintRef(table, dup), constraintRef(table, keep), tableRef(table)],
            message: `Foreign key ${dup.name} duplicates ${keep.name} on ${tableLabel(table)} (both \`${foreignKeyLabel(table, dup)}\`). `
              + (same
                ? `They behave identically (${behaviour(keep)}): drop ${dup.name}.`
                : `They disagree: ${dup.name} says ${behaviour(dup)}, ${keep.name} says ${behaviour(keep)}. Decide which behaviour you want, then drop the other one.`),
            details: { duplicate: dup.name, kept: keep.name, columns: dup.columns, sameBehaviour: same },
            fix: {
              sql: `ALTER TABLE ${qualify(table.schema, table.name)} DROP CONSTRAINT ${quoteIdent(dup.name)};`,
              notes: 'Dropping a foreign key takes ACCESS EXCLUSIVE on both tables for a moment and scans nothing; set lock_timeout so it does not queue behind long transactions.'
                + (same ? '' : ` Check first which action the application relies on: this keeps ${keep.name} (${behaviour(keep)}).`),
            },
          });
        }
      }
    }
    return out;
  },
});
