import type { Column, Table } from '../../catalog/model.js';
import { RESERVED_WORDS, columnRef, foreignKeys, qualify, tableRef } from '../../catalog/helpers.js';
import { detectConventions, nameIn, type Conventions } from '../../catalog/conventions.js';
import { defineRule, type FindingDraft } from '../types.js';
import { judgedTables, label, listOf, pluralWord, relationNamesIn, renameColumnSql, renameNotes, renameTableSql } from './shared.js';
import type { NameSet } from './shared.js';
import type { ObjectRef } from '../../result.js';

/**
 * Reserved words that are also SQL functions: written unquoted they are not a syntax error but
 * the function, so `SELECT user FROM t` returns the session role on every row, silently.
 */
const SILENT_FUNCTIONS = new Set([
  'user', 'current_user', 'session_user', 'current_role', 'system_user', 'current_catalog', 'current_schema', 'current_date',
  'current_time', 'current_timestamp', 'localtime', 'localtimestamp',
]);

/** Conventional replacements, by what the column holds. */
const COLUMN_NAMES: Readonly<Record<string, { ref?: string[]; bool?: string[]; time?: string[]; number?: string[]; text?: string[]; other: string[] }>> = {
  user: { ref: ['user', 'id'], text: ['username'], other: ['user', 'name'] },
  order: { ref: ['order', 'id'], number: ['sort', 'order'], other: ['sort', 'order'] },
  group: { ref: ['group', 'id'], other: ['group', 'name'] },
  desc: { other: ['description'] },
  asc: { bool: ['is', 'ascending'], other: ['ascending'] },
  default: { bool: ['is', 'default'], other: ['default', 'value'] },
  primary: { bool: ['is', 'primary'], other: ['primary', 'value'] },
  unique: { bool: ['is', 'unique'], other: ['unique', 'value'] },
  check: { bool: ['is', 'checked'], other: ['check', 'value'] },
  from: { time: ['valid', 'from'], text: ['sender'], other: ['from', 'value'] },
  to: { time: ['valid', 'until'], text: ['recipient'], other: ['to', 'value'] },
  end: { time: ['ends', 'at'], other: ['end', 'value'] },
  limit: { number: ['max', 'count'], other: ['limit', 'value'] },
  offset: { other: ['offset', 'value'] },
  column: { other: ['column', 'name'] },
  table: { other: ['table', 'name'] },
  window: { other: ['time', 'window'] },
  analyze: { other: ['analysis'] },
  analyse: { other: ['analysis'] },
  like: { number: ['like', 'count'], other: ['like', 'value'] },
  grant: { ref: ['grant', 'id'], other: ['grant', 'name'] },
};

/** What kind of value a column holds, for picking its new name. */
function kindOf(t: Table, c: Column): 'ref' | 'bool' | 'time' | 'number' | 'text' | 'other' {
  const base = c.domainBaseType ?? c.typeName;
  if (!c.isArray && (foreignKeys(t).some((k) => k.columns.includes(c.name)) || base === 'uuid')) return 'ref';
  if (base === 'bool') return 'bool';
  if (c.typeCategory === 'D') return 'time';
  if (c.typeCategory === 'N') return 'number';
  if (c.typeCategory === 'S') return 'text';
  return 'other';
}

function columnSuggestion(t: Table, c: Column): string[] {
  const kind = kindOf(t, c);
  const known = COLUMN_NAMES[c.name];
  if (known) return known[kind] ?? known.other;
  if (kind === 'bool') return ['is', c.name];
  if (kind === 'time') return [c.name, 'at'];
  if (kind === 'ref') return [c.name, 'id'];
  return [c.name, 'value'];
}

const TABLE_NAMES: Readonly<Record<string, string[]>> = {
  user: ['app', 'user'], order: ['customer', 'order'], group: ['user', 'group'], table: ['dining', 'table'],
  grant: ['access', 'grant'], window: ['time', 'window'], check: ['bank', 'check'],
};

function tableSuggestion(t: Table, conv: Conventions): string {
  const plural = pluralWord(t.name);
  if (conv.plurality === 'plural' && !RESERVED_WORDS.has(plural)) return plural;
  return nameIn(conv.tableNaming, TABLE_NAMES[t.name] ?? ['app', t.name]);
}

function consequence(word: string, example: string, what: 'table' | 'column'): string {
  if (!SILENT_FUNCTIONS.has(word)) {
    return `Unquoted it is a syntax error (\`${example}\` fails), so hand-written SQL, psql sessions, reports and BI tools must quote it everywhere; ORMs quote for you, people do not.`;
  }
  const fn = word === 'user' ? 'CURRENT_USER' : word.toUpperCase();
  return `Worse, unquoted \`${word}\` is not an error: it is the SQL function \`${fn}\`, so \`${example}\` quietly `
    + (what === 'table'
      ? 'returns one row holding the function\'s value instead of the table\'s rows.'
      : `returns the function's value on every row instead of the column, and \`WHERE ${word} = …\` compares against that value.`);
}

export default defineRule({
  meta: {
    id: 'reserved-word-identifier',
    category: 'naming',
    severity: 'low',
    title: 'Table or column named with an SQL reserved word',
    rationale:
      'A table `order` or a column `desc` must be written `"order"` / `"desc"` in every statement, by every person and tool, forever. '
      + 'Some reserved words are also functions: an unquoted column `user` silently reads `CURRENT_USER` instead of the column.',
    enabledByDefault: true,
  },
  check({ catalog, review }) {
    const out: FindingDraft[] = [];
    const conv = detectConventions(catalog);
    const taken = new Map<string, NameSet>();
    for (const t of judgedTables(catalog)) {
      const tableReserved = RESERVED_WORDS.has(t.name);
      const columns = t.columns.filter((c) => RESERVED_WORDS.has(c.name));
      if (!tableReserved && columns.length === 0) continue;
      // One finding per table, columns renamed before the table: the statements name the table as it is now.
      const objects: ObjectRef[] = [];
      const sentences: string[] = [];
      const sql: string[] = [];
      const renames: Record<string, string | null> = {};
      const words: string[] = [];
      if (tableReserved) {
        let names = taken.get(t.schema);
        if (!names) taken.set(t.schema, (names = relationNamesIn(catalog, t.schema)));
        const to = tableSuggestion(t, conv);
        const free = !names.has(to);
        if (free) names.add(to);
        objects.push(tableRef(t));
        words.push(t.name);
        renames[t.name] = free ? to : null;
        sentences.push(`Table \`${label(t)}\` is named with the reserved word \`${t.name}\`: every statement must write it as \`${qualify(t.schema, t.name)}\`. `
          + consequence(t.name, `SELECT * FROM ${t.name}`, 'table'));
      }
      const existing = new Set(t.columns.map((c) => c.name));
      for (const c of columns) {
        const to = nameIn(conv.naming, columnSuggestion(t, c));
        const free = !existing.has(to) && !RESERVED_WORDS.has(to);
        if (free) existing.add(to);
        objects.push(columnRef(t, c.name));
        words.push(c.name);
        renames[c.name] = free ? to : null;
        if (free) sql.push(renameColumnSql(t, c.name, to));
        else sql.push(`-- ${c.name}: choose a name that is not a keyword`);
        sentences.push(`Column \`${label(t)}.${c.name}\` is named with the reserved word \`${c.name}\`: every query must write it as \`"${c.name}"\`. `
          + consequence(c.name, `SELECT ${c.name} FROM ${tableReserved ? qualify(t.schema, t.name) : t.name}`, 'column'));
      }
      if (tableReserved) {
        const to = renames[t.name];
        sql.push(to ? renameTableSql(t, to) : `-- ${t.name}: choose a table name that is not a keyword`);
      }
      const proposals = Object.entries(renames).flatMap(([from, to]) => (to ? [`\`${from}\` → \`${to}\``] : []));
      sentences.push(proposals.length > 0 ? `Rename ${listOf(proposals)} when the clients can move with it.` : 'Rename them to names that are not keywords.');
      const silent = words.filter((w) => SILENT_FUNCTIONS.has(w));
      out.push({
        objects,
        severity: silent.length > 0 ? 'medium' : undefined,
        message: sentences.join(' '),
        details: { words, silent, renames },
        fix: { sql: sql.join('\n'), notes: renameNotes(review, { tables: tableReserved, columns: columns.length > 0 }) },
      });
    }
    return out;
  },
});
