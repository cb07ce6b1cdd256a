/**
 * Helpers and lexicons for the integrity rules that judge uniqueness and value domains:
 * case-sensitive-unique, soft-delete-unique, junction-without-unique, missing-domain-check and
 * exclusive-flag-unenforced. Lexicons here are quoted in messages as evidence, like those in
 * ../lexicon.ts; they live here because only these rules use them.
 */
import type { Catalog, Column, Constraint, Index, Table } from '../../catalog/model.js';
import { constraintRef, indexRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import type { ObjectRef } from '../../result.js';
import { dropIndexDdl } from '../indexes/shared.js';
import { lookup, tableKey } from '../keys/lookup.js';
import { truncateIdentifier } from '../keys/shared.js';
import { hasPhrase, nameWords } from '../lexicon.js';
import { isToolTable } from '../naming/shared.js';
import { reviewedTables } from '../types/shared.js';

/** Names (as word sequences, matched at the end of a column name) whose values are identities people type in any case. */
export const CASE_INSENSITIVE_IDENTITY_WORDS: readonly string[] = [
  'email', 'email_address', 'username', 'user_name', 'login', 'login_name', 'handle', 'screen_name', 'slug', 'domain',
  'domain_name', 'hostname', 'host_name', 'subdomain',
];

/** Whole column names that mark a soft-deleted (or archived) row, best first. */
export const SOFT_DELETE_COLUMN_NAMES: readonly string[] = [
  'deleted_at', 'is_deleted', 'deleted', 'deleted_on', 'deleted_date', 'discarded_at', 'trashed_at', 'removed_at',
  'is_removed', 'archived_at', 'is_archived',
];

/**
 * Words that make a unique column a permanent identifier that must stay unique even across deleted
 * rows (an invoice number, an API key hash, a provider's id): reusing it would be the bug.
 */
export const PERMANENT_IDENTIFIER_WORDS: readonly string[] = [
  'id', 'uuid', 'guid', 'token', 'hash', 'hashed', 'digest', 'checksum', 'fingerprint', 'signature', 'nonce', 'secret', 'key',
  'code', 'number', 'no', 'num', 'ref', 'reference', 'serial', 'sequence', 'external', 'stripe', 'provider', 'invoice',
  'receipt', 'idempotency', 'txid',
];

/** Boolean flags that, by name, mark one row among its siblings (after an optional `is_`). */
export const EXCLUSIVE_FLAG_WORDS: readonly string[] = ['default', 'primary', 'current', 'main', 'preferred', 'selected', 'active'];

/**
 * Tables where `is_active` picks one row (the active theme, version, plan): elsewhere (users, API
 * keys, products) many rows are active at once, so `is_active` is judged only on these.
 */
export const ACTIVE_EXCLUSIVE_TABLE_WORDS: readonly string[] = [
  'theme', 'version', 'revision', 'config', 'configuration', 'setting', 'settings', 'plan', 'subscription', 'layout',
];

/** Of those, the ones a whole application has exactly one active of (a site theme), even without an owner. */
export const ACTIVE_SINGLETON_TABLE_WORDS: readonly string[] = ['theme', 'config', 'configuration', 'setting', 'settings'];

/** Foreign-key columns that name the owner of a row, best first (the tenant key names follow). */
export const OWNER_KEY_NAMES: readonly string[] = [
  'user_id', 'owner_id', 'customer_id', 'member_id', 'profile_id', 'person_id', 'account_id', 'organization_id',
  'organisation_id', 'org_id', 'team_id', 'workspace_id', 'tenant_id', 'company_id', 'project_id', 'userId', 'ownerId',
  'customerId', 'memberId', 'profileId', 'accountId', 'organizationId', 'orgId', 'teamId', 'workspaceId', 'tenantId',
  'companyId', 'projectId',
];

/**
 * Tables these rules judge: the user's own (partitions through their parent), not foreign tables
 * (their shape belongs to the remote server) and not migration-tool bookkeeping such as `_prisma_migrations`.
 */
export function judgedTables(catalog: Catalog): Table[] {
  return reviewedTables(catalog).filter((t) => t.kind !== 'foreign table' && !isToolTable(t));
}

/**
 * Does a regular expression, anchored at both ends, refuse every uppercase letter? `^[a-z0-9-]+$`
 * does; `^[a-z].*$`, `[^@]+`, `\w+` or a pattern with a literal capital do not.
 */
export function regexRefusesUppercase(pattern: string): boolean {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return false;
  if (/\\[wSD]|\[\^|\[:(alpha|alnum|upper|print|graph|word):\]/.test(pattern)) return false;
  // Outside bracket expressions, an unescaped `.` matches any character.
  const outside = pattern.replace(/\\./g, '').replace(/\[[^\]]*\]/g, '');
  if (outside.includes('.')) return false;
  return !/[A-Z]/.test(pattern.replace(/\\[a-zA-Z]/g, ''));
}

/**
 * A CHECK that keeps uppercase out of the column: `slug ~ '^[a-z0-9-]+$'` (an anchored, case-sensitive
 * match that admits no capital) or `slug !~ '[A-Z]'`.
 */
export function checkRefusesUppercase(definition: string, column: string): boolean {
  const col = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|[^A-Za-z0-9_$])"?${col}"?\\)?(?:::[a-z ]+)?\\s*(!?)~\\s*'((?:[^']|'')*)'`, 'g');
  for (const m of definition.matchAll(re)) {
    const negated = m[2] === '!';
    const pattern = (m[3] as string).replace(/''/g, "'");
    if (!negated && regexRefusesUppercase(pattern)) return true;
    if (negated && /\[A-Z\]|\[\[:upper:\]\]/.test(pattern)) return true;
  }
  return false;
}

/** Is the identifier `name` mentioned in a constraint/index definition (quoted or not, as a whole word)? */
export function mentions(text: string, name: string): boolean {
  // Cheap rejection first: most definitions do not contain the name at all.
  if (!name.includes('"') && !text.toLowerCase().includes(name.toLowerCase())) return false;
  let re = mentionPatterns.get(name);
  if (!re) {
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/"/g, '""');
    re = new RegExp(`(^|[^A-Za-z0-9_$"])("${esc}"|${esc})($|[^A-Za-z0-9_$"])`, /^[a-z_][a-z0-9_$]*$/.test(name) ? 'i' : '');
    if (mentionPatterns.size > 50_000) mentionPatterns.clear();
    mentionPatterns.set(name, re);
  }
  return re.test(text);
}

const mentionPatterns = new Map<string, RegExp>();

/** CHECK constraints of the table that mention the column. */
export function checksOn(table: Table, column: string): Constraint[] {
  return table.constraints.filter((c) => c.type === 'check' && (c.columns.includes(column) || mentions(c.definition, column)));
}

/** The domain a column is declared with, when it is one. */
export function domainOf(catalog: Catalog, c: Column): Catalog['domains'][number] | undefined {
  if (c.domainBaseType === null) return undefined;
  return catalog.domains.find((d) => d.name === c.typeName && d.schema === c.typeSchema);
}

/** Valid unique indexes of a table (PK included), whether they back a constraint or not. */
export function uniqueIndexes(table: Table): Index[] {
  return table.indexes.filter((i) => i.unique && i.valid);
}

/** The object a finding about a unique index names: its constraint when it backs one, else the index. */
export function uniqueRef(table: Table, i: Index): ObjectRef {
  return i.constraint !== null ? constraintRef(table, { name: i.constraint }) : indexRef(i);
}

/** `constraint users_email_key` / `unique index users_email_idx` / `primary key users_pkey`. */
export function uniqueLabel(i: Index): string {
  if (i.primary) return `primary key ${i.constraint ?? i.name}`;
  return i.constraint !== null ? `constraint ${i.constraint}` : `unique index ${i.name}`;
}

/** One key as SQL, with its opclass and direction: `lower(email)`, `created_at DESC`. */
export function keySql(k: Index['keys'][number]): string {
  return `${k.expression}${k.opclass ? ` ${k.opclass}` : ''}${k.descending ? ' DESC' : ''}`;
}

/**
 * How to retire a unique index once its replacement exists. A primary key stays (other tables and
 * replication rely on it), and so does a key that foreign keys reference (Postgres refuses the drop).
 */
export function retireUnique(catalog: Catalog, table: Table, i: Index): { sql: string | null; note: string } {
  if (i.primary) return { sql: null, note: `The primary key ${i.constraint ?? i.name} stays: the new index adds the rule beside it.` };
  const keyCols = i.keys.map((k) => k.column);
  const referencing = (lookup(catalog).referencedBy.get(tableKey(table.schema, table.name)) ?? []).filter(({ constraint }) => {
    const ref = constraint.references?.columns ?? [];
    return ref.length === keyCols.length && ref.every((c) => keyCols.includes(c));
  });
  if (referencing.length > 0) {
    const names = referencing.map(({ table: t, constraint }) => `${t.name}.${constraint.name}`).join(', ');
    return {
      sql: null,
      note: `${i.constraint ?? i.name} is referenced by the foreign key${referencing.length > 1 ? 's' : ''} ${names}, so it cannot be dropped; keep it beside the new index.`,
    };
  }
  if (i.constraint !== null) {
    return {
      sql: `ALTER TABLE ${qualify(table.schema, table.name)} DROP CONSTRAINT ${quoteIdent(i.constraint)};`,
      note: `Dropping ${i.constraint} takes a brief ACCESS EXCLUSIVE lock on ${table.name} (no scan); set a lock_timeout.`,
    };
  }
  const d = dropIndexDdl(i);
  return { sql: d.sql, note: d.notes };
}

/** Columns named in `RANGE (a, b)` / `LIST (a)`; null when the key holds expressions. */
export function partitionKeyColumns(table: Table): string[] | null {
  if (table.kind !== 'partitioned table' || table.partitionKey === null) return [];
  const m = /^\w+\s*\((.*)\)$/.exec(table.partitionKey.trim());
  if (!m) return null;
  const cols = (m[1] as string).split(',').map((s) => s.trim());
  const plain = cols.map((c) => /^"((?:[^"]|"")+)"$/.exec(c)?.[1]?.replace(/""/g, '"') ?? (/^[a-z_][a-z0-9_$]*$/.test(c) ? c : null));
  return plain.every((c): c is string => c !== null) ? plain : null;
}

/** A CHECK constraint name for the table, Postgres-style, not yet taken on it. */
export function freshConstraintName(table: Table, parts: string[], suffix: string): string {
  const taken = new Set(table.constraints.map((c) => c.name));
  for (let n = 0; ; n++) {
    const tail = `_${suffix}${n === 0 ? '' : String(n)}`;
    const name = `${truncateIdentifier([table.name, ...parts].join('_'), 63 - Buffer.byteLength(tail, 'utf8'))}${tail}`;
    if (!taken.has(name)) return name;
  }
}

/** The soft-delete column of a table (timestamp/date or boolean), best first, or null. */
export function softDeleteColumn(table: Table): Column | null {
  const byWords = new Map<string, Column>();
  for (const x of table.columns) {
    if (x.isArray) continue;
    const key = nameWords(x.name).join('_');
    if (!byWords.has(key)) byWords.set(key, x);
  }
  for (const name of SOFT_DELETE_COLUMN_NAMES) {
    const c = byWords.get(name);
    if (!c) continue;
    if (c.typeCategory === 'D' || c.typeName === 'bool' || c.domainBaseType === 'bool') return c;
  }
  return null;
}

/** The WHERE clause that selects live rows for a soft-delete column (optionally through a table alias). */
export function liveRowsPredicate(c: Column, alias?: string): string {
  const col = `${alias ? `${alias}.` : ''}${quoteIdent(c.name)}`;
  if (c.typeCategory === 'D') return `${col} IS NULL`;
  return c.notNull ? `NOT ${col}` : `${col} IS NOT TRUE`;
}

/** True when the column's last words are one of the phrases (`primary_email` ends with `email`). */
export function endsWithPhrase(name: string, phrases: readonly string[]): string | null {
  const words = nameWords(name);
  for (const p of phrases) {
    const pw = p.split('_');
    if (pw.length <= words.length && hasPhrase(words.slice(words.length - pw.length), pw)) return p;
  }
  return null;
}

const BUILTIN_COLLATION = /^(default|C|POSIX|ucs_basic|pg_c_utf8|pg_unicode_fast|unicode|C\.(utf8|UTF-8))$|-x-icu$|^[a-z]{2,3}_[A-Z]{2}(\.[\w-]+)?(@\w+)?$/;

/**
 * Could this collation compare case-insensitively? The catalog does not carry
 * pg_collation.collisdeterministic, so a collation the user created (anything but the built-in
 * libc/ICU/builtin ones, which are all deterministic) is taken to be the nondeterministic kind.
 */
export function maybeCaseInsensitiveCollation(name: string | null): boolean {
  if (name === null) return false;
  return !BUILTIN_COLLATION.test(name.replace(/^"|"$/g, ''));
}

/** The collation an index key is declared with (`email COLLATE ci`), read off the index definition. */
export function keyCollation(i: Index, column: string): string | null {
  const esc = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`[(,]\\s*"?${esc}"?\\s+COLLATE\\s+((?:"[^"]+"|[\\w.-]+)(?:\\.(?:"[^"]+"|[\\w.-]+))?)`).exec(i.definition);
  if (!m) return null;
  const last = (m[1] as string).split('.').pop() as string;
  return last.replace(/^"|"$/g, '');
}

/** `a, b` with each identifier quoted as needed. */
export function columnList(columns: string[]): string {
  return columns.map(quoteIdent).join(', ');
}

/** Backquoted, comma-joined names for messages: `user_id`, `role_id`. */
export function codeList(names: string[]): string {
  return names.map((n) => `\`${n}\``).join(', ');
}

/** First letter upper-cased, for sentences that start with a generated label. */
export function capitalize(s: string): string {
  return s.length === 0 ? s : `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`;
}
