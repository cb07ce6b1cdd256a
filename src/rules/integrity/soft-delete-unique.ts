import type { Catalog, Column, Index, Table } from '../../catalog/model.js';
import { columnRef, foreignKeys, indexCoversColumns, qualify, quoteIdent } from '../../catalog/helpers.js';
import { columnListSql, columnNameParts, createIndexDdl } from '../indexes/shared.js';
import { tableLabel } from '../keys/shared.js';
import { lexiconSample, nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import {
  PERMANENT_IDENTIFIER_WORDS, SOFT_DELETE_COLUMN_NAMES, capitalize, codeList, keySql, liveRowsPredicate, mentions, retireUnique,
  judgedTables, softDeleteColumn, uniqueIndexes, uniqueLabel, uniqueRef,
} from './shared-b.js';

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext']);
const CASE_FOLD = /^\(*(?:lower|upper)\(\(*"?((?:[^"()]|"")+?)"?\)*(?:::[a-z ]+)?\)\)*$/i;

type Variant = 'reuse-blocked' | 'live-not-unique' | 'second-delete-fails';

/** The column a key reads: a plain column, or the column under lower()/upper(). */
function keyColumn(k: Index['keys'][number]): string | null {
  if (k.column !== null) return k.column;
  const m = CASE_FOLD.exec(k.expression.trim());
  return m ? (m[1] as string).replace(/""/g, '"') : null;
}

/**
 * Key columns that are natural identities people want back after a delete (an email, a slug, a
 * name), as opposed to foreign keys, surrogate ids and permanent identifiers (invoice numbers, token
 * hashes) whose uniqueness must outlive the row.
 */
function reusableColumns(table: Table, i: Index, softDelete: Column): Column[] {
  const fkCols = new Set(foreignKeys(table).flatMap((f) => f.columns));
  const out: Column[] = [];
  for (const k of i.keys) {
    const name = keyColumn(k);
    if (name === null || name === softDelete.name || fkCols.has(name)) continue;
    const c = table.columns.find((x) => x.name === name);
    if (!c || c.isArray || !TEXT_TYPES.has(c.domainBaseType ?? c.typeName)) continue;
    if (nameWords(c.name).some((w) => PERMANENT_IDENTIFIER_WORDS.includes(w))) continue;
    out.push(c);
  }
  return out;
}

function variantOf(i: Index, softDelete: Column): Variant | null {
  if (!i.keys.some((k) => k.column === softDelete.name)) return 'reuse-blocked';
  if (softDelete.typeCategory !== 'D') return 'second-delete-fails';
  // A NOT NULL marker (a sentinel such as 'infinity') or NULLS NOT DISTINCT keeps live rows unique.
  return softDelete.notNull || i.nullsNotDistinct ? null : 'live-not-unique';
}

/**
 * Foreign keys that only the retired index serves. The replacement is partial (live rows only), so
 * it cannot find the deleted rows a parent's DELETE must reach: without a plain index on the
 * foreign key's columns, dropping the old key would leave the foreign key unindexed. The index is
 * the one unindexed-foreign-key would write, built before the drop.
 */
function keepForeignKeyIndexes(catalog: Catalog, table: Table, i: Index): { sql: string[]; note: string } {
  const sql: string[] = [];
  const served: string[] = [];
  const seen = new Set<string>();
  for (const fk of foreignKeys(table)) {
    if (fk.inherited || fk.columns.length === 0 || !indexCoversColumns(i, fk.columns)) continue;
    if (table.indexes.some((x) => x !== i && indexCoversColumns(x, fk.columns))) continue;
    const key = [...fk.columns].sort().join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    const ddl = createIndexDdl(catalog, table, { nameParts: columnNameParts(fk.columns), keys: columnListSql(fk.columns) });
    sql.push(ddl.sql);
    served.push(`${fk.name} (${fk.columns.join(', ')}) gets ${ddl.name}`);
  }
  const note = served.length === 0 ? '' :
    `${capitalize(uniqueLabel(i))} is the only index leading on the foreign key columns, and the partial replacement cannot serve a parent's ` +
    `DELETE (it skips soft-deleted rows), so the fix builds a plain index first: ${served.join('; ')}.`;
  return { sql, note };
}

function finding(catalog: Catalog, table: Table, i: Index, softDelete: Column, natural: Column[], variant: Variant): FindingDraft {
  const rel = qualify(table.schema, table.name);
  const sd = quoteIdent(softDelete.name);
  const keptKeys = i.keys.filter((k) => k.column !== softDelete.name);
  const keys = keptKeys.map(keySql).join(', ');
  const live = liveRowsPredicate(softDelete);
  const where = i.predicate ? `(${i.predicate}) AND ${live}` : live;
  const ddl = createIndexDdl(catalog, table, {
    nameParts: [...keptKeys.map((k) => keyColumn(k) ?? 'expr'), 'live'], suffix: 'key', keys, unique: true, where,
  });
  const retire = retireUnique(catalog, table, i);
  const keep = retire.sql !== null ? keepForeignKeyIndexes(catalog, table, i) : { sql: [], note: '' };
  const label = tableLabel(table);
  const names = natural.map((c) => c.name);
  const what = codeList(names);
  const allKeys = i.keys.map((k) => k.expression).join(', ');
  const groupBy = keptKeys.map((_, n) => String(n + 1)).join(', ');
  const precheck = `SELECT ${keys}, count(*) FROM ${rel} WHERE ${where} GROUP BY ${groupBy} HAVING count(*) > 1 LIMIT 20;`;
  const evidence = `\`${softDelete.name}\` marks soft-deleted rows (soft-delete names: ${lexiconSample(SOFT_DELETE_COLUMN_NAMES)})`;
  let message: string;
  let title: string | undefined;
  let severity: 'high' | undefined;
  switch (variant) {
    case 'reuse-blocked':
      message =
        `${capitalize(uniqueLabel(i))} makes ${what} unique across all rows of ${label}, deleted ones included, and ${evidence}. ` +
        `A soft-deleted row keeps its ${names.join('/')}, so once it is deleted nobody can use that value again: ` +
        `${names.some((n) => /email|user_?name|login|handle|phone/i.test(n)) ? 'the person who closed an account cannot sign up again with it' : `a deleted row's ${names.join('/')} stays taken for ever`}. ` +
        `Make the uniqueness cover live rows only: a unique index on (${keys}) WHERE ${live}.`;
      break;
    case 'live-not-unique':
      title = 'Unique key includes the nullable soft-delete column: live rows are not unique';
      severity = 'high';
      message =
        `${capitalize(uniqueLabel(i))} on ${label} (${allKeys}) includes \`${softDelete.name}\`, which is NULL on every live row, and NULLs never collide in a unique index: ` +
        `two live rows with the same ${what} are accepted, so the key enforces nothing where it matters. ${capitalize(evidence)}. ` +
        `Replace it with a unique index on (${keys}) WHERE ${live}.`;
      break;
    case 'second-delete-fails':
      title = 'Unique key includes the soft-delete flag: a second delete fails';
      message =
        `${capitalize(uniqueLabel(i))} on ${label} (${allKeys}) includes the flag \`${softDelete.name}\`, so at most one deleted row can exist per ${what}: ` +
        `deleting a second row with the same value fails with a unique violation. ${capitalize(evidence)}. ` +
        `Replace it with a unique index on (${keys}) WHERE ${live}.`;
      break;
  }
  const dataNote = variant === 'live-not-unique'
    ? `Pre-check (live duplicates already slipped in and make the build fail; resolve them first): ${precheck}`
    : `The existing key already rules out live duplicates, so the build cannot fail on data; to confirm: ${precheck}`;
  return {
    objects: [uniqueRef(table, i), ...names.map((n) => columnRef(table, n)), columnRef(table, softDelete.name)],
    message,
    ...(title ? { title } : {}),
    ...(severity ? { severity } : {}),
    details: {
      index: i.name, constraint: i.constraint, columns: names, softDeleteColumn: softDelete.name, variant, replacementIndex: ddl.name,
    },
    fix: {
      sql: [...keep.sql, ddl.sql, retire.sql].filter((s): s is string => s !== null).join('\n'),
      notes:
        `${dataNote} ${ddl.notes} ${keep.note ? `${keep.note} ` : ''}${retire.note} ` +
        `Upserts must name the predicate: ON CONFLICT (${keys}) WHERE ${live}. Restoring a deleted row now fails while a live row holds its ${names.join('/')}: ` +
        `decide whether restore renames or refuses. Queries that filter ${sd} can use the new index.`,
    },
  };
}

export default defineRule({
  meta: {
    id: 'soft-delete-unique',
    category: 'integrity',
    severity: 'medium',
    title: 'Unique key ignores soft-deleted rows',
    rationale:
      'A soft-deleted row is still a row: a UNIQUE that covers it keeps its email, slug or name taken forever, so a user who deleted an ' +
      'account cannot return and a deleted project blocks its name. Uniqueness should hold among live rows only, which a partial unique ' +
      'index (`WHERE deleted_at IS NULL`) expresses; putting the nullable marker into the key instead stops enforcing anything.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const table of judgedTables(catalog)) {
      const softDelete = softDeleteColumn(table);
      if (!softDelete) continue;
      const markers = table.columns.filter((c) => SOFT_DELETE_COLUMN_NAMES.includes(nameWords(c.name).join('_'))).map((c) => c.name);
      for (const i of uniqueIndexes(table)) {
        if (i.primary) continue;
        if (i.predicate !== null && markers.some((m) => mentions(i.predicate as string, m))) continue;
        const variant = variantOf(i, softDelete);
        if (variant === null) continue;
        if (i.keys.every((k) => k.column === softDelete.name)) continue;
        const natural = reusableColumns(table, i, softDelete);
        if (natural.length === 0) continue;
        out.push(finding(catalog, table, i, softDelete, natural, variant));
      }
    }
    return out;
  },
});
