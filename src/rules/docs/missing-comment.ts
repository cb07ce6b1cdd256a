import type { Column, Table } from '../../catalog/model.js';
import { columnRef, qualify, quoteIdent, quoteLiteral, tableRef } from '../../catalog/helpers.js';
import { nameWords } from '../lexicon.js';
import { isForeignKeyColumn } from '../keys/shared.js';
import type { ObjectRef } from '../../result.js';
import { defineRule, type FindingDraft } from '../types.js';
import { backticked, judgedTables, label, listOf } from '../naming/shared.js';

/** Standard bookkeeping columns whose meaning their name already states. */
const SELF_EXPLANATORY = new Set([
  'created_at', 'updated_at', 'deleted_at', 'inserted_at', 'modified_at', 'created_on', 'updated_on', 'created', 'updated', 'modified',
  'created_by', 'updated_by', 'deleted_by', 'version', 'lock_version',
]);

/**
 * Columns a reader needs explained: not the key, not a foreign key (the constraint documents it),
 * not the standard timestamps.
 */
function columnsNeedingComment(t: Table): Column[] {
  const pk = new Set(t.constraints.find((c) => c.type === 'primary key')?.columns ?? []);
  return t.columns.filter((c) => c.comment === null && !pk.has(c.name) && !isForeignKeyColumn(t, c.name)
    && !SELF_EXPLANATORY.has(nameWords(c.name).join('_')));
}

function commentSql(t: Table, columns: Column[], table: boolean): string {
  const rel = qualify(t.schema, t.name);
  return [
    ...(table ? [`COMMENT ON TABLE ${rel} IS ${quoteLiteral(`TODO: what one row of ${t.name} is, who writes it, how long it is kept`)};`] : []),
    ...columns.map((c) => `COMMENT ON COLUMN ${rel}.${quoteIdent(c.name)} IS ${quoteLiteral(`TODO: meaning, unit and allowed values of ${c.name}`)};`),
  ].join('\n');
}

export default defineRule({
  meta: {
    id: 'missing-comment',
    category: 'docs',
    severity: 'info',
    title: 'Table or column without a COMMENT',
    rationale:
      'COMMENT ON stores the meaning of a table or column in the database itself, where psql (`\\d+`), IDEs, BI tools, generated '
      + 'documentation and the next engineer find it. Names say what a column is called, not its unit, its allowed values or who writes it. '
      + 'Off by default: a documentation stance.',
    enabledByDefault: false,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of judgedTables(catalog)) {
      const columns = columnsNeedingComment(t);
      const names = backticked(columns.map((c) => c.name));
      if (t.comment === null) {
        out.push({
          objects: [tableRef(t)],
          message: `Table \`${label(t)}\` has no COMMENT`
            + (columns.length > 0 ? `, nor ${columns.length === 1 ? 'does its column' : `do ${columns.length} of its columns`} ${listOf(names)}` : '')
            + '. Say what one row is, who writes it and how long it is kept, so the next reader does not have to reverse-engineer it from the code.',
          details: { table: t.name, columns: columns.map((c) => c.name) },
          fix: { sql: commentSql(t, columns, true), notes: 'COMMENT ON takes a brief lock and does not touch the rows. Replace each TODO with the real description before applying.' },
        });
      } else if (columns.length > 0) {
        // The table is documented: the gap is its columns, reported together so one table is one finding.
        const objects: ObjectRef[] = [tableRef(t), ...columns.map((c) => columnRef(t, c.name))];
        out.push({
          objects,
          title: 'Columns without a COMMENT on a documented table',
          message: `Table \`${label(t)}\` is commented, but ${columns.length === 1 ? 'its column' : `${columns.length} of its columns`} ${listOf(names)} ${columns.length === 1 ? 'is' : 'are'} not. `
            + 'Keys, foreign keys and standard timestamps are left out; these are the ones whose unit, allowed values or meaning a reader cannot guess.',
          details: { table: t.name, columns: columns.map((c) => c.name) },
          fix: { sql: commentSql(t, columns, false), notes: 'COMMENT ON takes a brief lock and does not touch the rows. Replace each TODO with the real description before applying.' },
        });
      }
    }
    return out;
  },
});
