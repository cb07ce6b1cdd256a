import type { Catalog, Column, Table } from '../../catalog/model.js';
import { columnRef, isPartition, qualify, quoteIdent } from '../../catalog/helpers.js';
import { nameWords } from '../lexicon.js';
import { freshName, relationNames, singlePrimaryKey } from '../keys/shared.js';
import { defineRule, type FindingDraft } from '../types.js';
import { judgedTables, label } from '../naming/shared.js';
import { columnName, entityWords, NEW_TABLE_NOTES, newTableName, ownerKey } from './shared.js';

const INTEGER = new Set(['int2', 'int4', 'int8']);
const TEXT = new Set(['text', 'varchar', 'bpchar', 'citext']);

/** Element types that hold keys: integers, UUIDs, and text (slugs, external ids such as `cus_123`). */
function idElement(c: Column): 'integer' | 'uuid' | 'text' | null {
  if (!c.isArray) return null;
  const t = c.domainBaseType ?? c.typeName;
  if (INTEGER.has(t)) return 'integer';
  if (t === 'uuid') return 'uuid';
  if (TEXT.has(t)) return 'text';
  return null;
}

/** `tag_ids` / `memberIds` / `tag_id[]` → [tag] / [member]; null when the name is not a list of ids. */
function idStem(name: string): string[] | null {
  const words = nameWords(name);
  const last = words[words.length - 1];
  if (words.length < 2 || (last !== 'ids' && last !== 'id')) return null;
  return words.slice(0, -1);
}

function compatible(element: 'integer' | 'uuid' | 'text', key: Column): boolean {
  const t = key.domainBaseType ?? key.typeName;
  if (key.isArray) return false;
  return element === 'integer' ? INTEGER.has(t) : element === 'uuid' ? t === 'uuid' : TEXT.has(t);
}

type TablesByStem = Map<string, Table[]>;

/** Tables with a single-column key, by the names they answer to: `order_items` → order_items and order_item. */
function tablesByStem(catalog: Catalog): TablesByStem {
  const byStem: TablesByStem = new Map();
  for (const t of catalog.tables) {
    if (isPartition(t) || !singlePrimaryKey(t)) continue;
    for (const key of new Set([nameWords(t.name).join('_'), entityWords(t.name).join('_')])) byStem.set(key, [...(byStem.get(key) ?? []), t]);
  }
  return byStem;
}

/** The table the ids point at: the longest tail of the stem that names a table (`assigned_user_ids` → users). */
function targetTable(byStem: TablesByStem, owner: Table, stem: string[]): Table | null {
  for (let i = 0; i < stem.length; i++) {
    const tail = stem.slice(i);
    const key = [...tail.slice(0, -1), ...entityWords(tail[tail.length - 1] as string)].join('_');
    const found = byStem.get(key) ?? [];
    const same = found.filter((t) => t.schema === owner.schema);
    const pick = same.length > 0 ? same : found;
    if (pick.length === 1) return pick[0] as Table;
  }
  return null;
}

function junctionSql(catalog: Catalog, owner: Table, c: Column, stem: string[], target: Table | null): { sql: string; junction: string; unlogged: Table[] } | null {
  const key = ownerKey(owner);
  if (!key) return null;
  const ownerWords = entityWords(owner.name);
  const elementWords = [...stem.slice(0, -1), ...entityWords(stem[stem.length - 1] as string)];
  const junction = newTableName(catalog, owner.schema, [...ownerWords, ...elementWords]);
  const ownerCol = columnName(catalog, [...ownerWords, 'id']);
  let elementCol = columnName(catalog, [...elementWords, 'id']);
  if (elementCol === ownerCol) elementCol = columnName(catalog, ['related', ...elementWords, 'id']);
  const targetKey = target ? ownerKey(target) : null;
  const elementType = targetKey ? targetKey.column.type : c.type.replace(/\[\]$/, '');
  const rel = qualify(owner.schema, junction);
  const o = quoteIdent(ownerCol);
  const e = quoteIdent(elementCol);
  const unlogged = unloggedParents(owner, targetKey ? target : null);
  const lines = [
    `CREATE ${unlogged.length > 0 ? 'UNLOGGED ' : ''}TABLE ${rel} (`,
    `  ${o} ${key.column.type} NOT NULL REFERENCES ${key.ref} ON DELETE CASCADE,`,
    targetKey
      ? `  ${e} ${elementType} NOT NULL REFERENCES ${targetKey.ref} ON DELETE CASCADE,`
      : `  ${e} ${elementType} NOT NULL,  -- add REFERENCES <table> (<key>) when these ids name rows of a table`,
    `  PRIMARY KEY (${o}, ${e})`,
    ');',
    // The primary key serves lookups by owner; the reverse direction ("which posts have this tag?") needs its own index.
    `CREATE INDEX ${quoteIdent(freshName(`${junction}_${elementCol}`, 'idx', relationNames(catalog, owner.schema)))} ON ${rel} (${e});`,
    `INSERT INTO ${rel} (${o}, ${e})`,
    `SELECT DISTINCT o.${quoteIdent(key.column.name)}, u.id FROM ${qualify(owner.schema, owner.name)} AS o CROSS JOIN LATERAL unnest(o.${quoteIdent(c.name)}) AS u(id)`,
    target && targetKey
      ? `WHERE u.id IS NOT NULL AND EXISTS (SELECT 1 FROM ${qualify(target.schema, target.name)} AS t WHERE t.${quoteIdent(targetKey.column.name)} = u.id);`
      : 'WHERE u.id IS NOT NULL;',
    `-- Once every reader and writer uses ${junction}:`,
    `-- ALTER TABLE ${qualify(owner.schema, owner.name)} DROP COLUMN ${quoteIdent(c.name)};`,
  ];
  return { sql: lines.join('\n'), junction, unlogged };
}

/**
 * The parents among these that are UNLOGGED: a permanent table may not reference one ("constraints
 * on permanent tables may reference only permanent tables"), so the junction is UNLOGGED too.
 */
function unloggedParents(...parents: Array<Table | null>): Table[] {
  return parents.filter((t): t is Table => t !== null && t.persistence === 'unlogged');
}

function unloggedNote(junction: string, parents: Table[]): string {
  if (parents.length === 0) return '';
  const names = parents.map((t) => label(t)).join(' and ');
  return ` ${junction} is UNLOGGED because ${names} ${parents.length > 1 ? 'are' : 'is'}: a permanent table may not reference an unlogged one. `
    + `Like ${names}, it is emptied after a crash; if the links must survive, run ALTER TABLE … SET LOGGED on ${names} first, then on ${junction}.`;
}

export default defineRule({
  meta: {
    id: 'id-array-instead-of-junction',
    category: 'structure',
    severity: 'medium',
    title: 'Array of ids instead of a junction table',
    rationale:
      'A `tag_ids uuid[]` column cannot have a foreign key: nothing stops ids of rows that never existed, deleting a tag leaves its id '
      + 'behind in every array, and "which posts have tag X" needs unnest or a GIN index instead of a plain join. A junction table with '
      + 'two foreign keys and a composite primary key enforces all of it.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    let byStem: TablesByStem | null = null;
    for (const t of judgedTables(catalog)) {
      for (const c of t.columns) {
        const element = idElement(c);
        const stem = idStem(c.name);
        if (!element || !stem || c.generated !== null) continue;
        byStem ??= tablesByStem(catalog);
        const found = targetTable(byStem, t, stem);
        const target = found && compatible(element, (singlePrimaryKey(found) as { column: Column }).column) ? found : null;
        const ddl = junctionSql(catalog, t, c, stem, target);
        const targetKey = target ? singlePrimaryKey(target) : undefined;
        out.push({
          objects: [columnRef(t, c.name)],
          severity: target ? undefined : 'low',
          message: `\`${label(t)}.${c.name}\` (${c.type}) stores a list of ids in an array`
            + (target && targetKey
              ? `, and they point at \`${label(target)}.${targetKey.column.name}\` (${targetKey.column.type}): the name matches that table and the types are compatible. `
              : `; the name says ids, though no table here matches \`${stem.join('_')}\`, so this is a name-only reading. `)
            + 'No foreign key can check array elements, so the array can hold ids that never existed, and deleting '
            + (target ? `a \`${label(target)}\` row` : 'the referenced row')
            + ' leaves its id behind; joining needs unnest. '
            + (ddl ? `Replace it with a junction table \`${ddl.junction}\` with two foreign keys.` : 'Replace it with a junction table with two foreign keys.'),
          details: { column: c.name, elementType: c.type.replace(/\[\]$/, ''), target: target ? label(target) : null, evidence: target ? 'table' : 'name' },
          fix: ddl
            ? {
              sql: ddl.sql,
              notes: `${NEW_TABLE_NOTES} This is the first of two steps: \`${c.name}\` stays, and its drop is left in comments, to run as a `
                + `migration of its own once the application reads and writes only ${ddl.junction}; until then the review keeps this finding. `
                + `The junction keeps each id once and not the array's order.${unloggedNote(ddl.junction, ddl.unlogged)}${target ? ' The backfill skips ids that no longer exist; count them first to see how much the array had drifted: '
                + `SELECT count(*) FROM ${qualify(t.schema, t.name)} AS o CROSS JOIN LATERAL unnest(o.${quoteIdent(c.name)}) AS u(id) `
                + `WHERE NOT EXISTS (SELECT 1 FROM ${qualify(target.schema, target.name)} AS x WHERE x.${quoteIdent((targetKey as { column: Column }).column.name)} = u.id);` : ''}`,
            }
            : { sql: `-- ${label(t)} has no single-column primary key: give it one, or key the junction table by the columns that identify a row.`, notes: NEW_TABLE_NOTES },
        });
      }
    }
    return out;
  },
});
