import { columnRef, isPartition, tableRef, userTables } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import {
  INTEGER_MAX, columnLabel, columnSequence, integerKind, integerSqlName, isForeignKeyColumn, singlePrimaryKey, tableLabel,
  widenToBigintSql, formatCount } from './shared.js';

export default defineRule({
  meta: {
    id: 'int-primary-key',
    category: 'keys',
    severity: 'medium',
    title: 'Primary key is a 32-bit (or smaller) integer',
    rationale:
      'An integer key stops at 2,147,483,647 (a smallint at 32,767); when the sequence gets there every INSERT fails. '
      + 'Widening it later rewrites the table and every table that references it under ACCESS EXCLUSIVE, which is an outage on a big table; '
      + 'bigint costs 4 more bytes per row and lasts forever.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const table of userTables(catalog)) {
      if (isPartition(table)) continue;
      const pk = singlePrimaryKey(table);
      if (!pk) continue;
      const kind = integerKind(pk.column);
      if (kind === null || kind === 'int8') continue;
      // A key that is itself a foreign key (1:1 extension tables) inherits its width from the parent,
      // which is judged on its own (or by foreign-key-type-mismatch when the two differ).
      if (isForeignKeyColumn(table, pk.column.name)) continue;
      const { statements, referencing } = widenToBigintSql(catalog, table, pk.column);
      const seq = columnSequence(catalog, table, pk.column);
      const generated = pk.column.identity !== null ? 'an identity column' : seq ? `fed by sequence ${seq.sequence.name}` : 'assigned by the application';
      const refText = referencing.length > 0
        ? ` ${referencing.length === 1 ? 'One narrower column references' : `${referencing.length} narrower columns reference`} it and must widen too: ${referencing.map((r) => columnLabel(r.table, r.column.name)).join(', ')}.`
        : '';
      out.push({
        objects: [columnRef(table, pk.column.name), tableRef(table)],
        message: `Primary key \`${columnLabel(table, pk.column.name)}\` is \`${integerSqlName(kind)}\` (${generated}): it runs out at ${formatCount(INTEGER_MAX[kind])} and every INSERT then fails. `
          + `Change it to bigint while ${tableLabel(table)} is small.${refText}`,
        details: {
          column: pk.column.name,
          type: integerSqlName(kind),
          maxValue: INTEGER_MAX[kind].toString(),
          sequence: seq ? seq.sequence.name : null,
          referencingColumns: referencing.map((r) => ({ schema: r.table.schema, table: r.table.name, column: r.column.name, constraint: r.constraint.name })),
        },
        fix: {
          sql: statements.join('\n'),
          notes: `Each ALTER COLUMN … TYPE bigint rewrites its whole table and rebuilds its indexes under ACCESS EXCLUSIVE (reads and writes wait), and re-checks the foreign keys involved. `
            + 'On a large table do it online instead: add a bigint column, keep it in sync with a trigger, backfill in batches, build the unique index CONCURRENTLY, then swap the key in one short transaction.',
        },
      });
    }
    return out;
  },
});
