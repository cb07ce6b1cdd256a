/**
 * Reading a schema for capabilities: names matched by their words (never substrings, so `prepaid`
 * is not `paid`), the users table, the table an app signs users in with, admin evidence. Shared by
 * every capability's trigger and recogniser.
 */
import type { Catalog, Column, Constraint, Location, Table } from '../catalog/model.js';
import type { Conventions } from '../catalog/conventions.js';
import { columnRef, findTable, foreignKeys, isPartition, tableRef, userTables } from '../catalog/helpers.js';
import { USER_TABLE_WORDS, nameWords, singular } from '../rules/lexicon.js';
import type { ObjectRef } from '../result.js';

const reviewedMemo = new WeakMap<Catalog, Table[]>();

/** User tables judged directly: partitions are judged through their parent. */
export function reviewed(catalog: Catalog): Table[] {
  let out = reviewedMemo.get(catalog);
  if (!out) {
    out = userTables(catalog).filter((t) => !isPartition(t));
    reviewedMemo.set(catalog, out);
  }
  return out;
}

// Every capability reads the words of every table and column name: splitting each name once keeps
// a 10,000-table schema in the analysis budget. Names repeat across tables, so the caches stay small.
const wordsCache = new Map<string, string[]>();
const singularCache = new Map<string, string[]>();
const CACHE_LIMIT = 200_000;

/** `nameWords`, cached: `createdAt` → [created, at]. */
export function nw(name: string): string[] {
  let w = wordsCache.get(name);
  if (!w) {
    if (wordsCache.size > CACHE_LIMIT) wordsCache.clear();
    w = nameWords(name);
    wordsCache.set(name, w);
  }
  return w;
}

const snakeCache = new Map<string, string>();

/** The words of a name joined with underscores, cached: `createdAt` → `created_at`. */
export function snake(name: string): string {
  let w = snakeCache.get(name);
  if (w === undefined) {
    if (snakeCache.size > CACHE_LIMIT) snakeCache.clear();
    w = nw(name).join('_');
    snakeCache.set(name, w);
  }
  return w;
}

/** The singular words of a name: `RefreshTokens` → [refresh, token], `user_identities` → [user, identity]. */
export function words(name: string): string[] {
  let w = singularCache.get(name);
  if (!w) {
    if (singularCache.size > CACHE_LIMIT) singularCache.clear();
    w = nw(name).map(singular);
    singularCache.set(name, w);
  }
  return w;
}

export function lastWord(name: string): string {
  const w = words(name);
  return w[w.length - 1] ?? '';
}

/** True when any word of the name is one of `lexicon` (singular forms). */
export function hasWord(name: string, lexicon: readonly string[]): boolean {
  return words(name).some((w) => lexicon.includes(w));
}

/** `users`, `auth.users` — how messages name a table. */
export function label(t: { schema: string; name: string }): string {
  return t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
}

export function columnLabel(t: { schema: string; name: string }, c: { name: string }): string {
  return `${label(t)}.${c.name}`;
}

/** Where a column was declared (or last altered), else its table. */
export function columnLocation(t: Table, c: Column): Location | null {
  return c.provenance.created ?? c.provenance.altered ?? t.provenance.created ?? null;
}

export function subjectColumn(t: Table, c: Column): { subject: ObjectRef; location: Location | null } {
  return { subject: columnRef(t, c.name), location: columnLocation(t, c) };
}

export function subjectTable(t: Table): { subject: ObjectRef; location: Location | null } {
  return { subject: tableRef(t), location: t.provenance.created ?? null };
}

/** The Table object of the users table the conventions found (auth.users on Supabase), or null. */
export function usersTable(catalog: Catalog, conv: Conventions): Table | null {
  if (conv.userTable) return findTable(catalog, conv.userTable.schema, conv.userTable.name) ?? null;
  return catalog.supabase ? findTable(catalog, 'auth', 'users') ?? null : null;
}

const USER_WORDS = new Set(USER_TABLE_WORDS.map(singular));

/** A NextAuth/Auth.js `accounts` table links provider logins to users; it does not hold users. */
export function isLinkedAccountsTable(t: Table): boolean {
  return t.columns.some((c) => /^provider_?account_?id$/i.test(c.name));
}

const userLikeMemo = new WeakMap<Catalog, Table[]>();

/** Tables that hold people who sign in: the users table and any table named for accounts (admins, admin_users, members, …). */
export function userLikeTables(catalog: Catalog, conv: Conventions): Table[] {
  const memo = userLikeMemo.get(catalog);
  if (memo) return memo;
  const users = usersTable(catalog, conv);
  const out = users && users.origin === 'user' ? [users] : [];
  for (const t of reviewed(catalog)) {
    if (t === users || isLinkedAccountsTable(t)) continue;
    if (USER_WORDS.has(lastWord(t.name))) out.push(t);
  }
  userLikeMemo.set(catalog, out);
  return out;
}

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext', 'bytea']);

function textual(c: Column): boolean {
  return !c.isArray && TEXT_TYPES.has(c.domainBaseType ?? c.typeName);
}

/** The words that make a column a password: `password_hash`, `hashedPassword`, `encrypted_password`, `password_digest`. */
export const PASSWORD_WORDS: readonly string[] = ['password', 'passwd', 'pwd', 'passphrase'];

/** Words that make a password-named column something else: a reset token, a timestamp, a policy, a salt. */
const NOT_A_PASSWORD: readonly string[] = [
  'reset', 'recovery', 'token', 'code', 'changed', 'updated', 'expires', 'expiry', 'expiration', 'expired', 'at', 'on', 'hint',
  'policy', 'required', 'set', 'attempt', 'count', 'version', 'algorithm', 'salt', 'history', 'confirmation', 'must', 'change',
  'last', 'length', 'strength', 'is', 'has', 'need', 'needs', 'sent', 'requested', 'question', 'answer', 'enabled',
];

export function passwordColumn(t: Table): Column | undefined {
  return t.columns.find((c) => {
    const w = nw(c.name);
    return textual(c) && w.some((x) => PASSWORD_WORDS.includes(x)) && !w.some((x) => NOT_A_PASSWORD.includes(x));
  });
}

export interface OwnAuth {
  table: Table;
  password: Column;
}

/** The table the application signs users in with its own passwords: the users table first, then admins, members, … */
export function ownAuth(catalog: Catalog, conv: Conventions): OwnAuth | null {
  for (const t of userLikeTables(catalog, conv)) {
    const password = passwordColumn(t);
    if (password) return { table: t, password };
  }
  return null;
}

/** Every user-like table with a password column (an app may sign in users and admins separately). */
export function allOwnAuth(catalog: Catalog, conv: Conventions): OwnAuth[] {
  const out: OwnAuth[] = [];
  for (const t of userLikeTables(catalog, conv)) {
    const password = passwordColumn(t);
    if (password) out.push({ table: t, password });
  }
  return out;
}

export function emailColumn(t: Table): Column | undefined {
  return t.columns.find((c) => {
    const w = nw(c.name);
    return textual(c) && (w.join('_') === 'email' || w.join('_') === 'email_address' || w.join('_') === 'primary_email' || w.join('_') === 'e_mail');
  });
}

/** The FK of `t` that references `target`, if any. */
export function foreignKeyTo(t: Table, target: { schema: string; name: string }): Constraint | undefined {
  return foreignKeys(t).find((fk) => fk.references?.schema === target.schema && fk.references.table === target.name);
}

/** Does `t` belong to a user: an FK to the users table (or any user-like table), or a `user_id`-like column? */
export function isUserOwned(catalog: Catalog, conv: Conventions, t: Table): boolean {
  const users = usersTable(catalog, conv);
  if (users && foreignKeyTo(t, users)) return true;
  if (foreignKeys(t).some((fk) => fk.references && USER_WORDS.has(lastWord(fk.references.table)))) return true;
  return t.columns.some((c) => {
    const w = words(c.name);
    return w.length === 2 && w[1] === 'id' && (w[0] === 'user' || w[0] === 'member' || w[0] === 'profile' || w[0] === 'customer' || w[0] === 'account');
  });
}

/** Columns whose singular words include any of `lexicon`. */
export function columnsWithWord(t: Table, lexicon: readonly string[]): Column[] {
  return t.columns.filter((c) => words(c.name).some((w) => lexicon.includes(w)));
}

/** Values a column may hold, read from its enum type or a CHECK … IN (…)/= ANY (ARRAY[…]) on it. */
export function closedValues(catalog: Catalog, t: Table, c: Column): string[] {
  const e = catalog.enums.find((x) => x.name === c.typeName && x.schema === c.typeSchema);
  if (e) return e.values;
  const out: string[] = [];
  for (const k of t.constraints) {
    if (k.type !== 'check' || !(k.columns.includes(c.name) || k.definition.includes(c.name))) continue;
    for (const m of k.definition.matchAll(/'((?:[^']|'')*)'/g)) out.push((m[1] as string).replace(/''/g, "'"));
  }
  return out;
}

export interface Evidence {
  text: string;
  subject: ObjectRef;
  location: Location | null;
}

/** Tables that people join: the groups of a collaborative app. */
export const GROUP_WORDS: readonly string[] = [
  'organization', 'organisation', 'org', 'team', 'workspace', 'company', 'group', 'tenant', 'household', 'family', 'club',
  'community', 'project', 'board',
];

/** A table that links people to a group (`team_members`): its roles are roles in the group, not in the app. */
export function isMembershipLink(t: Table): boolean {
  return foreignKeys(t).some((fk) => fk.references && fk.references.table !== t.name && GROUP_WORDS.includes(lastWord(fk.references.table)));
}

const ADMIN_FLAG_NAMES = ['is_admin', 'admin', 'is_superuser', 'superuser', 'is_super_admin', 'super_admin', 'is_staff', 'is_superadmin'];

/**
 * Signs of an admin panel or back office: admin tables (admins, admin_users), roles with permissions,
 * an is_admin flag or an `admin` value in a user's role. Admin panels want settings and an audit log.
 */
export function adminEvidence(catalog: Catalog, conv: Conventions): Evidence[] {
  const out: Evidence[] = [];
  const tables = reviewed(catalog);
  for (const t of tables) {
    if (hasWord(t.name, ['admin', 'administrator', 'superadmin', 'backoffice'])) {
      out.push({ text: `an admin table \`${label(t)}\``, ...subjectTable(t) });
    }
  }
  const permissions = tables.filter((t) => lastWord(t.name) === 'permission');
  const roles = tables.filter((t) => lastWord(t.name) === 'role' && !hasWord(t.name, ['admin']));
  if (permissions.length > 0 && roles.length > 0) {
    out.push({ text: `roles and permissions (\`${label(roles[0] as Table)}\`, \`${label(permissions[0] as Table)}\`)`, ...subjectTable(roles[0] as Table) });
  } else if (permissions.length > 0) {
    out.push({ text: `a permissions table \`${label(permissions[0] as Table)}\``, ...subjectTable(permissions[0] as Table) });
  }
  for (const t of userLikeTables(catalog, conv)) {
    if (isMembershipLink(t)) continue;
    for (const c of t.columns) {
      const s = snake(c.name);
      if (ADMIN_FLAG_NAMES.includes(s) && (c.typeName === 'bool' || c.domainBaseType === 'bool')) {
        out.push({ text: `an admin flag \`${columnLabel(t, c)}\``, ...subjectColumn(t, c) });
      } else if (lastWord(c.name) === 'role' || s === 'user_type' || s === 'account_type') {
        const admin = closedValues(catalog, t, c).find((v) => nw(v).some((w) => w === 'admin' || w === 'superadmin' || w === 'administrator'));
        if (admin !== undefined) out.push({ text: `\`${columnLabel(t, c)}\` can be '${admin}'`, ...subjectColumn(t, c) });
      }
    }
  }
  return out;
}

/** "a, b and c" */
export function listPhrase(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
