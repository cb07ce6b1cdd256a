import type { Catalog, Constraint, Index, Table } from '../../catalog/model.js';
import { columnRef, constraintRef, isPartition, tableRef, userTables } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { columnListSql, columnNameParts, createIndexDdl } from '../indexes/shared.js';
import { tableLabel } from '../keys/shared.js';
import { coveringIndexes, foreignKeyLabel, ownForeignKeys } from './shared.js';

/** Why an index that mentions the FK columns still cannot serve the lookup. */
function nearMiss(index: Index, columns: string[]): string | null {
  const keyCols = index.keys.map((k) => k.column);
  if (!columns.every((c) => keyCols.includes(c) || index.include.includes(c))) return null;
  if (!index.valid) return `${index.name} is INVALID (a failed concurrent build)`;
  if (columns.some((c) => index.include.includes(c))) return `${index.name} has ${columns.join(', ')} only as INCLUDE columns`;
  if (index.method === 'brin') return `${index.name} is a BRIN index, too coarse for row lookups`;
  const positions = columns.map((c) => keyCols.indexOf(c) + 1);
  if (Math.max(...positions) > columns.length) {
    return `${index.name} has ${columns.join(', ')} at key position ${positions.join(', ')} of (${index.keys.map((k) => k.expression).join(', ')}), not leading`;
  }
  if (index.predicate !== null) return `${index.name} is partial (WHERE ${index.predicate}), so it misses rows a parent delete must find`;
  return null;
}

function finding(catalog: Catalog, table: Table, fk: Constraint): FindingDraft {
  const ref = fk.references;
  const misses = table.indexes.map((i) => nearMiss(i, fk.columns)).filter((m): m is string => m !== null);
  const ddl = createIndexDdl(catalog, table, { nameParts: columnNameParts(fk.columns), keys: columnListSql(fk.columns) });
  const parent = ref ? tableLabel({ schema: ref.schema, name: ref.table }) : 'the parent';
  const cascade = ref && ref.onDelete !== 'no action' && ref.onDelete !== 'restrict' ? ` (ON DELETE ${ref.onDelete.toUpperCase()})` : '';
  return {
    objects: [constraintRef(table, fk), ...fk.columns.map((c) => columnRef(table, c)), tableRef(table)],
    message: `Foreign key ${fk.name} (\`${foreignKeyLabel(table, fk)}\`) has no index leading on (${fk.columns.join(', ')}): `
      + `every DELETE or key UPDATE on ${parent}${cascade} scans all of ${tableLabel(table)} once per parent row, and joins from ${parent} to ${tableLabel(table)} scan too. `
      + `${misses.length > 0 ? `Near miss: ${misses.join('; ')}. ` : ''}Create an index on (${fk.columns.join(', ')}).`,
    details: {
      constraint: fk.name,
      columns: fk.columns,
      referencedTable: ref ? `${ref.schema}.${ref.table}` : null,
      referencedColumns: ref?.columns ?? [],
      onDelete: ref?.onDelete ?? null,
      nearMisses: misses,
    },
    fix: { sql: ddl.sql, notes: ddl.notes },
  };
}

export default defineRule({
  meta: {
    id: 'unindexed-foreign-key',
    category: 'foreign-keys',
    severity: 'high',
    title: 'Foreign key without a supporting index',
    rationale:
      'Postgres indexes the referenced side of a foreign key but not the referencing side. Each delete or key update of a parent row '
      + 'then scans the whole child table to check or cascade, holding locks meanwhile; on a child of millions of rows a single delete takes seconds '
      + 'and blocks writers, and joins from parent to child degrade the same way.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const table of userTables(catalog)) {
      if (isPartition(table) || table.kind === 'foreign table') continue;
      for (const fk of ownForeignKeys(table)) {
        if (fk.columns.length === 0 || coveringIndexes(table, fk.columns).length > 0) continue;
        out.push(finding(catalog, table, fk));
      }
    }
    return out;
  },
});
