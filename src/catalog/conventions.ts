/**
 * The schema's own conventions, read from the majority of its tables: identifier style, table
 * plurality, primary-key type and default, timestamp type, main schema, the users table.
 * Rules that judge style compare against these; generated DDL (missing capabilities, fixes)
 * follows them so that it looks like the rest of the schema.
 */
import type { Catalog, Column, Table } from './model.js';
import { isPartition, primaryKey, userTables } from './helpers.js';

export type NamingStyle = 'snake_case' | 'camelCase' | 'PascalCase';

export interface Conventions {
  /** Majority style of column names; ties and empty schemas give snake_case. */
  naming: NamingStyle;
  /** How many column names follow each style (single lowercase words count for none). */
  namingCounts: Record<NamingStyle, number>;
  /** Majority style of table names (Prisma models are often PascalCase with camelCase columns). */
  tableNaming: NamingStyle;
  tableNamingCounts: Record<NamingStyle, number>;
  /** Majority plurality of table names; ties give plural. */
  plurality: 'plural' | 'singular';
  pluralityCounts: { plural: number; singular: number };
  /** The most common single-column primary key: its format_type, default and identity. */
  id: { column: string; type: string; default: string | null; identity: 'always' | 'by default' | null };
  /** `timestamptz` unless most timestamp columns are `timestamp` without time zone. */
  timestampType: 'timestamptz' | 'timestamp';
  /** Column names used for creation/update times (`created_at`/`createdAt`, …). */
  createdAtName: string;
  updatedAtName: string;
  /** The schema holding most user tables (where new tables go). */
  schema: string;
  /** The table that holds user accounts, when one stands out (`users`, `user`, `accounts` with an email, `profiles`, `auth.users` on Supabase). */
  userTable: { schema: string; name: string; idColumn: string; idType: string } | null;
}

const memo = new WeakMap<Catalog, Conventions>();

/** Words of an identifier that has no case or underscore signal ("users") count for no style. */
export function namingStyleOf(name: string): NamingStyle | null {
  if (/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(name)) return 'snake_case';
  if (/^[a-z][a-z0-9]*([A-Z][a-z0-9]*)+$/.test(name)) return 'camelCase';
  if (/^[A-Z][a-z0-9]+([A-Z][a-z0-9]*)*$/.test(name)) return 'PascalCase';
  return null;
}

const UNCOUNTABLE = new Set(['data', 'media', 'metadata', 'news', 'feedback', 'info', 'information', 'history', 'audit', 'equipment', 'staff', 'people', 'series', 'species', 'settings', 'analytics', 'inventory', 'content', 'auth']);

/** Plurality of a table name by its last word, or null when the word cannot tell (`feedback`, `status`). */
export function pluralityOf(name: string): 'plural' | 'singular' | null {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const last = words[words.length - 1];
  if (!last || UNCOUNTABLE.has(last)) return null;
  if (/(ss|us|is|ics)$/.test(last)) return null;
  if (last === 'children' || last === 'men' || last === 'women') return 'plural';
  return /s$/.test(last) ? 'plural' : 'singular';
}

function pkColumn(t: Table): Column | null {
  const pk = primaryKey(t);
  if (!pk || pk.columns.length !== 1) return null;
  return t.columns.find((c) => c.name === pk.columns[0]) ?? null;
}

function mostCommon<T>(items: T[], key: (t: T) => string): T | null {
  const counts = new Map<string, { n: number; first: T }>();
  for (const it of items) {
    const k = key(it);
    const e = counts.get(k);
    if (e) e.n++;
    else counts.set(k, { n: 1, first: it });
  }
  let best: { n: number; first: T } | null = null;
  for (const e of counts.values()) if (!best || e.n > best.n) best = e;
  return best?.first ?? null;
}

const USER_TABLE_NAMES = ['users', 'user', 'app_users', 'app_user', 'accounts', 'account', 'members', 'member', 'profiles', 'profile', 'customers', 'customer'];

function findUserTable(catalog: Catalog, tables: Table[]): Conventions['userTable'] {
  const candidates = [...tables, ...catalog.tables.filter((t) => t.origin === 'shim' && t.schema === 'auth' && t.name === 'users')];
  for (const name of USER_TABLE_NAMES) {
    const matches = candidates.filter((t) => t.name.toLowerCase() === name);
    // An `accounts` table in the NextAuth shape (provider, providerAccountId) links logins, it does not hold users.
    const t = matches.find((m) => !m.columns.some((c) => /^provider(_?account_?id)?$/i.test(c.name) && name.startsWith('account')));
    if (!t) continue;
    const id = pkColumn(t);
    if (!id) continue;
    // A Supabase app's own `profiles`/`users` table usually references auth.users: users are auth.users then.
    return { schema: t.schema, name: t.name, idColumn: id.name, idType: id.type };
  }
  return null;
}

export function detectConventions(catalog: Catalog): Conventions {
  const cached = memo.get(catalog);
  if (cached) return cached;
  const tables = userTables(catalog).filter((t) => !isPartition(t));

  const namingCounts: Record<NamingStyle, number> = { snake_case: 0, camelCase: 0, PascalCase: 0 };
  const tableNamingCounts: Record<NamingStyle, number> = { snake_case: 0, camelCase: 0, PascalCase: 0 };
  for (const t of tables) {
    const ts = namingStyleOf(t.name);
    if (ts) tableNamingCounts[ts]++;
    for (const c of t.columns) {
      const cs = namingStyleOf(c.name);
      if (cs) namingCounts[cs]++;
    }
  }
  const majority = (counts: Record<NamingStyle, number>): NamingStyle =>
    counts.camelCase > counts.snake_case && counts.camelCase >= counts.PascalCase
      ? 'camelCase'
      : counts.PascalCase > counts.snake_case && counts.PascalCase > counts.camelCase
        ? 'PascalCase'
        : 'snake_case';
  const naming = majority(namingCounts);
  const tableNaming = majority(tableNamingCounts);

  const pluralityCounts = { plural: 0, singular: 0 };
  for (const t of tables) {
    const p = pluralityOf(t.name);
    if (p) pluralityCounts[p]++;
  }
  const plurality = pluralityCounts.singular > pluralityCounts.plural ? 'singular' : 'plural';

  const ids = tables.map(pkColumn).filter((c): c is Column => c !== null);
  const idCol = mostCommon(ids, (c) => `${c.type}|${c.identity ?? ''}|${c.default?.replace(/nextval\('[^']*'::regclass\)/, 'nextval') ?? ''}`);
  const id: Conventions['id'] = idCol
    ? { column: idCol.name, type: idCol.type, default: idCol.default?.startsWith('nextval(') ? null : idCol.default, identity: idCol.identity ?? (idCol.default?.startsWith('nextval(') ? 'by default' : null) }
    : { column: 'id', type: 'bigint', default: null, identity: 'always' };
  // serial columns are bigint/integer + nextval: new tables get identity instead (prefer-identity).
  if (idCol?.default?.startsWith('nextval(')) id.identity = 'always';

  let tz = 0;
  let noTz = 0;
  for (const t of tables) {
    for (const c of t.columns) {
      if (c.typeName === 'timestamptz') tz++;
      else if (c.typeName === 'timestamp') noTz++;
    }
  }
  const timestampType = noTz > tz ? 'timestamp' : 'timestamptz';

  const allColumns = tables.flatMap((t) => t.columns.map((c) => c.name));
  const pick = (snake: string, camel: string, others: string[]): string => {
    const found = [snake, camel, ...others].map((n) => ({ n, count: allColumns.filter((c) => c === n).length })).sort((a, b) => b.count - a.count)[0];
    if (found && found.count > 0) return found.n;
    return naming === 'camelCase' ? camel : naming === 'PascalCase' ? camel.replace(/^./, (ch) => ch.toUpperCase()) : snake;
  };

  const schemaCounts = mostCommon(tables, (t) => t.schema);
  const result: Conventions = {
    naming,
    namingCounts,
    tableNaming,
    tableNamingCounts,
    plurality,
    pluralityCounts,
    id,
    timestampType,
    createdAtName: pick('created_at', 'createdAt', ['inserted_at', 'created']),
    updatedAtName: pick('updated_at', 'updatedAt', ['modified_at', 'updated']),
    schema: schemaCounts?.schema ?? 'public',
    userTable: findUserTable(catalog, tables),
  };
  memo.set(catalog, result);
  return result;
}

/** A name in the schema's style: `nameIn(conv, ['refresh', 'token'])` → `refresh_token` / `refreshToken`. */
export function nameIn(naming: NamingStyle, words: string[]): string {
  if (naming === 'snake_case') return words.join('_');
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const joined = words.map((w, i) => (i === 0 ? w : cap(w))).join('');
  return naming === 'PascalCase' ? cap(joined) : joined;
}

/** A table name in the schema's style and plurality: `tableNameIn(conv, ['refresh', 'token'])` → `refresh_tokens`. */
export function tableNameIn(conv: Pick<Conventions, 'tableNaming' | 'plurality'>, words: string[]): string {
  const last = words[words.length - 1] ?? '';
  const plural = last.endsWith('y') && !/[aeiou]y$/.test(last) ? `${last.slice(0, -1)}ies` : /(s|x|ch|sh)$/.test(last) ? `${last}es` : `${last}s`;
  const ws = conv.plurality === 'plural' ? [...words.slice(0, -1), plural] : words;
  return nameIn(conv.tableNaming, ws);
}
