import type { Column } from '../../catalog/model.js';
import { columnRef, indexRef, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { storedTypeName, tableLabel } from '../keys/shared.js';
import { columnNameParts, createIndexDdl, dropIndexDdl, indexedRelations, relationRef } from './shared.js';

function isContainer(c: Column): boolean {
  return c.isArray || storedTypeName(c) === 'jsonb';
}

export default defineRule({
  meta: {
    id: 'btree-on-array-or-jsonb',
    category: 'indexes',
    severity: 'medium',
    title: 'btree index on an array or jsonb column',
    rationale:
      'A btree compares whole arrays or documents, so it only helps `=` on the entire value; containment (`@>`, `?`, `&&`, `ANY`) cannot use it. '
      + 'It also fails inserts outright once a value exceeds the btree row limit (about 2.7 kB). GIN indexes the elements, which is what queries on these types need.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const rel of indexedRelations(catalog)) {
      const table = rel.table;
      if (!table) continue;
      for (const index of table.indexes) {
        // A unique btree enforces something a GIN index cannot: leave it.
        if (!index.valid || index.method !== 'btree' || index.unique || index.constraint !== null) continue;
        const containers = index.keys
          .map((k) => (k.column ? table.columns.find((c) => c.name === k.column) : undefined))
          .filter((c): c is Column => c !== undefined && isContainer(c));
        if (containers.length === 0) continue;
        const onlyContainers = containers.length === index.keys.length;
        const creates = containers.map((c) => createIndexDdl(catalog, table, {
          nameParts: columnNameParts([c.name]),
          suffix: 'gin',
          method: 'gin',
          keys: storedTypeName(c) === 'jsonb' && !c.isArray ? `${quoteIdent(c.name)} jsonb_path_ops` : quoteIdent(c.name),
          where: index.predicate,
        }));
        const drop = onlyContainers ? dropIndexDdl(index) : null;
        const kinds = containers.map((c) => `\`${c.name}\` (${c.type})`).join(', ');
        const hasJsonb = containers.some((c) => storedTypeName(c) === 'jsonb' && !c.isArray);
        out.push({
          objects: [indexRef(index), ...containers.map((c) => columnRef(table, c.name)), relationRef(rel)],
          message: `Index ${index.name} on ${tableLabel(table)} is a btree over ${kinds}: it serves only equality on the whole value, not containment or element lookups, and large values make inserts fail. `
            + `Use a GIN index instead${onlyContainers ? '' : ` on ${containers.map((c) => c.name).join(', ')} (keep ${index.name} if its other keys serve lookups)`}.`,
          details: { index: index.name, columns: containers.map((c) => c.name) },
          fix: {
            sql: [...creates.map((c) => c.sql), ...(drop ? [drop.sql] : [])].join('\n'),
            notes: `${hasJsonb ? 'jsonb_path_ops supports @>, @? and @@ with a smaller index; use the default jsonb_ops if queries test keys with ?, ?| or ?&. ' : ''}`
              + `Keep the btree if queries compare the whole value with = or sort by it. ${creates[0]?.notes ?? ''}`,
          },
        });
      }
    }
    return out;
  },
});
