import { columnRef, indexRef, quoteIdent, tableRef } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { singlePrimaryKey, storedTypeName, tableLabel } from '../keys/shared.js';
import { columnListSql, columnNameParts, createIndexDdl, dropIndexDdl, indexedRelations } from './shared.js';

export default defineRule({
  meta: {
    id: 'boolean-index',
    category: 'indexes',
    severity: 'low',
    title: 'Plain index on a boolean column',
    rationale:
      'A boolean has two values, so an index on it alone selects half the table for the common value, where the planner prefers a sequential scan. '
      + 'What such an index is usually meant for, finding the few rows with the rare value, a partial index does with a fraction of the size.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const rel of indexedRelations(catalog)) {
      const table = rel.table;
      if (!table) continue;
      for (const index of table.indexes) {
        if (!index.valid || index.method !== 'btree' || index.unique || index.predicate !== null || index.keys.length !== 1) continue;
        const name = index.keys[0]?.column;
        const column = name ? table.columns.find((c) => c.name === name) : undefined;
        if (!column || column.isArray || storedTypeName(column) !== 'bool') continue;
        const pk = singlePrimaryKey(table);
        const keyColumn = pk && pk.column.name !== column.name ? pk.column.name : column.name;
        const created = createIndexDdl(catalog, table, {
          nameParts: [...columnNameParts([column.name]), 'true'],
          keys: columnListSql([keyColumn]),
          where: quoteIdent(column.name),
        });
        const drop = dropIndexDdl(index);
        out.push({
          objects: [indexRef(index), columnRef(table, column.name), tableRef(table)],
          message: `Index ${index.name} on ${tableLabel(table)} has the boolean \`${column.name}\` as its only key: for the common value it selects too many rows to be used, for the rare one it is far bigger than needed. `
            + `Replace it with a partial index on the rare value (WHERE ${column.name}, or WHERE NOT ${column.name}).`,
          details: { index: index.name, column: column.name },
          fix: {
            sql: `${created.sql}\n${drop.sql}`,
            notes: `Assumes true is the rare value; if false is, use WHERE NOT ${quoteIdent(column.name)}. Queries must repeat the predicate to use the partial index. ${created.notes}`,
          },
        });
      }
    }
    return out;
  },
});
