/**
 * Facts shared by the naming rules (and by the structure and docs rules): which tables are the
 * team's own design, how a name fits a case style, and how a rename is written and shipped.
 */
import type { Catalog, Table } from '../../catalog/model.js';
import { isPartition, qualify, quoteIdent, userTables } from '../../catalog/helpers.js';
import { nameIn, namingStyleOf, type NamingStyle } from '../../catalog/conventions.js';
import { nameWords, singular } from '../lexicon.js';
import type { ReviewSettings } from '../types.js';
import { isToolTable as isCatalogToolTable } from '../../catalog/tool-tables.js';
import { namesInSchema, type NameSet } from '../keys/lookup.js';

export type { NameSet };

/** Prisma's implicit many-to-many tables: `_CategoryToPost` with columns `A` and `B`. */
const PRISMA_IMPLICIT_RELATION = /^_[A-Z][A-Za-z0-9]*To[A-Z][A-Za-z0-9]*$/;

/** Tool bookkeeping (see catalog/tool-tables.ts) and Prisma's implicit relation tables, whose names Prisma chose. */
export function isToolTable(t: Pick<Table, 'name' | 'columns'>): boolean {
  return isCatalogToolTable(t) || PRISMA_IMPLICIT_RELATION.test(t.name);
}

/** The tables whose design these rules judge: the user's own, partitions through their parent, no tool bookkeeping. */
export function judgedTables(catalog: Catalog): Table[] {
  return userTables(catalog).filter((t) => !isPartition(t) && !isToolTable(t));
}

/** Human label without `public.`. */
export function label(t: { schema: string; name: string }): string {
  return t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
}

/** `a`, `a and b`, `a, b and c`, `a, b, c, … (12)`: readable lists in messages. */
export function listOf(items: readonly string[], max = 6): string {
  if (items.length <= 1) return items.join('');
  if (items.length <= max) return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] as string}`;
  return `${items.slice(0, max).join(', ')}, … (${items.length})`;
}

export function backticked(items: readonly string[]): string[] {
  return items.map((i) => `\`${i}\``);
}

const FITS: Readonly<Record<NamingStyle, RegExp>> = {
  // Lowercase words, digits and underscores: the only names Postgres never needs quoted.
  snake_case: /^[a-z_][a-z0-9_]*$/,
  camelCase: /^[a-z][a-zA-Z0-9]*$/,
  PascalCase: /^[A-Z][a-zA-Z0-9]*$/,
};

/** Does `name` fit `style`? Single lowercase words (`id`, `email`) fit both snake_case and camelCase. */
export function fitsStyle(name: string, style: NamingStyle): boolean {
  return FITS[style].test(name);
}

/** Postgres folds unquoted identifiers to lower case: anything else must be written "quoted" everywhere. */
export function needsQuoting(name: string): boolean {
  return !/^[a-z_][a-z0-9_$]*$/.test(name);
}

/** What a name looks like, for messages: `camelCase`, `contains a space`, `upper case`. */
export function describeStyle(name: string): string {
  if (/\s/.test(name)) return 'contains a space';
  if (/-/.test(name)) return 'contains a hyphen';
  const style = namingStyleOf(name);
  if (style) return style;
  if (/^[a-z][a-z0-9]*$/.test(name)) return 'one lowercase word';
  if (/^[A-Z][A-Z0-9_]*$/.test(name)) return 'upper case';
  if (/[A-Z]/.test(name) && /_/.test(name)) return 'mixed case with underscores';
  return 'mixed style';
}

/** `customerId` → `customer_id` (snake_case), `order_items` → `OrderItems` (PascalCase). */
export function toStyle(name: string, style: NamingStyle): string {
  const words = nameWords(name);
  return words.length === 0 ? name : nameIn(style, words);
}

/** The style a name is written in, so a changed word can be put back the same way; null when it has none. */
export function styleOfName(name: string): NamingStyle | null {
  const style = namingStyleOf(name);
  if (style) return style;
  if (/^[a-z][a-z0-9]*$/.test(name)) return 'snake_case';
  return null;
}

/** `name` with its last word replaced: `order_item` + plural → `order_items`, `OrderItem` → `OrderItems`. */
export function replaceLastWord(name: string, change: (word: string) => string): string | null {
  const style = styleOfName(name);
  const words = nameWords(name);
  const last = words[words.length - 1];
  if (!style || last === undefined) return null;
  return nameIn(style, [...words.slice(0, -1), change(last)]);
}

const IRREGULAR_PLURALS: Readonly<Record<string, string>> = {
  person: 'people', child: 'children', man: 'men', woman: 'women', criterion: 'criteria', datum: 'data', mouse: 'mice',
  foot: 'feet', tooth: 'teeth', goose: 'geese', alumnus: 'alumni', phenomenon: 'phenomena',
};
const IRREGULAR_SINGULARS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(IRREGULAR_PLURALS).map(([s, p]) => [p, s]),
);

/** English plural of one lowercase word: `category` → `categories`, `box` → `boxes`. */
export function pluralWord(word: string): string {
  const irregular = IRREGULAR_PLURALS[word];
  if (irregular) return irregular;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** English singular of one lowercase word: `categories` → `category`, `people` → `person`. */
export function singularWord(word: string): string {
  return IRREGULAR_SINGULARS[word] ?? singular(word);
}

/** Relation names taken in a schema (tables, views, indexes, sequences share one namespace), plus those handed out since. */
export function relationNamesIn(catalog: Catalog, schema: string): NameSet {
  return namesInSchema(catalog, schema);
}

/** `ALTER TABLE … RENAME TO …;` */
export function renameTableSql(t: { schema: string; name: string }, to: string): string {
  return `ALTER TABLE ${qualify(t.schema, t.name)} RENAME TO ${quoteIdent(to)};`;
}

/** `ALTER TABLE … RENAME COLUMN … TO …;` */
export function renameColumnSql(t: { schema: string; name: string }, from: string, to: string): string {
  return `ALTER TABLE ${qualify(t.schema, t.name)} RENAME COLUMN ${quoteIdent(from)} TO ${quoteIdent(to)};`;
}

/**
 * How a rename ships without an outage. The statement itself is instant; the clients are the
 * problem, and an ORM that does not detect renames turns a rename into DROP + ADD.
 */
export function renameNotes(review: ReviewSettings, what: { tables: boolean; columns: boolean }): string {
  const parts = [
    'RENAME only changes the catalog: it is instant but takes an ACCESS EXCLUSIVE lock for a moment, so set a lock_timeout. '
      + 'Indexes, constraints, foreign keys and views follow the new name by themselves; application queries, ORM models, '
      + 'function bodies and reports that spell the old name break the moment it commits.',
    'Ship it expand/contract: deploy clients that accept both names, rename, then remove the old spelling'
      + (what.tables ? '; for a table, `CREATE VIEW <old name> AS SELECT * FROM <new name>` keeps old readers and simple writers working in between' : '')
      + (what.columns ? '; for a busy column, add the new column, keep both in sync with a trigger, backfill, switch readers, then drop the old one' : '')
      + '.',
  ];
  if (review.orm === 'prisma') {
    parts.push('Prisma Migrate does not detect renames: rename the field and edit the generated migration from DROP + ADD into RENAME, '
      + 'or keep the client name and map it with `@map`/`@@map`.');
  } else if (review.orm === 'drizzle') {
    parts.push('drizzle-kit asks whether a changed name is a rename: answer rename, or it generates DROP + ADD and loses the data.');
  }
  return parts.join(' ');
}
