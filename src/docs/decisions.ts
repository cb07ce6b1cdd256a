/**
 * Architecture decisions the schema shows (seed 003's "Architecture Decisions"), each stated from
 * the catalog with counts, examples and the exceptions named. A topic the schema gives no evidence
 * for is left out: no soft-delete section without `deleted_at` columns, no tenancy without a
 * tenant key, no RLS section when no table enables it.
 */
import type { Catalog, Column, Table } from '../catalog/model.js';
import { foreignKeys, isPartition, primaryKey, userTables } from '../catalog/helpers.js';
import { detectConventions, namingStyleOf, pluralityOf, type NamingStyle } from '../catalog/conventions.js';
import { CURRENCY_COLUMN_NAMES, MONEY_NON_AMOUNT_WORDS, MONEY_RATE_PHRASES, MONEY_WORDS, matchLexicon, nameWords } from '../rules/lexicon.js';
import { calledFunctions, inferTenant, mentionsIdentifier } from '../rules/tenancy/tenant.js';
import type { ReviewResult } from '../result.js';
import type { Decision } from './model.js';
import { displayName } from './purpose.js';
import { junctionOf } from './relations.js';

/** Exceptions beyond this many are counted, not named. */
const MAX_EXCEPTIONS = 25;
const MAX_EXAMPLES = 3;

const code = (s: string): string => `\`${s}\``;
const tableName = (t: Table): string => displayName(t.schema, t.name);
const columnName = (t: Table, c: Column | string): string => `${tableName(t)}.${typeof c === 'string' ? c : c.name}`;

/** "`a`, `b` and `c`", "`a`, `b`, `c` and 4 more". */
function list(items: readonly string[], max = MAX_EXAMPLES): string {
  const shown = items.slice(0, max).map(code);
  const parts = items.length > max ? [...shown, `${items.length - max} more`] : shown;
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] as string}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "all 12 tables", "both tables", "the one table", or "9 of 12 tables". */
function ofAll(n: number, total: number, noun: string, many = `${noun}s`): string {
  if (n === total) return total === 1 ? `the one ${noun}` : total === 2 ? `both ${many}` : `all ${total} ${many}`;
  return `${n} of ${total} ${total === 1 ? noun : many}`;
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The verb after ofAll(): "1 of 5 tables uses", "the one table uses", "3 of 5 tables use". */
const verb = (n: number, one: string, many: string): string => (n === 1 ? one : many);

function capped(names: readonly string[]): string[] {
  return names.length <= MAX_EXCEPTIONS ? [...names] : [...names.slice(0, MAX_EXCEPTIONS), `… and ${names.length - MAX_EXCEPTIONS} more`];
}

interface Facts {
  catalog: Catalog;
  result: ReviewResult;
  tables: Table[];
}

export function detectDecisions(catalog: Catalog, result: ReviewResult): Decision[] {
  const facts: Facts = { catalog, result, tables: userTables(catalog).filter((t) => !isPartition(t)) };
  if (facts.tables.length === 0) return [];
  return [primaryKeys, timestamps, softDelete, multiTenancy, rowLevelSecurity, money, naming]
    .map((detect) => detect(facts))
    .filter((d): d is Decision => d !== null);
}

// ── Primary keys ────────────────────────────────────────────────────────────────────────────────

type KeyKind = 'uuid-random' | 'uuid-v7' | 'uuid-db' | 'uuid-app' | 'identity' | 'serial' | 'integer-app' | 'text-app' | 'text-db' | 'other' | 'shared' | 'junction' | 'composite' | 'none';

interface KeyInfo {
  table: Table;
  kind: KeyKind;
  column: Column | null;
}

const INTEGER_TYPES = new Set(['int2', 'int4', 'int8']);
const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext']);

function classifyKey(t: Table): KeyInfo {
  const pk = primaryKey(t);
  if (!pk) return { table: t, kind: 'none', column: null };
  if (pk.columns.length > 1) return { table: t, kind: junctionOf(t) ? 'junction' : 'composite', column: null };
  const column = t.columns.find((c) => c.name === pk.columns[0]) ?? null;
  if (!column) return { table: t, kind: 'other', column };
  if (foreignKeys(t).some((k) => !k.inherited && k.columns.length === 1 && k.columns[0] === column.name)) return { table: t, kind: 'shared', column };
  const def = column.default ?? '';
  const base = column.domainBaseType ?? column.typeName;
  if (base === 'uuid') {
    if (/uuidv7|uuid_generate_v7/i.test(def)) return { table: t, kind: 'uuid-v7', column };
    if (/gen_random_uuid|uuid_generate_v4|uuidv4/i.test(def)) return { table: t, kind: 'uuid-random', column };
    return { table: t, kind: def ? 'uuid-db' : 'uuid-app', column };
  }
  if (INTEGER_TYPES.has(base)) {
    if (column.identity) return { table: t, kind: 'identity', column };
    return { table: t, kind: /nextval\(/i.test(def) ? 'serial' : 'integer-app', column };
  }
  if (TEXT_TYPES.has(base)) return { table: t, kind: def ? 'text-db' : 'text-app', column };
  return { table: t, kind: 'other', column };
}

/** What a group of single-column keys is, as a plural noun phrase: "random UUID primary keys generated by the database (…)". */
function keyLabel(kind: KeyKind, members: KeyInfo[], prisma: boolean): string {
  const first = members[0]?.column;
  const types = [...new Set(members.map((m) => m.column?.type ?? '?'))];
  const typeList = types.map(code).join('/');
  const defaults = [...new Set(members.map((m) => m.column?.default).filter((d): d is string => !!d))].slice(0, 2).map(code).join(', ');
  switch (kind) {
    case 'uuid-random': return `random UUID primary keys generated by the database (${defaults})`;
    case 'uuid-v7': return `time-ordered UUID v7 primary keys (${defaults})`;
    case 'uuid-db': return `UUID primary keys with the default ${defaults}`;
    case 'uuid-app': return `UUID primary keys assigned by the application${prisma ? ' (Prisma Client)' : ''}, with no database default`;
    case 'identity': return `${typeList} identity primary keys (\`GENERATED ${first?.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY\`)`;
    case 'serial': return `${typeList} primary keys from a sequence (\`serial\`: a \`nextval\` default)`;
    case 'integer-app': return `${typeList} primary keys assigned by the application, with no default`;
    case 'text-app': return `${typeList} primary keys assigned by the application${prisma ? ' (Prisma Client, e.g. `@default(cuid())`)' : ''}, with no database default`;
    case 'text-db': return `${typeList} primary keys with the default ${defaults}`;
    default: return `${typeList} primary keys`;
  }
}

function keyEvidence(k: KeyInfo): string {
  const c = k.column;
  if (!c) return code(tableName(k.table));
  const extra = c.identity ? ` GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY` : c.default ? ` DEFAULT ${c.default}` : '';
  return code(`${columnName(k.table, c)} ${c.type}${extra}`);
}

function primaryKeys({ tables, result }: Facts): Decision | null {
  const infos = tables.map(classifyKey);
  const single = infos.filter((i) => !['shared', 'junction', 'composite', 'none'].includes(i.kind));
  const groups = new Map<string, KeyInfo[]>();
  for (const i of single) {
    // Mixed integer widths are two strategies: every FK to them has a different shape.
    const key = i.kind === 'identity' || i.kind === 'serial' || i.kind === 'integer-app' ? `${i.kind}|${i.column?.type ?? ''}` : i.kind;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const ranked = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const prisma = result.source.kind === 'prisma';
  const sentences: string[] = [];
  const evidence: string[] = [];
  const exceptions: string[] = [];
  const main = ranked[0];
  if (main) {
    const [mainKey, members] = main;
    sentences.push(`${capital(ofAll(members.length, tables.length, 'table'))} ${verb(members.length, 'uses', 'use')} ${keyLabel(members[0]?.kind ?? 'other', members, prisma)}.`);
    evidence.push(...members.slice(0, MAX_EXAMPLES).map(keyEvidence));
    const departures: string[] = [];
    for (const [key, others] of ranked.slice(1)) {
      if (key === mainKey) continue;
      departures.push(`${list(others.map((o) => tableName(o.table)))} ${others.length === 1 ? 'uses' : 'use'} ${keyLabel(others[0]?.kind ?? 'other', others, prisma)}`);
      evidence.push(keyEvidence(others[0] as KeyInfo));
      exceptions.push(...others.map((o) => tableName(o.table)));
    }
    if (departures.length > 0) sentences.push(`Instead, ${departures.join('; ')}.`);
  }
  const shared = infos.filter((i) => i.kind === 'shared');
  if (shared.length > 0) {
    const targets = shared.map((s) => {
      const fk = foreignKeys(s.table).find((k) => k.columns.length === 1 && k.columns[0] === s.column?.name);
      return fk?.references ? displayName(fk.references.schema, fk.references.table) : '?';
    });
    const pairs = shared.map((s, i) => `${code(tableName(s.table))} (→ ${code(targets[i] as string)})`);
    sentences.push(`${pairs.slice(0, MAX_EXAMPLES).join(', ')}${shared.length > MAX_EXAMPLES ? ` and ${shared.length - MAX_EXAMPLES} more` : ''} ${shared.length === 1 ? 'shares its primary key with the table it extends' : 'share their primary key with the table they extend'} (one-to-one).`);
    evidence.push(keyEvidence(shared[0] as KeyInfo));
  }
  const junctions = infos.filter((i) => i.kind === 'junction');
  if (junctions.length > 0) {
    sentences.push(`${junctions.length === 1 ? 'The junction table' : 'The junction tables'} ${list(junctions.map((j) => tableName(j.table)))} ${junctions.length === 1 ? 'uses its' : 'use their'} two foreign keys as a composite primary key.`);
  }
  const composite = infos.filter((i) => i.kind === 'composite');
  if (composite.length > 0) {
    const columnsOf = (c: KeyInfo): string => (primaryKey(c.table)?.columns ?? []).map(code).join(', ');
    sentences.push(composite.length === 1
      ? `${code(tableName(composite[0]?.table as Table))} has a composite primary key (${columnsOf(composite[0] as KeyInfo)}).`
      : `${list(composite.map((c) => tableName(c.table)))} have composite primary keys (${composite.slice(0, MAX_EXAMPLES).map((c) => `${code(tableName(c.table))}: ${columnsOf(c)}`).join('; ')}).`);
    exceptions.push(...composite.map((c) => tableName(c.table)));
  }
  const none = infos.filter((i) => i.kind === 'none');
  if (none.length > 0) {
    sentences.push(`${list(none.map((n) => tableName(n.table)))} ${none.length === 1 ? 'has' : 'have'} no primary key.`);
    exceptions.push(...none.map((n) => tableName(n.table)));
  }
  if (sentences.length === 0) return null;
  return { topic: 'primary-keys', title: 'Primary key strategy', summary: sentences.join(' '), evidence, exceptions: capped(exceptions) };
}

// ── Timestamps ──────────────────────────────────────────────────────────────────────────────────

const STAMP_ENDINGS = new Set(['at', 'on', 'date', 'time', 'timestamp']);

function stampOf(c: Column, verbs: readonly string[]): boolean {
  if (c.typeCategory !== 'D' || c.isArray) return false;
  const w = nameWords(c.name);
  if (w.length === 0) return false;
  if (verbs.includes(w[0] as string) && (w.length === 1 || (w.length === 2 && STAMP_ENDINGS.has(w[1] as string)))) return true;
  // dateCreated, date_added
  return w.length === 2 && w[0] === 'date' && verbs.includes(w[1] as string);
}

const CREATED_VERBS = ['created', 'inserted', 'added'];
const UPDATED_VERBS = ['updated', 'modified', 'changed'];
const NOW_DEFAULT = /\b(now|clock_timestamp|statement_timestamp|transaction_timestamp)\(\)|CURRENT_TIMESTAMP|LOCALTIMESTAMP/i;

/** The one or two spellings a schema uses for a column (`created_at`, or `created_at`/`createdAt` in a mixed one). */
function spellings(columns: Column[]): string {
  const counts = new Map<string, number>();
  for (const c of columns) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 2).map(([n]) => n).join('`/`');
}

function mostCommonName(columns: Column[]): string {
  const counts = new Map<string, number>();
  for (const c of columns) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '';
}

/** Enough tables carry it to call it a convention rather than a one-off. */
function isConvention(carriers: number, total: number): boolean {
  return total === 1 ? carriers === 1 : carriers >= 2 && carriers * 3 >= total;
}

function timestamps({ tables, result }: Facts): Decision | null {
  const created = tables.map((t) => ({ t, c: t.columns.find((c) => stampOf(c, CREATED_VERBS)) })).filter((x): x is { t: Table; c: Column } => x.c !== undefined);
  const updated = tables.map((t) => ({ t, c: t.columns.find((c) => stampOf(c, UPDATED_VERBS)) })).filter((x): x is { t: Table; c: Column } => x.c !== undefined);
  if (!isConvention(created.length, tables.length) && !isConvention(updated.length, tables.length)) return null;
  const createdName = spellings(created.map((x) => x.c));
  const updatedName = spellings(updated.map((x) => x.c));
  const sentences: string[] = [];
  const evidence: string[] = [];
  const exceptions: string[] = [];
  const carriers = [
    created.length > 0 ? `${code(createdName)} on ${ofAll(created.length, tables.length, 'table')}` : null,
    updated.length > 0 ? `${code(updatedName)} on ${created.length > 0 ? `${updated.length}${updated.length === tables.length ? '' : ` of ${tables.length}`}` : ofAll(updated.length, tables.length, 'table')}` : null,
  ].filter((s): s is string => s !== null);
  sentences.push(`Rows record when they were written: ${carriers.join(' and ')}.`);

  const stamps = tables.flatMap((t) => t.columns.filter((c) => !c.isArray && (c.typeName === 'timestamp' || c.typeName === 'timestamptz')).map((c) => ({ t, c })));
  const plain = stamps.filter((s) => s.c.typeName === 'timestamp');
  if (stamps.length > 0) {
    if (plain.length === 0) sentences.push(`${capital(ofAll(stamps.length, stamps.length, 'timestamp column'))} ${verb(stamps.length, 'is', 'are')} \`timestamptz\`.`);
    else if (plain.length === stamps.length) sentences.push(`Timestamps are \`timestamp without time zone\` (${plural(stamps.length, 'column')}): the application must agree on one time zone.`);
    else {
      sentences.push(`${stamps.length - plain.length} of ${stamps.length} timestamp columns are \`timestamptz\`; ${list(plain.map((p) => columnName(p.t, p.c)))} ${plain.length === 1 ? 'is' : 'are'} \`timestamp without time zone\`.`);
      exceptions.push(...plain.map((p) => columnName(p.t, p.c)));
    }
  }
  const defaulted = created.filter((x) => x.c.default !== null && NOW_DEFAULT.test(x.c.default));
  if (created.length > 0) {
    evidence.push(...created.slice(0, 2).map((x) => code(`${columnName(x.t, x.c)} ${x.c.type}${x.c.notNull ? ' NOT NULL' : ''}${x.c.default ? ` DEFAULT ${x.c.default}` : ''}`)));
    if (defaulted.length > 0) sentences.push(`${code(createdName)} defaults to the current time on ${ofAll(defaulted.length, created.length, 'table')} that ${verb(created.length, 'has', 'have')} it.`);
  }
  if (updated.length > 0) {
    const maintained = updated.filter((x) => x.t.triggers.some((tr) => tr.enabled && tr.level === 'row' && tr.timing === 'before' && tr.events.includes('update')));
    if (maintained.length > 0) {
      const fn = maintained[0]?.t.triggers.find((tr) => tr.timing === 'before' && tr.events.includes('update'));
      sentences.push(`${code(updatedName)} is kept current by BEFORE UPDATE triggers on ${ofAll(maintained.length, updated.length, 'table')} that ${verb(updated.length, 'has', 'have')} it${fn ? ` (${code(`${fn.functionName}()`)})` : ''}.`);
      if (fn) evidence.push(code(`${fn.name} ON ${tableName(maintained[0]?.t as Table)}`));
      const stale = updated.filter((x) => !maintained.includes(x));
      if (stale.length > 0) {
        sentences.push(`${list(stale.map((x) => tableName(x.t)))} ${stale.length === 1 ? 'has' : 'have'} ${code(updatedName)} without such a trigger.`);
        exceptions.push(...stale.map((x) => tableName(x.t)));
      }
    } else if (result.source.kind === 'prisma' || result.source.kind === 'drizzle') {
      sentences.push(`No trigger maintains ${code(updatedName)}: ${result.source.kind === 'prisma' ? 'Prisma Client sets `@updatedAt` fields' : 'Drizzle sets `$onUpdate` columns'} when it writes, so other writers must set it themselves.`);
    } else {
      sentences.push(`No trigger maintains ${code(updatedName)}: every writer must set it.`);
    }
  }
  if (created.length > 0 && created.length < tables.length) {
    const without = tables.filter((t) => !created.some((x) => x.t === t)).map(tableName);
    sentences.push(`${list(without)} ${without.length === 1 ? 'has' : 'have'} no creation timestamp.`);
    exceptions.push(...without);
  }
  return { topic: 'timestamps', title: 'Timestamps', summary: sentences.join(' '), evidence, exceptions: capped(exceptions) };
}

// ── Soft delete ─────────────────────────────────────────────────────────────────────────────────

function softDeleteColumn(t: Table): Column | undefined {
  return t.columns.find((c) => {
    const w = nameWords(c.name);
    if (c.typeCategory === 'D') return w[0] === 'deleted' && (w.length === 1 || (w.length === 2 && STAMP_ENDINGS.has(w[1] as string)));
    if (c.typeCategory === 'B') return (w.length === 2 && w[0] === 'is' && w[1] === 'deleted') || (w.length === 1 && w[0] === 'deleted');
    return false;
  });
}

function softDelete({ catalog, tables }: Facts): Decision | null {
  const marked = tables.map((t) => ({ t, c: softDeleteColumn(t) })).filter((x): x is { t: Table; c: Column } => x.c !== undefined);
  if (marked.length === 0) return null;
  const name = mostCommonName(marked.map((x) => x.c));
  const sentences = [`Rows of ${ofAll(marked.length, tables.length, 'table')} are soft-deleted: ${code(name)} marks a row as deleted instead of removing it (${list(marked.map((x) => tableName(x.t)), 5)}).`];
  const evidence = marked.slice(0, 2).map((x) => code(`${columnName(x.t, x.c)} ${x.c.type}`));
  const exceptions: string[] = [];
  const partial = marked.flatMap((x) => x.t.indexes.filter((i) => i.predicate !== null && mentionsIdentifier(i.predicate, x.c.name)));
  if (partial.length > 0) {
    sentences.push(`${plural(partial.length, 'partial index', 'partial indexes')} ${verb(partial.length, 'covers', 'cover')} only live rows (${code(`WHERE ${partial[0]?.predicate ?? ''}`)}).`);
    evidence.push(code(partial[0]?.definition ?? ''));
  }
  const views = catalog.views.filter((v) => v.origin === 'user' && marked.some((x) => mentionsIdentifier(v.definition, x.c.name)));
  if (views.length > 0) sentences.push(`${plural(views.length, 'view')} ${verb(views.length, 'filters', 'filter')} on it (${list(views.map((v) => displayName(v.schema, v.name)))}).`);
  // A unique key that ignores the marker lets a deleted row block a new one with the same value.
  // Keys that contain the primary key are unique per row anyway: a deleted row cannot block a value there.
  const blocking = marked.flatMap((x) => x.t.indexes
    .filter((i) => i.unique && !i.primary && i.predicate === null && !i.keys.some((k) => k.column === x.c.name))
    .filter((i) => !(primaryKey(x.t)?.columns ?? []).every((c) => i.keys.some((k) => k.column === c)))
    .map((i) => `${tableName(x.t)}(${i.keys.map((k) => k.column ?? k.expression).join(', ')})`));
  if (blocking.length > 0) {
    sentences.push(`${plural(blocking.length, 'unique key')} on these tables also count${blocking.length === 1 ? 's' : ''} deleted rows (${list(blocking)}), so a deleted row still blocks its value.`);
    exceptions.push(...blocking);
  }
  if (marked.length < tables.length) sentences.push(`The other ${plural(tables.length - marked.length, 'table')} delete rows outright.`);
  return { topic: 'soft-delete', title: 'Soft delete', summary: sentences.join(' '), evidence, exceptions: capped(exceptions) };
}

// ── Multi-tenancy ───────────────────────────────────────────────────────────────────────────────

function multiTenancy({ catalog, result }: Facts): Decision | null {
  const summary = result.tenancy;
  if (!summary) return null;
  const tenant = inferTenant(catalog, summary.source === 'config' ? summary.column : null);
  if (!tenant) return null;
  const parent = tenant.parent ? displayName(tenant.parent.schema, tenant.parent.table) : null;
  const sentences = [
    `The schema is multi-tenant: rows belong to a tenant${parent ? ` (a row of ${code(parent)})` : ''} through ${code(tenant.column)} (${summary.source === 'config' ? 'set in the configuration' : 'inferred'}: ${tenant.evidence.replace(/\.$/, '')}).`,
  ];
  const carriers = new Set(tenant.carriers);
  const owned = tenant.scoped;
  const withKey = owned.filter((t) => carriers.has(t));
  sentences.push(`${capital(ofAll(withKey.length, owned.length, 'tenant-owned table'))} ${verb(withKey.length, 'carries', 'carry')} the key.`);
  const missing = owned.filter((t) => !carriers.has(t)).map(tableName);
  if (missing.length > 0) sentences.push(`${list(missing)} ${missing.length === 1 ? 'reaches' : 'reach'} the tenant only through ${missing.length === 1 ? 'its' : 'their'} foreign keys.`);
  const nullable = [...carriers].filter((t) => t.columns.find((c) => c.name === tenant.column)?.notNull === false).map(tableName);
  if (nullable.length > 0) sentences.push(`The key is nullable on ${list(nullable)}.`);
  if (tenant.membership) {
    const m = tenant.membership;
    sentences.push(`Users join tenants through ${code(tableName(m.table))} (${code(m.userColumn)} → ${code(displayName(m.userTable.schema, m.userTable.table))}).`);
  }
  const rlsScoped = [...carriers].filter((t) => t.rlsEnabled && t.policies.some((p) => mentionsIdentifier(`${p.using ?? ''} ${p.withCheck ?? ''}`, tenant.column)));
  if (rlsScoped.length > 0) sentences.push(`Row level security policies filter by ${code(tenant.column)} on ${ofAll(rlsScoped.length, carriers.size, 'table')} that carry it.`);
  const evidence = [...carriers].slice(0, MAX_EXAMPLES).map((t) => {
    const c = t.columns.find((x) => x.name === tenant.column);
    return code(`${columnName(t, tenant.column)} ${c?.type ?? ''}${c?.notNull ? ' NOT NULL' : ''}`.trim());
  });
  return { topic: 'multi-tenancy', title: 'Multi-tenancy', summary: sentences.join(' '), evidence, exceptions: capped([...missing, ...nullable.filter((n) => !missing.includes(n))]) };
}

// ── Row level security ──────────────────────────────────────────────────────────────────────────

const AUTH_CALL = /\bauth\.(uid|jwt|role)\(\)|\bcurrent_setting\(/i;

/** Policies without a TO clause apply to PUBLIC, that is every role. */
function rolesPhrase(roles: readonly string[]): string {
  if (roles.length === 0) return '';
  const named = roles.filter((r) => r !== 'public');
  if (named.length === 0) return ' that apply to every role';
  return ` for ${list(named, 4)}${named.length < roles.length ? ' (and some for every role)' : ''}`;
}

function rowLevelSecurity({ catalog, tables }: Facts): Decision | null {
  const enabled = tables.filter((t) => t.rlsEnabled);
  if (enabled.length === 0) return null;
  // On Supabase only `public` is served by the API; other schemas need no RLS to be safe.
  const exposed = catalog.supabase ? tables.filter((t) => t.schema === 'public') : tables;
  const policies = enabled.flatMap((t) => t.policies);
  const roles = [...new Set(policies.flatMap((p) => p.roles))].sort();
  const sentences = [`Row level security is enabled on ${ofAll(enabled.length, tables.length, 'table')}, with ${plural(policies.length, 'policy', 'policies')}${rolesPhrase(roles)}.`];
  const exprOf = (p: (typeof policies)[number]): string => `${p.using ?? ''} ${p.withCheck ?? ''}`;
  const direct = policies.filter((p) => AUTH_CALL.test(exprOf(p)));
  if (direct.length > 0) {
    const call = AUTH_CALL.exec(direct.map(exprOf).join(' '))?.[0] ?? 'current_setting(';
    sentences.push(`${capital(ofAll(direct.length, policies.length, 'policy', 'policies'))} ${verb(direct.length, 'identifies', 'identify')} the caller directly with ${code(call.endsWith('(') ? `${call}…)` : call)}.`);
  }
  // The schema's own functions (is_team_member(…)), not the platform's auth.uid().
  const userFunctions = new Set(catalog.functions.filter((f) => f.origin === 'user').flatMap((f) => [f.name, `${f.schema}.${f.name}`]));
  const helpersOf = (p: (typeof policies)[number]): string[] => [...new Set(calledFunctions(catalog, exprOf(p)).map((f) => f.name).filter((n) => userFunctions.has(n)))];
  const helpers = new Map<string, number>();
  for (const p of policies) for (const fn of helpersOf(p)) helpers.set(fn, (helpers.get(fn) ?? 0) + 1);
  if (helpers.size > 0) {
    const ranked = [...helpers.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => `${name}()`);
    const using = policies.filter((p) => helpersOf(p).length > 0).length;
    sentences.push(`${capital(ofAll(using, policies.length, 'policy', 'policies'))} ${verb(using, 'delegates', 'delegate')} the check to ${ranked.length === 1 ? 'the function' : 'the functions'} ${list(ranked)}.`);
  }
  const forced = enabled.filter((t) => t.rlsForced);
  if (forced.length > 0) sentences.push(`${list(forced.map(tableName))} also ${forced.length === 1 ? 'forces' : 'force'} it on the table owner.`);
  const off = exposed.filter((t) => !t.rlsEnabled).map(tableName);
  if (off.length > 0) sentences.push(`${list(off)} ${off.length === 1 ? 'has' : 'have'} RLS off${catalog.supabase ? ' although `public` is exposed through the API' : ''}.`);
  const closed = enabled.filter((t) => t.policies.length === 0).map(tableName);
  if (closed.length > 0) sentences.push(`${list(closed)} ${closed.length === 1 ? 'has' : 'have'} RLS on but no policy, so only the owner and roles that bypass RLS can read ${closed.length === 1 ? 'it' : 'them'}.`);
  const example = enabled.find((t) => t.policies.length > 0);
  const p = example?.policies[0];
  const evidence = p && example ? [code(`POLICY ${p.name} ON ${tableName(example)} FOR ${p.command.toUpperCase()}${p.using ? ` USING (${p.using})` : ''}`)] : [];
  return { topic: 'rls', title: 'Row level security', summary: sentences.join(' '), evidence, exceptions: capped([...off, ...closed]) };
}

// ── Money ───────────────────────────────────────────────────────────────────────────────────────

type MoneyKind = 'cents' | 'numeric' | 'float' | 'money';

const MINOR_UNIT_WORDS = ['cents', 'cent', 'minor', 'pence', 'pennies', 'micros', 'satoshis'];

function moneyKind(c: Column): MoneyKind | null {
  const base = c.domainBaseType ?? c.typeName;
  if (c.isArray || c.generated !== null) return null;
  if (base === 'money') return 'money';
  if (c.typeCategory !== 'N' && !c.domainBaseType) return null;
  const rates = matchLexicon(c.name, MONEY_RATE_PHRASES);
  if (matchLexicon(c.name, MONEY_WORDS).length === 0 && rates.length === 0) return null;
  if (rates.length === 0 && matchLexicon(c.name, MONEY_NON_AMOUNT_WORDS).length > 0) return null;
  // An integer `total` is as often a count of rows: integers are money only when they say cents.
  if (INTEGER_TYPES.has(base)) return nameWords(c.name).some((w) => MINOR_UNIT_WORDS.includes(w)) ? 'cents' : null;
  if (base === 'numeric') return 'numeric';
  if (base === 'float4' || base === 'float8') return 'float';
  return null;
}

const MONEY_LABELS: Record<MoneyKind, string> = {
  cents: 'integer minor units (cents)',
  numeric: 'exact `numeric`',
  float: 'floating point (`real`/`double precision`), which rounds',
  money: 'the `money` type, whose meaning depends on `lc_monetary`',
};

function money({ tables }: Facts): Decision | null {
  const columns = tables.flatMap((t) => {
    const keys = new Set([...(primaryKey(t)?.columns ?? []), ...foreignKeys(t).flatMap((k) => k.columns)]);
    return t.columns.filter((c) => !keys.has(c.name)).map((c) => ({ t, c, kind: moneyKind(c) }));
  }).filter((x): x is { t: Table; c: Column; kind: MoneyKind } => x.kind !== null);
  if (columns.length === 0) return null;
  const byKind = new Map<MoneyKind, typeof columns>();
  for (const x of columns) byKind.set(x.kind, [...(byKind.get(x.kind) ?? []), x]);
  const ranked = [...byKind.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const [mainKind, mains] = ranked[0] as [MoneyKind, typeof columns];
  const sentences = [`Amounts are stored as ${MONEY_LABELS[mainKind]} in ${ofAll(mains.length, columns.length, 'money column')} (${list(mains.map((x) => `${columnName(x.t, x.c)} ${x.c.type}`))}).`];
  const exceptions: string[] = [];
  for (const [kind, others] of ranked.slice(1)) {
    sentences.push(`${list(others.map((x) => `${columnName(x.t, x.c)} ${x.c.type}`))} ${others.length === 1 ? 'uses' : 'use'} ${MONEY_LABELS[kind]} instead.`);
    exceptions.push(...others.map((x) => columnName(x.t, x.c)));
  }
  const moneyTables = [...new Set(columns.map((x) => x.t))];
  const withCurrency = moneyTables.filter((t) => t.columns.some((c) => CURRENCY_COLUMN_NAMES.includes(c.name.toLowerCase()) || nameWords(c.name).includes('currency')));
  if (withCurrency.length > 0) {
    sentences.push(`${capital(ofAll(withCurrency.length, moneyTables.length, 'table with amounts', 'tables with amounts'))} ${verb(withCurrency.length, 'carries', 'carry')} a currency column beside them.`);
    const without = moneyTables.filter((t) => !withCurrency.includes(t)).map(tableName);
    if (without.length > 0) sentences.push(`${list(without)} ${without.length === 1 ? 'has' : 'have'} amounts without a currency.`);
  }
  const evidence = mains.slice(0, MAX_EXAMPLES).map((x) => code(`${columnName(x.t, x.c)} ${x.c.type}`));
  return { topic: 'money', title: 'Money', summary: sentences.join(' '), evidence, exceptions: capped(exceptions) };
}

// ── Naming ──────────────────────────────────────────────────────────────────────────────────────

/** Prisma names the junction of an implicit many-to-many relation itself (`_CategoryToPost`). */
function prismaImplicitJunction(t: Table, result: ReviewResult): boolean {
  return result.source.kind === 'prisma' && /^_[A-Za-z0-9]+To[A-Z][A-Za-z0-9]*$/.test(t.name) && junctionOf(t) !== null;
}

/** A style followed by this share of names is a convention with exceptions; below MIXED_SHARE the schema mixes styles. */
const CONVENTION_SHARE = 0.9;
const MIXED_SHARE = 0.6;

interface Aspect {
  /** "Table names are snake_case (20 of 21 multi-word names)" or "Table names mix …". */
  text: string;
  /** Names that break a convention (none when the schema mixes styles). */
  off: string[];
  offLabel: string;
}

/** One naming aspect: the majority value, how widely it holds, and who breaks it. */
function aspect<T extends string>(subject: string, noun: string, values: Array<{ name: string; value: T }>, majority: T, offLabel: string): Aspect | null {
  if (values.length === 0) return null;
  const following = values.filter((v) => v.value === majority).length;
  const share = following / values.length;
  if (share < MIXED_SHARE) {
    const counts = new Map<T, number>();
    for (const v of values) counts.set(v.value, (counts.get(v.value) ?? 0) + 1);
    const parts = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([value, n]) => `${value} (${n})`);
    return { text: `${subject} mix ${parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] as string}`}`, off: [], offLabel };
  }
  const how = share >= CONVENTION_SHARE ? majority : `mostly ${majority}`;
  return { text: `${subject} are ${how} (${following} of ${values.length} ${noun})`, off: values.filter((v) => v.value !== majority).map((v) => v.name), offLabel };
}

/** Do single-column foreign keys end in `_id`/`Id`? */
function suffixAspect(fks: Array<{ name: string; ok: boolean }>, suffix: string): Aspect | null {
  if (fks.length === 0) return null;
  const ok = fks.filter((f) => f.ok).length;
  const share = ok / fks.length;
  const noun = 'single-column foreign key';
  const offLabel = `foreign keys not ending in ${suffix}`;
  if (share < MIXED_SHARE) return { text: `Only ${ok} of ${fks.length} ${noun}s end in ${code(suffix)}`, off: [], offLabel };
  const off = fks.filter((f) => !f.ok).map((f) => f.name);
  if (share >= CONVENTION_SHARE) return { text: `${capital(ofAll(ok, fks.length, noun))} ${verb(ok, 'ends', 'end')} in ${code(suffix)}`, off, offLabel };
  return { text: `Most ${noun}s end in ${code(suffix)} (${ok} of ${fks.length})`, off, offLabel };
}

function naming({ catalog, result, tables: all }: Facts): Decision | null {
  const tables = all.filter((t) => !prismaImplicitJunction(t, result));
  if (tables.length < 2) return null;
  const conv = detectConventions(catalog);
  const styled = <T>(items: T[], name: (x: T) => string, label: (x: T) => string): Array<{ name: string; value: NamingStyle }> =>
    items.flatMap((x) => {
      const style = namingStyleOf(name(x));
      return style ? [{ name: label(x), value: style }] : [];
    });
  const tableStyle = aspect('Table names', 'multi-word names', styled(tables, (t) => t.name, tableName), conv.tableNaming, `tables not in ${conv.tableNaming}`);
  const pluralities = tables.flatMap((t) => {
    const p = pluralityOf(t.name);
    return p ? [{ name: tableName(t), value: p }] : [];
  });
  const tablePlurality = aspect('Table names', 'names', pluralities, conv.plurality, `${conv.plurality === 'plural' ? 'singular' : 'plural'} table names`);
  const columns = tables.flatMap((t) => t.columns.map((c) => ({ t, c })));
  const columnStyle = aspect('Column names', 'multi-word names', styled(columns, (x) => x.c.name, (x) => columnName(x.t, x.c)), conv.naming, `columns not in ${conv.naming}`);
  const fkColumns = tables.flatMap((t) => foreignKeys(t).filter((k) => !k.inherited && k.columns.length === 1).map((k) => ({ t, name: k.columns[0] as string })));
  const suffix = conv.naming === 'snake_case' ? '_id' : 'Id';
  const fkSuffix = suffixAspect(fkColumns.map((x) => ({ name: columnName(x.t, x.name), ok: nameWords(x.name).at(-1) === 'id' })), suffix);
  const aspects = [tableStyle, tablePlurality, columnStyle, fkSuffix].filter((a): a is Aspect => a !== null);
  if (aspects.length === 0) return null;

  const sentences = aspects.map((a) => `${a.text}.`);
  const offenders = aspects.filter((a) => a.off.length > 0).map((a) => `${a.offLabel}: ${list(a.off)}`);
  if (offenders.length > 0) sentences.push(`Exceptions: ${offenders.join('; ')}.`);
  const evidence = [
    ...tables.filter((t) => namingStyleOf(t.name) === conv.tableNaming).slice(0, 2).map((t) => code(tableName(t))),
    ...fkColumns.filter((x) => nameWords(x.name).at(-1) === 'id').slice(0, 2).map((x) => code(columnName(x.t, x.name))),
  ];
  const exceptions = [...new Set(aspects.flatMap((a) => a.off))];
  return { topic: 'naming', title: 'Naming convention', summary: sentences.join(' '), evidence, exceptions: capped(exceptions) };
}
