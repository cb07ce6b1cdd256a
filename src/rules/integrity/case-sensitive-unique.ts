import type { Catalog, Column, Index, Table } from '../../catalog/model.js';
import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { createIndexDdl } from '../indexes/shared.js';
import { tableLabel } from '../keys/shared.js';
import { lexiconSample } from '../lexicon.js';
import { addCheckSql } from '../types/shared.js';
import { defineRule, type FindingDraft } from '../types.js';
import {
  CASE_INSENSITIVE_IDENTITY_WORDS, checkRefusesUppercase, columnList, domainOf, endsWithPhrase, freshConstraintName, judgedTables,
  keyCollation, keySql, liveRowsPredicate, maybeCaseInsensitiveCollation, mentions, retireUnique, softDeleteColumn, uniqueIndexes,
  uniqueLabel, uniqueRef,
} from './shared-b.js';

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar']);
const CASE_FOLD = /^\(*(?:lower|upper)\(\(*"?((?:[^"()]|"")+?)"?\)*(?:::[a-z ]+)?\)\)*$/i;

/** A key's identity for comparing indexes: `col:email`, `ci:email` for lower(email)/upper(email), else the expression. */
function keyToken(k: Index['keys'][number]): string {
  if (k.column !== null) return `col:${k.column}`;
  const m = CASE_FOLD.exec(k.expression.trim());
  return m ? `ci:${(m[1] as string).replace(/""/g, '"')}` : `expr:${k.expression}`;
}

/** Another unique index that already enforces the case-insensitive rule at least as strictly. */
function foldedTwin(table: Table, i: Index, column: string): Index | undefined {
  const mine = new Set(i.keys.map(keyToken));
  for (const k of i.keys) if (k.column !== null) mine.add(`ci:${k.column}`);
  return uniqueIndexes(table).find((o) => {
    if (o === i) return false;
    const tokens = o.keys.map(keyToken);
    return tokens.includes(`ci:${column}`) && tokens.every((t) => mine.has(t));
  });
}

/** Why the stored values are already compared or normalised case-insensitively, or null. */
function normalisedBy(catalog: Catalog, table: Table, i: Index, c: Column): string | null {
  if (c.typeName === 'citext' || c.domainBaseType === 'citext') return 'citext';
  if (maybeCaseInsensitiveCollation(c.collation)) return `collation ${c.collation ?? ''}`;
  const keyColl = keyCollation(i, c.name);
  if (maybeCaseInsensitiveCollation(keyColl)) return `collation ${keyColl ?? ''}`;
  if (c.generated !== null && /\b(lower|upper)\s*\(/i.test(c.generated)) return 'generated from lower()/upper()';
  const folds = (text: string, subject: string) =>
    new RegExp(`\\b(lower|upper)\\s*\\(\\s*\\(*\\s*${subject}`, 'i').test(text);
  const colPattern = `"?${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\b`;
  const chk = table.constraints.find((k) => k.type === 'check' && mentions(k.definition, c.name)
    && (folds(k.definition, colPattern) || checkRefusesUppercase(k.definition, c.name)));
  if (chk) return `CHECK ${chk.name}`;
  const dom = domainOf(catalog, c);
  if (dom?.checks.some((k) => folds(k.definition, 'VALUE\\b'))) return `domain ${dom.name}`;
  for (const tr of table.triggers) {
    if (!tr.enabled || !tr.events.includes('insert')) continue;
    const fn = catalog.functions.find((f) => f.schema === tr.functionSchema && f.name === tr.functionName);
    if (fn && folds(fn.source, `new\\.${colPattern}`)) return `trigger ${tr.name}`;
  }
  const twin = foldedTwin(table, i, c.name);
  if (twin) return `unique index ${twin.name}`;
  return null;
}

function finding(catalog: Catalog, table: Table, i: Index, cols: Array<{ column: Column; matched: string }>): FindingDraft {
  const rel = qualify(table.schema, table.name);
  const names = cols.map((x) => x.column.name);
  const folded = new Set(names);
  const keys = i.keys.map((k) => (k.column !== null && folded.has(k.column) ? `lower(${quoteIdent(k.column)})` : keySql(k)));
  const nameParts = i.keys.map((k) => (k.column !== null && folded.has(k.column) ? `lower_${k.column}` : k.column ?? 'expr'));
  const ddl = createIndexDdl(catalog, table, { nameParts, suffix: 'key', keys: keys.join(', '), unique: true, where: i.predicate });
  const retire = retireUnique(catalog, table, i);
  const groupBy = keys.map((_, n) => String(n + 1)).join(', ');
  const precheck = `SELECT ${keys.join(', ')}, count(*) FROM ${rel}${i.predicate ? ` WHERE ${i.predicate}` : ''} GROUP BY ${groupBy} HAVING count(*) > 1 LIMIT 20;`;
  const first = cols[0] as { column: Column; matched: string };
  const col = first.column.name;
  const label = `${tableLabel(table)}.${col}`;
  const example = /email/.test(first.matched)
    ? '`Bob@example.com` and `bob@example.com`'
    : first.matched === 'slug'
      ? '`My-Post` and `my-post`'
      : /domain|host/.test(first.matched) ? '`Example.com` and `example.com`' : '`Alice` and `alice`';
  const softDelete = softDeleteColumn(table);
  const liveKeys = keys.filter((_, n) => i.keys[n]?.column !== softDelete?.name);
  const softDeleteNote = softDelete && !i.primary && liveKeys.length > 0 && !(i.predicate !== null && mentions(i.predicate, softDelete.name))
    ? ` ${tableLabel(table)} also soft-deletes rows (\`${softDelete.name}\`): see soft-delete-unique, and consider one index on (${liveKeys.join(', ')}) WHERE ${liveRowsPredicate(softDelete)} that fixes both.`
    : '';
  const evidence = `the name ends with "${first.matched}"; identity names: ${lexiconSample(CASE_INSENSITIVE_IDENTITY_WORDS)}`;
  const problem =
    `\`${label}\` is unique through ${uniqueLabel(i)}, but the comparison is case-sensitive (\`${first.column.type}\`, no lower(), citext or case-insensitive collation): ` +
    `${example} are different values, so the same ${first.matched.replace(/_/g, ' ')} can be registered twice and a lookup by the other spelling misses the row. `;
  const objects = [uniqueRef(table, i), ...names.map((n) => columnRef(table, n))];
  const details = { index: i.name, constraint: i.constraint, columns: names, matched: cols.map((x) => x.matched) };
  const citext = `CREATE EXTENSION IF NOT EXISTS citext; ALTER TABLE ${rel} ALTER COLUMN ${quoteIdent(col)} TYPE citext; keeps the existing constraint and makes every ` +
    `comparison case-insensitive (it rebuilds the column's indexes under ACCESS EXCLUSIVE and fails on the same case-duplicates).`;

  if (cols.every((x) => x.matched === 'slug')) {
    // Slugs are generated, not typed: keeping them lowercase is cheaper than a second index and lets the existing one serve lookups.
    const expression = names.map((n) => `${quoteIdent(n)} = lower(${quoteIdent(n)})`).join(' AND ');
    const check = freshConstraintName(table, names, 'lowercase');
    return {
      objects,
      severity: 'low',
      message:
        `${problem}Slugs are usually generated lowercase by the application, so this is low (${evidence}); ` +
        `a CHECK (${expression}) makes the rule the database's and keeps the existing unique index serving lookups.`,
      details: { ...details, check },
      fix: {
        sql: addCheckSql(table, check, expression),
        notes:
          `Pre-check (rows with capitals make VALIDATE fail; lowercase them first, minding duplicates that lowercasing creates): ` +
          `SELECT ${columnList(names)} FROM ${rel} WHERE NOT (${expression}) LIMIT 20; ` +
          `NOT VALID adds the CHECK with a brief ACCESS EXCLUSIVE lock and no scan; VALIDATE scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes through. ` +
          `If slugs may keep their capitals, build CREATE UNIQUE INDEX CONCURRENTLY … (${keys.join(', ')}) instead; or: ${citext}`,
      },
    };
  }

  return {
    objects,
    message:
      `${problem}The name marks a case-insensitive identity (${evidence}), and the UNIQUE shows the intent. ` +
      `Enforce uniqueness on lower(${quoteIdent(col)})${cols.length > 1 ? ` (and likewise ${names.slice(1).map((n) => `\`${n}\``).join(', ')})` : ''}, or make the column citext.`,
    details: { ...details, replacementIndex: ddl.name },
    fix: {
      sql: [ddl.sql, retire.sql].filter((x): x is string => x !== null).join('\n'),
      notes:
        `Pre-check (existing case-duplicates make the build fail; merge them first): ${precheck} ${ddl.notes} ${retire.note} ` +
        `Queries must compare lower(${quoteIdent(col)}) = lower($1) to use the new index, and ON CONFLICT (${i.keys.map((k) => k.expression).join(', ')}) targets become ON CONFLICT (${keys.join(', ')}). ` +
        `Alternative: ${citext}${softDeleteNote}`,
    },
  };
}

export default defineRule({
  meta: {
    id: 'case-sensitive-unique',
    category: 'integrity',
    severity: 'medium',
    title: 'Unique identity compared case-sensitively',
    rationale:
      'Emails, usernames and domains are identities people type in any case, but a UNIQUE on text compares bytes: `Bob@x.com` and ' +
      '`bob@x.com` both sign up, password resets and logins find the wrong account or none, and merging the duplicates later means merging ' +
      'their data. Uniqueness on lower(column), a citext column or a case-insensitive collation closes the gap; for generated values such ' +
      'as slugs, a CHECK that keeps them lowercase does.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const table of judgedTables(catalog)) {
      for (const i of uniqueIndexes(table)) {
        const cols: Array<{ column: Column; matched: string }> = [];
        for (const k of i.keys) {
          if (k.column === null) continue;
          const column = table.columns.find((c) => c.name === k.column);
          if (!column || column.isArray) continue;
          const base = column.domainBaseType ?? column.typeName;
          if (!TEXT_TYPES.has(base) && base !== 'citext') continue;
          const matched = endsWithPhrase(column.name, CASE_INSENSITIVE_IDENTITY_WORDS);
          if (!matched) continue;
          if (normalisedBy(catalog, table, i, column) !== null) continue;
          cols.push({ column, matched });
        }
        if (cols.length > 0) out.push(finding(catalog, table, i, cols));
      }
    }
    return out;
  },
});
