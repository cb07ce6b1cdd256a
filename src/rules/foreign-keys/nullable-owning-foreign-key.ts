import { nameWords } from '../lexicon.js';
import type { Constraint, Table } from '../../catalog/model.js';
import { columnRef, constraintRef, isPartition, qualify, quoteIdent, userTables } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { columnLabel, tableLabel, truncateIdentifier } from '../keys/shared.js';
import { foreignKeyLabel, isJunctionTable, ownForeignKeys } from './shared.js';

/** A CHECK that mentions the column (`num_nonnulls(a, b) = 1`, `a IS NOT NULL OR …`) already governs when it may be NULL. */
function checkGoverns(table: Table, column: string): boolean {
  return table.constraints.some((c) => c.type === 'check' && (c.columns.includes(column) || new RegExp(`\\b${column.replace(/[^\w]/g, '')}\\b`).test(c.definition)));
}

/** `created_by`, `approvedBy`, `changed_by_id`: a reference to the person who did something. */
function isActorColumn(name: string): boolean {
  const words = nameWords(name);
  const last = words[words.length - 1] === 'id' ? words[words.length - 2] : words[words.length - 1];
  return last === 'by';
}

export default defineRule({
  meta: {
    id: 'nullable-owning-foreign-key',
    category: 'foreign-keys',
    severity: 'medium',
    title: 'Owning foreign key allows NULL',
    rationale:
      'ON DELETE CASCADE says the child belongs to its parent and dies with it; a child that belongs to something must always have it. '
      + 'A nullable owning column lets orphans in that the cascade never cleans up, and a junction row with a NULL side links nothing.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const table of userTables(catalog)) {
      if (isPartition(table)) continue;
      const junction = isJunctionTable(table);
      const fks = ownForeignKeys(table);
      const owningNullable = fks.filter((fk) => fk.references?.onDelete === 'cascade' && fk.columns.some((c) => !table.columns.find((x) => x.name === c)?.notNull));
      for (const fk of fks) {
        const ref = fk.references;
        if (!ref) continue;
        const owning = ref.onDelete === 'cascade';
        // SET NULL / SET DEFAULT need the column nullable to work at all.
        if (!owning && (!junction || ref.onDelete === 'set null' || ref.onDelete === 'set default')) continue;
        // A self-reference is a tree: the roots have no parent by design.
        if (ref.schema === table.schema && ref.table === table.name) continue;
        // `changed_by`, `created_by_id`: who acted, not who owns the row. NULL (system, deleted user) is
        // legitimate there, and the cascade itself is the problem (cascade-into-protected-data), not the NULL.
        if (!junction && fk.columns.every(isActorColumn)) continue;
        const nullable = fk.columns.filter((c) => table.columns.find((x) => x.name === c)?.notNull === false && !checkGoverns(table, c));
        if (nullable.length === 0) continue;
        const arc = owning && owningNullable.length > 1
          ? ` If exactly one of ${owningNullable.flatMap((c: Constraint) => c.columns).join(', ')} is set per row (an exclusive arc), declare that instead: CHECK (num_nonnulls(${owningNullable.flatMap((c: Constraint) => c.columns).map(quoteIdent).join(', ')}) = 1).`
          : '';
        const t = qualify(table.schema, table.name);
        const lines: string[] = [];
        const checks: string[] = [];
        for (const c of nullable) {
          const check = truncateIdentifier(`${table.name}_${c}_not_null`);
          checks.push(`SELECT count(*) FROM ${t} WHERE ${quoteIdent(c)} IS NULL;`);
          lines.push(
            `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(check)} CHECK (${quoteIdent(c)} IS NOT NULL) NOT VALID;`,
            `ALTER TABLE ${t} VALIDATE CONSTRAINT ${quoteIdent(check)};`,
            `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(c)} SET NOT NULL;`,
            `ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(check)};`,
          );
        }
        const why = owning
          ? `it is ON DELETE CASCADE, so ${tableLabel(table)} rows are owned by their ${ref.table} row, yet ${nullable.length === 1 ? 'the column is' : 'the columns are'} nullable and rows can exist without an owner`
          : `${tableLabel(table)} is a junction table, and a link with a NULL side links nothing`;
        out.push({
          objects: [...nullable.map((c) => columnRef(table, c)), constraintRef(table, fk)],
          message: `\`${nullable.map((c) => columnLabel(table, c)).join('`, `')}\` (foreign key ${fk.name}, \`${foreignKeyLabel(table, fk)}\`) allows NULL: ${why}. Make it NOT NULL.${arc}`,
          details: { constraint: fk.name, columns: nullable, onDelete: ref.onDelete, junction },
          fix: {
            sql: lines.join('\n'),
            notes: `Pre-check (must return 0; delete or re-parent those rows first): ${checks.join(' ')} `
              + 'A plain SET NOT NULL scans the table under ACCESS EXCLUSIVE; the NOT VALID CHECK, validated without blocking writes, lets SET NOT NULL skip that scan (PG 12+).',
          },
        });
      }
    }
    return out;
  },
});
