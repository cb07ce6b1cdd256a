import type { Catalog, Column, Table } from '../../catalog/model.js';
import { columnRef, isPartition, qualify, quoteIdent, tableRef, userTables } from '../../catalog/helpers.js';
import { USER_TABLE_WORDS, nameWords, singular } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { columnListSql, columnNameParts, createIndexDdl } from '../indexes/shared.js';
import { columnLabel, integerKind, isForeignKeyColumn, isStringType, singlePrimaryKey, storedTypeName, tableLabel } from '../keys/shared.js';
import { addForeignKeySql, coveringIndexes, foreignKeyName, orphanQuery } from './shared.js';

/** `customer_id` / `customerId` → `customer`; null when the name is not `<something> id`. */
function referencedStem(column: string): string | null {
  const words = nameWords(column);
  if (words.length < 2 || words[words.length - 1] !== 'id') return null;
  return words.slice(0, -1).join('');
}

/** The names a table answers to: `order_items` → orderitems and orderitem. */
function tableStems(t: Table): string[] {
  const words = nameWords(t.name);
  if (words.length === 0) return [];
  const last = words[words.length - 1] as string;
  return [...new Set([words.join(''), [...words.slice(0, -1), singular(last)].join('')])];
}

function compatible(child: Column, parent: Column): boolean {
  if (child.isArray || parent.isArray) return false;
  if (integerKind(child) !== null && integerKind(parent) !== null) return true;
  if (isStringType(child) && isStringType(parent)) return true;
  return storedTypeName(child) === storedTypeName(parent);
}

interface Target {
  table: Table;
  column: Column;
}

type Keyed = Target;

/** Tables with a single-column primary key, by the stems their names answer to. */
function tablesByStem(catalog: Catalog): Map<string, Keyed[]> {
  const map = new Map<string, Keyed[]>();
  for (const t of catalog.tables) {
    if (isPartition(t)) continue;
    const pk = singlePrimaryKey(t);
    if (!pk) continue;
    for (const stem of tableStems(t)) map.set(stem, [...(map.get(stem) ?? []), { table: t, column: pk.column }]);
  }
  return map;
}

/** The table named like the stem: same schema first, else the only match elsewhere (e.g. auth.users). */
function findTarget(byStem: Map<string, Keyed[]>, table: Table, stem: string): Target | null {
  const withPk = byStem.get(stem) ?? [];
  const same = withPk.filter((x) => x.table.schema === table.schema);
  const pick = same.length > 0 ? same : withPk;
  return pick.length === 1 ? (pick[0] as Keyed) : null;
}

/**
 * Role names that point back into the same table: `parent_id` in any table (a tree, unless a
 * `parent_type` column makes it polymorphic), and
 * `manager_id` / `supervisor_id` / … in a table of people (an org chart). No `managers` table exists.
 */
/** Singular words of tables that hold people. */
const PERSON_TABLE_WORDS: readonly string[] = [...USER_TABLE_WORDS.map(singular), 'employee', 'worker', 'contractor', 'agent'];

const SELF_REFERENCE_STEMS = new Set(['parent']);
const PERSON_SELF_REFERENCE_STEMS = new Set(['manager', 'supervisor', 'mentor', 'referrer', 'reportsto', 'lead', 'approver', 'coach', 'sponsor']);

function selfTarget(table: Table, stem: string): Target | null {
  const words = nameWords(table.name);
  const last = singular(words[words.length - 1] ?? '');
  const people = PERSON_TABLE_WORDS.includes(last);
  if (!SELF_REFERENCE_STEMS.has(stem) && !(people && PERSON_SELF_REFERENCE_STEMS.has(stem))) return null;
  // `parent_id` + `parent_type` is a polymorphic reference (Rails): it can point at several tables, so no FK fits.
  if (table.columns.some((c) => { const w = nameWords(c.name); return w.join('') === `${stem}type` || w.join('') === `${stem}kind`; })) return null;
  const pk = singlePrimaryKey(table);
  return pk ? { table, column: pk.column } : null;
}

export default defineRule({
  meta: {
    id: 'missing-foreign-key',
    category: 'foreign-keys',
    severity: 'medium',
    title: 'Column named like a reference has no foreign key',
    rationale:
      'A `customer_id` column without a foreign key lets rows point at customers that never existed or were deleted. '
      + 'Orphans then break joins silently (rows vanish from INNER JOINs), and the schema stops documenting how tables relate.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    const byStem = tablesByStem(catalog);
    for (const table of userTables(catalog)) {
      if (isPartition(table) || table.kind === 'foreign table') continue;
      const ownPk = table.constraints.find((c) => c.type === 'primary key');
      for (const column of table.columns) {
        if (column.generated !== null || isForeignKeyColumn(table, column.name)) continue;
        const stem = referencedStem(column.name);
        if (stem === null) continue;
        const named = findTarget(byStem, table, stem);
        const target = named ?? selfTarget(table, stem);
        if (!target) continue;
        const selfRole = named === null;
        if (target.table === table && ownPk?.columns.includes(column.name)) continue;
        if (!compatible(column, target.column)) continue;
        const parent = { schema: target.table.schema, table: target.table.name, columns: [target.column.name] };
        const name = foreignKeyName(table, [column.name]);
        const clause = `FOREIGN KEY (${quoteIdent(column.name)}) REFERENCES ${qualify(parent.schema, parent.table)} (${quoteIdent(target.column.name)})`;
        const needsIndex = coveringIndexes(table, [column.name]).length === 0;
        const index = needsIndex ? createIndexDdl(catalog, table, { nameParts: columnNameParts([column.name]), keys: columnListSql([column.name]) }) : null;
        const sameType = storedTypeName(column) === storedTypeName(target.column);
        out.push({
          objects: [columnRef(table, column.name), tableRef(table)],
          message: `\`${columnLabel(table, column.name)}\` (${column.type}) looks like a reference to \`${columnLabel(target.table, target.column.name)}\` (${target.column.type}, primary key) but has no foreign key, so nothing stops orphaned rows. `
            + (selfRole
              ? `Evidence: a \`${stem}\` is another row of \`${tableLabel(table)}\` (a self-reference: there is no \`${stem}s\` table) and the types are compatible${sameType ? '' : ' (though not identical)'}. `
              : `Evidence: the name \`${column.name}\` matches table \`${tableLabel(target.table)}\` and the types are compatible${sameType ? '' : ' (though not identical)'}. `)
            + 'Add the foreign key after checking for orphans' + (needsIndex ? ', with an index on the column.' : '.'),
          details: {
            column: column.name,
            referencedTable: `${parent.schema}.${parent.table}`,
            referencedColumn: target.column.name,
            evidence: selfRole ? 'self-reference role' : 'name',
          },
          fix: {
            sql: `${index ? `${index.sql}\n` : ''}${addForeignKeySql(catalog, table, name, clause)}`,
            notes: `Pre-check for orphans (delete or repair them first, or VALIDATE fails): ${orphanQuery(table, [column.name], parent)} `
              + 'ADD … NOT VALID takes SHARE ROW EXCLUSIVE on both tables for a moment and enforces new rows at once; VALIDATE scans existing rows under SHARE UPDATE EXCLUSIVE, which does not block reads or writes.'
              + (index ? ' The index is built first, without blocking writes, so parent deletes do not scan the table.' : ''),
          },
        });
      }
    }
    return out;
  },
});
