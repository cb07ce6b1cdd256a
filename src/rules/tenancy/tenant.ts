/**
 * The tenant key: the column that scopes rows to a customer organisation (`organization_id`,
 * `team_id`, `tenant_id`, `workspace_id`, `account_id`, …). Set in config, or inferred: a column
 * that references a parent table (the tenant) and is carried by most of the tables that belong to
 * that parent through the foreign-key graph. Other `<parent>_id` columns (`clinic_id`, `school_id`)
 * qualify only when the structure confirms them (a membership table, row level security keyed on
 * the session's tenant, or a parent named like a tenant). Tenancy rules, missing-capability DDL and
 * the report all read it from here. How it works is documented in docs/tenancy.md.
 */
import type { Catalog, Constraint, Policy, Table } from '../../catalog/model.js';
import { isPartition, userTables } from '../../catalog/helpers.js';
import { detectConventions } from '../../catalog/conventions.js';
import { USER_TABLE_WORDS, nameWords, singular } from '../lexicon.js';

/** The table that records which users belong to which tenant (`memberships`, `team_members`, …). */
export interface TenantMembership {
  table: Table;
  /** Its column that points at the user (`user_id`, `userId`). */
  userColumn: string;
  /** The users table that column references (`public.users`, `auth.users`). */
  userTable: { schema: string; table: string };
}

export interface TenantInfo {
  /** The tenant key column name as the schema spells it, e.g. `organization_id` or `organizationId`. */
  column: string;
  /** The table the key references (`organizations`), when known. */
  parent: { schema: string; table: string } | null;
  /** The parent's column the key references and its type (`id`, `uuid`), when known. */
  parentKey: { column: string; type: string } | null;
  /** `config` when set in schemasage.config, `inferred` when read off the schema. */
  source: 'config' | 'inferred';
  /** Tables that carry the column. */
  carriers: Table[];
  /** Tables that should carry it (tenant-owned: reachable from the parent), including the carriers. */
  scoped: Table[];
  /**
   * Tables the walk from the parent does not enter because they are shared by all tenants: the parent
   * itself and a users table whose people belong to tenants through a membership table.
   */
  global: Table[];
  /** The membership table, when one links users to the tenant. */
  membership: TenantMembership | null;
  /** One sentence a reader can check: why this column is the tenant key. */
  evidence: string;
  /**
   * For a key inferred from structure rather than from its name (`clinic_id`): what confirmed it.
   * Empty for configured keys and for the names in TENANT_KEY_NAMES.
   */
  signals?: TenantSignal[];
}

/** What confirms a `<parent>_id` column outside TENANT_KEY_NAMES as the tenant key. */
export type TenantSignal = 'membership' | 'policy' | 'tenant-name';

/**
 * Candidate tenant key names, best first, in snake_case; columns match by their words, so
 * `organizationId` and `OrganizationId` match `organization_id`. `customer_id` and `project_id` are
 * left out on purpose: they usually scope rows to an end customer or a sub-unit of a tenant, and a
 * schema that uses them as its tenant key can say so in config.
 */
export const TENANT_KEY_NAMES: readonly string[] = [
  'tenant_id', 'organization_id', 'organisation_id', 'org_id', 'workspace_id', 'team_id', 'account_id', 'company_id',
];

/**
 * Last words of a parent table's name that read like a tenant of a vertical SaaS: the clinic of a
 * practice-management app, the school of a school app, the store of a shop builder. One of the
 * signals that confirms a `<parent>_id` column outside TENANT_KEY_NAMES (docs/tenancy.md).
 */
export const TENANT_TABLE_WORDS: readonly string[] = [
  'tenant', 'organization', 'organisation', 'org', 'company', 'workspace', 'team', 'clinic', 'practice', 'hospital',
  'pharmacy', 'school', 'university', 'college', 'store', 'shop', 'merchant', 'restaurant', 'salon', 'studio', 'gym',
  'agency', 'firm', 'business', 'household', 'club', 'church', 'franchise',
];

/**
 * Words that make a table a membership table when it is the evidence for a structural key. Stricter
 * than MEMBERSHIP_WORDS: a table unique on (thing, user) is as often `favorites` or `ratings`.
 */
const STRICT_MEMBERSHIP_WORDS: readonly string[] = ['member', 'members', 'membership', 'memberships', 'seat', 'seats'];

/** Structural keys need at least this many tables with a foreign key on them, the membership table not counted. */
const MIN_STRUCTURAL_CARRIERS = 3;

/** Words in a table name that make it a membership table (users ↔ tenant). */
const MEMBERSHIP_WORDS: readonly string[] = ['member', 'members', 'membership', 'memberships', 'seat', 'seats', 'user', 'users', 'role', 'roles'];

/** Column words that make a would-be tenant a person: a login lives there. */
const LOGIN_WORDS: readonly string[] = ['password', 'passwd', 'pwd'];

const memo = new WeakMap<Catalog, Map<string, TenantInfo | null>>();

export function inferTenant(catalog: Catalog, configured: string | null | false): TenantInfo | null {
  // `"tenantColumn": false`: the team says the schema is not multi-tenant; nothing is inferred.
  if (configured === false) return null;
  let byConfig = memo.get(catalog);
  if (!byConfig) {
    byConfig = new Map();
    memo.set(catalog, byConfig);
  }
  const key = configured ?? '';
  if (byConfig.has(key)) return byConfig.get(key) ?? null;
  const info = compute(catalog, configured);
  byConfig.set(key, info);
  return info;
}

/** `organizationId` → `organization_id`: how a column name is compared with TENANT_KEY_NAMES. */
export function normalizedName(name: string): string {
  return nameWords(name).join('_');
}

function key(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}

function tableKeyOf(t: { schema: string; name: string }): string {
  return key(t.schema, t.name);
}

interface Graph {
  tables: Table[];
  byKey: Map<string, Table>;
  /** Foreign keys pointing at a table, by the referenced table's key. */
  referencedBy: Map<string, Array<{ table: Table; fk: Constraint }>>;
}

function ownForeignKeys(t: Table): Constraint[] {
  return t.constraints.filter((c) => c.type === 'foreign key' && !c.inherited && c.references !== null);
}

function buildGraph(catalog: Catalog): Graph {
  const tables = userTables(catalog).filter((t) => !isPartition(t));
  const byKey = new Map(tables.map((t) => [tableKeyOf(t), t]));
  const referencedBy = new Map<string, Array<{ table: Table; fk: Constraint }>>();
  for (const t of tables) {
    for (const fk of ownForeignKeys(t)) {
      const ref = fk.references as NonNullable<Constraint['references']>;
      const k = key(ref.schema, ref.table);
      const list = referencedBy.get(k);
      if (list) list.push({ table: t, fk });
      else referencedBy.set(k, [{ table: t, fk }]);
    }
  }
  return { tables, byKey, referencedBy };
}

/**
 * Spellings of each normalized column name, most used first: `organization_id` → [`organizationId`, …].
 * One pass over all columns, so trying every candidate name stays linear on 10,000-table schemas.
 */
function spellingIndex(tables: Table[]): Map<string, string[]> {
  const counts = new Map<string, Map<string, number>>();
  const seen = new Map<string, string>();
  for (const t of tables) {
    for (const c of t.columns) {
      let norm = seen.get(c.name);
      if (norm === undefined) {
        norm = normalizedName(c.name);
        seen.set(c.name, norm);
      }
      let bySpelling = counts.get(norm);
      if (!bySpelling) counts.set(norm, (bySpelling = new Map()));
      bySpelling.set(c.name, (bySpelling.get(c.name) ?? 0) + 1);
    }
  }
  const out = new Map<string, string[]>();
  for (const [norm, bySpelling] of counts) {
    out.set(norm, [...bySpelling.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([n]) => n));
  }
  return out;
}

/** The table most single-column foreign keys on `column` reference, with the referenced column. */
function parentOf(carriers: Table[], column: string, catalog: Catalog): { parent: TenantInfo['parent']; parentKey: TenantInfo['parentKey'] } {
  const counts = new Map<string, { n: number; schema: string; table: string; refColumn: string }>();
  for (const t of carriers) {
    for (const fk of ownForeignKeys(t)) {
      const ref = fk.references;
      if (!ref || fk.columns.length !== 1 || fk.columns[0] !== column || ref.columns.length !== 1) continue;
      const k = `${key(ref.schema, ref.table)}\u0000${ref.columns[0] as string}`;
      const e = counts.get(k);
      if (e) e.n++;
      else counts.set(k, { n: 1, schema: ref.schema, table: ref.table, refColumn: ref.columns[0] as string });
    }
  }
  let best: { n: number; schema: string; table: string; refColumn: string } | null = null;
  for (const e of counts.values()) if (!best || e.n > best.n) best = e;
  if (!best) return { parent: null, parentKey: null };
  const parentTable = catalog.tables.find((t) => t.schema === best.schema && t.name === best.table);
  const refCol = parentTable?.columns.find((c) => c.name === best.refColumn);
  const carrierCol = carriers.flatMap((t) => t.columns).find((c) => c.name === column);
  return {
    parent: { schema: best.schema, table: best.table },
    parentKey: { column: best.refColumn, type: refCol?.type ?? carrierCol?.type ?? 'bigint' },
  };
}

/** A would-be tenant that stores a login is a person (a customer of a B2C app), not an organisation. */
function isPerson(parent: Table): boolean {
  if (parent.columns.some((c) => nameWords(c.name).some((w) => LOGIN_WORDS.includes(w)))) return true;
  // A profile row is one per user: a single-column unique FK to a users table.
  return ownForeignKeys(parent).some((fk) => {
    const ref = fk.references as NonNullable<Constraint['references']>;
    if (fk.columns.length !== 1) return false;
    const toUsers = (ref.schema === 'auth' && ref.table === 'users') || nameWords(ref.table).some((w) => w === 'user' || w === 'users');
    const unique = parent.constraints.some((c) => (c.type === 'unique' || c.type === 'primary key') && c.columns.length === 1 && c.columns[0] === fk.columns[0]);
    return toUsers && unique;
  });
}

function isUserTable(catalog: Catalog, schema: string, name: string): boolean {
  if (schema === 'auth' && name === 'users') return true;
  const conv = detectConventions(catalog).userTable;
  if (conv && conv.schema === schema && conv.name === name) return true;
  return nameWords(name).some((w) => USER_TABLE_WORDS.includes(w));
}

/**
 * The membership table: a carrier whose tenant key references the parent and that also references a
 * users table, named like a membership (`memberships`, `team_members`, `organization_users`) or
 * unique on (tenant, user).
 */
function findMembership(catalog: Catalog, carriers: Table[], column: string, parent: TenantInfo['parent']): TenantMembership | null {
  if (!parent) return null;
  const found: Array<{ m: TenantMembership; named: boolean }> = [];
  for (const t of carriers) {
    const fks = ownForeignKeys(t);
    const toParent = fks.some((fk) => fk.columns.length === 1 && fk.columns[0] === column && fk.references?.schema === parent.schema && fk.references.table === parent.table);
    if (!toParent) continue;
    for (const fk of fks) {
      const ref = fk.references as NonNullable<Constraint['references']>;
      if (fk.columns.length !== 1 || fk.columns[0] === column) continue;
      if (ref.schema === parent.schema && ref.table === parent.table) continue;
      if (!isUserTable(catalog, ref.schema, ref.table)) continue;
      const userColumn = fk.columns[0] as string;
      const named = nameWords(t.name).some((w) => MEMBERSHIP_WORDS.includes(w));
      const pair = new Set([column, userColumn]);
      const uniquePair = t.constraints.some((c) => (c.type === 'unique' || c.type === 'primary key') && c.columns.length === 2 && c.columns.every((x) => pair.has(x)))
        || t.indexes.some((i) => i.unique && i.predicate === null && i.keys.length === 2 && i.keys.every((k) => k.column !== null && pair.has(k.column)));
      if (named || uniquePair) found.push({ m: { table: t, userColumn, userTable: { schema: ref.schema, table: ref.table } }, named: named && uniquePair });
    }
  }
  // Prefer the table that is both named like a membership and unique on the pair.
  return (found.find((f) => f.named) ?? found[0])?.m ?? null;
}

/**
 * Does an expression printed by pg_get_expr mention this identifier? Lowercase names appear bare
 * or qualified (`t.organization_id`); mixed-case ones appear quoted (`"organizationId"`).
 */
export function mentionsIdentifier(expr: string, name: string): boolean {
  const quoted = `"${name.replace(/"/g, '""')}"`;
  if (expr.includes(quoted)) return true;
  if (name !== name.toLowerCase() || !/^[a-z_][a-z0-9_$]*$/.test(name)) return false;
  return new RegExp(`(^|[^A-Za-z0-9_$"])${escapeRe(name)}($|[^A-Za-z0-9_$"])`).test(expr);
}

/** Names of user functions called in an expression (`is_member(…)`, `private.can_read(…)`). */
export function calledFunctions(catalog: Catalog, expr: string): Array<{ name: string; source: string | null }> {
  const out: Array<{ name: string; source: string | null }> = [];
  for (const m of expr.matchAll(/(?:"?([A-Za-z_][A-Za-z0-9_$]*)"?\s*\.\s*)?"?([A-Za-z_][A-Za-z0-9_$]*)"?\s*\(/g)) {
    const schema = m[1];
    const name = m[2] as string;
    const fn = catalog.functions.find((f) => f.name === name && (schema === undefined || f.schema === schema));
    out.push({ name: schema ? `${schema}.${name}` : name, source: fn?.source ?? null });
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Scope {
  scoped: Table[];
  global: Table[];
  /** Scoped tables reached through foreign keys (as opposed to carrying the column without one). */
  reached: number;
}

/**
 * Tables that belong to a tenant: those that reference the parent or a carrier, or reference a table
 * that does, transitively. The walk stops at global tables, so `sessions → users` never becomes
 * tenant-owned just because users are members of tenants.
 */
function scopeOf(graph: Graph, parent: Table | undefined, carriers: Table[], global: Set<string>): Scope {
  const visited = new Set<string>();
  const queue: Table[] = [];
  const reachedKeys = new Set<string>();
  if (parent) queue.push(parent);
  for (const c of carriers) if (!global.has(tableKeyOf(c))) queue.push(c);
  for (const t of queue) visited.add(tableKeyOf(t));
  for (let i = 0; i < queue.length; i++) {
    const x = queue[i] as Table;
    for (const { table } of graph.referencedBy.get(tableKeyOf(x)) ?? []) {
      const k = tableKeyOf(table);
      reachedKeys.add(k);
      if (visited.has(k) || global.has(k)) continue;
      visited.add(k);
      queue.push(table);
    }
  }
  const scoped = graph.tables.filter((t) => visited.has(tableKeyOf(t)) && !global.has(tableKeyOf(t)));
  return {
    scoped,
    global: graph.tables.filter((t) => global.has(tableKeyOf(t))),
    reached: scoped.filter((t) => reachedKeys.has(tableKeyOf(t))).length,
  };
}

/** A candidate before it is accepted: the info, plus the pieces its evidence sentence is built from. */
interface Draft {
  info: TenantInfo;
  parentName: string | null;
  /** `is carried by 16 of the 18 tables reachable from it` */
  carried: string;
}

function candidate(catalog: Catalog, graph: Graph, column: string, configured: boolean): Draft | null {
  const carriersAll = graph.tables.filter((t) => t.columns.some((c) => c.name === column));
  const { parent, parentKey } = parentOf(carriersAll, column, catalog);
  const parentTable = parent ? graph.byKey.get(key(parent.schema, parent.table)) ?? catalog.tables.find((t) => t.schema === parent.schema && t.name === parent.table) : undefined;
  if (!configured) {
    if (!parent || carriersAll.length < 2) return null;
    if (parentTable && isPerson(parentTable)) return null;
  }
  const membership = findMembership(catalog, carriersAll, column, parent);
  const global = new Set<string>();
  if (parent) global.add(key(parent.schema, parent.table));
  const hasColumn = (t: Table) => t.columns.some((c) => c.name === column);
  // Users belong to many tenants through the membership table; the users table itself is shared.
  if (membership) {
    const users = graph.byKey.get(key(membership.userTable.schema, membership.userTable.table));
    if (users && !hasColumn(users)) global.add(tableKeyOf(users));
  }
  const conv = detectConventions(catalog).userTable;
  if (conv) {
    const users = graph.byKey.get(key(conv.schema, conv.name));
    if (users && !hasColumn(users)) global.add(tableKeyOf(users));
  }
  const scope = scopeOf(graph, parentTable, carriersAll, global);
  const carriers = carriersAll.filter((t) => !global.has(tableKeyOf(t)));
  const n = carriers.length;
  const total = scope.scoped.length;
  // A majority pattern, not a stray column: at least two carriers and half of the tenant-owned tables.
  if (!configured && (n < 2 || n * 2 < total)) return null;
  const parentName = parent ? label(parent.schema, parent.table) : null;
  const extra = total - scope.reached;
  const carried = extra > 0
    ? `is carried by ${n} of the ${total} tenant-owned tables (${scope.reached} reachable from it through foreign keys, ${extra} carrying the column without such a path)`
    : `is carried by ${n} of the ${total} tables reachable from it`;
  let evidence: string;
  if (!configured) {
    evidence = `\`${column}\` references ${parentName ?? 'its parent'} and ${carried}`;
  } else if (n === 0 && carriersAll.length === 0) {
    evidence = `\`${column}\` is set as the tenant column in the configuration, but no table has a column of that name`;
  } else {
    evidence = `\`${column}\` is set as the tenant column in the configuration` +
      (parentName ? `; it references ${parentName} and ${carried}` : `; it is carried by ${n} table${n === 1 ? '' : 's'} and references no table`);
  }
  return {
    info: {
      column,
      parent,
      parentKey,
      source: configured ? 'config' : 'inferred',
      carriers,
      scoped: scope.scoped,
      global: scope.global,
      membership,
      evidence,
    },
    parentName,
    carried,
  };
}

/** `clinics`, `app.clinics`: how evidence names a table. */
function label(schema: string, table: string): string {
  return `\`${schema === 'public' ? table : `${schema}.${table}`}\``;
}

/** Does `info` beat the best so far? More carriers first, then the larger share of its tenant-owned tables. */
function better(info: TenantInfo, best: TenantInfo | null): boolean {
  return !best || info.carriers.length > best.carriers.length ||
    (info.carriers.length === best.carriers.length && info.carriers.length / info.scoped.length > best.carriers.length / best.scoped.length);
}

/** A table name's words with the last one singular: `clinic_memberships` → clinic, membership. */
function singularWords(name: string): string[] {
  const words = nameWords(name);
  const last = words.length - 1;
  if (last >= 0) words[last] = singular(words[last] as string);
  return words;
}

/**
 * `clinic_id` → `clinics`, `schoolId` → `School`, `clinic_id` → `medical_clinics`: a `<parent>_id`
 * column named after the table it references. `owner_id → users` and `home_clinic_id → clinics` are not.
 */
function namedAfter(column: string, parent: string): boolean {
  const words = nameWords(column);
  if (words.length < 2 || words[words.length - 1] !== 'id') return false;
  const stem = singularWords(words.slice(0, -1).join('_'));
  const p = singularWords(parent);
  if (p.length === 0) return false;
  return stem.join('_') === p.join('_') || (stem.length === 1 && stem[0] === p[p.length - 1]);
}

/**
 * Columns outside TENANT_KEY_NAMES worth a structural look: named after a user table they reference
 * through a single-column foreign key from at least MIN_STRUCTURAL_CARRIERS tables. One pass over the
 * foreign keys, so a 10,000-table schema only pays for `candidate` on the few that qualify.
 */
function structuralCandidates(graph: Graph): string[] {
  const tablesBy = new Map<string, Set<string>>();
  for (const t of graph.tables) {
    for (const fk of ownForeignKeys(t)) {
      const ref = fk.references as NonNullable<Constraint['references']>;
      const column = fk.columns[0];
      if (column === undefined || fk.columns.length !== 1 || ref.columns.length !== 1) continue;
      if (TENANT_KEY_NAMES.includes(normalizedName(column))) continue;
      // Users are never tenants: auth.users is not one of the schema's own tables.
      if (!graph.byKey.has(key(ref.schema, ref.table)) || !namedAfter(column, ref.table)) continue;
      const k = `${column}\u0000${key(ref.schema, ref.table)}`;
      let set = tablesBy.get(k);
      if (!set) tablesBy.set(k, (set = new Set()));
      set.add(tableKeyOf(t));
    }
  }
  const columns = new Set<string>();
  for (const [k, set] of tablesBy) if (set.size >= MIN_STRUCTURAL_CARRIERS) columns.add(k.split('\u0000')[0] as string);
  // `structural` wants carriers ≥ half the tenant-owned tables and those ≥ half the non-global ones (at most the
  // parent and two users tables are global): a column on fewer than a quarter of the tables can never pass.
  const carrying = new Map<string, number>();
  for (const t of graph.tables) for (const c of t.columns) if (columns.has(c.name)) carrying.set(c.name, (carrying.get(c.name) ?? 0) + 1);
  return [...columns].filter((c) => (carrying.get(c) ?? 0) * 4 >= graph.tables.length - 3).sort();
}

/** The single-column foreign key of `t` on `column` to the parent table. */
function keyToParent(t: Table, column: string, parent: { schema: string; table: string }): Constraint | undefined {
  return ownForeignKeys(t).find((fk) => fk.columns.length === 1 && fk.columns[0] === column && fk.references?.schema === parent.schema && fk.references.table === parent.table);
}

/** Words of a table that holds logins, as opposed to people a tenant keeps records of (patients, customers). */
const LOGIN_TABLE_WORDS: readonly string[] = ['user', 'users', 'login', 'logins', 'profile', 'profiles'];

/** The table people sign in as: auth.users, the schema's users table, or one named like it. */
function isLoginTable(catalog: Catalog, schema: string, name: string): boolean {
  if (schema === 'auth' && name === 'users') return true;
  const conv = detectConventions(catalog).userTable;
  if (conv && conv.schema === schema && conv.name === name) return true;
  return nameWords(name).some((w) => LOGIN_TABLE_WORDS.includes(w));
}

/**
 * Tables that link the parent's key to logins: the key's FK to the parent and an FK to a users table.
 * Not `visits → patients`: patients are records a clinic keeps, not people who sign in to it.
 */
function linkTables(catalog: Catalog, info: TenantInfo, parent: { schema: string; table: string }): Array<{ table: Table; peopleColumn: string }> {
  const out: Array<{ table: Table; peopleColumn: string }> = [];
  for (const t of info.carriers) {
    if (!keyToParent(t, info.column, parent)) continue;
    const toPeople = ownForeignKeys(t).find((fk) => fk.columns.length === 1 && fk.columns[0] !== info.column && fk.references !== null &&
      !(fk.references.schema === parent.schema && fk.references.table === parent.table) && isLoginTable(catalog, fk.references.schema, fk.references.table));
    if (toPeople) out.push({ table: t, peopleColumn: toPeople.columns[0] as string });
  }
  return out;
}

/**
 * The membership table that confirms a structural key: it links the key to people and is named like
 * a membership (`clinic_memberships`, `school_members`, `store_seats`), or is `<parent>_users` /
 * `<parent>_staff` unique on (key, person). A join table merely unique on (thing, user) is not enough:
 * `favorites` and `ratings` look the same.
 */
function confirmingMembership(links: Array<{ table: Table; peopleColumn: string }>, column: string, parent: string): Table | null {
  const parentWords = singularWords(parent).join('_');
  for (const { table, peopleColumn } of links) {
    const words = singularWords(table.name);
    if (words.some((w) => STRICT_MEMBERSHIP_WORDS.includes(w))) return table;
    const pair = new Set([column, peopleColumn]);
    const uniquePair = table.constraints.some((c) => (c.type === 'unique' || c.type === 'primary key') && c.columns.length === 2 && c.columns.every((x) => pair.has(x)))
      || table.indexes.some((i) => i.unique && i.predicate === null && i.keys.length === 2 && i.keys.every((k) => k.column !== null && pair.has(k.column)));
    const last = words[words.length - 1] as string;
    const namedForParent = words.slice(0, -1).join('_') === parentWords && ['user', 'staff'].includes(last);
    if (uniquePair && namedForParent) return table;
  }
  return null;
}

/**
 * How a text compares the key with the session's tenant: `current_setting('app.clinic_id')`, or a JWT
 * claim named after the key (`auth.jwt() ->> 'clinic_id'`). The setting or claim must name the key's
 * stem, so `current_setting('app.user_id')` beside `clinic_id` does not count.
 */
function sessionTenant(text: string, stem: string[]): string | null {
  const names = (literal: string) => {
    const words = nameWords(literal);
    return stem.every((w) => words.includes(w));
  };
  for (const m of text.matchAll(/current_setting\s*\(\s*'([^']*)'/gi)) {
    if (names(m[1] as string)) return `current_setting('${m[1] as string}')`;
  }
  if (/\bjwt\b/i.test(text)) {
    for (const m of text.matchAll(/'([^']*)'/g)) if (names(m[1] as string)) return `the JWT claim '${m[1] as string}'`;
  }
  return null;
}

/** A policy on a carrier that compares the key with the session's tenant or checks it through a membership table. */
function confirmingPolicy(catalog: Catalog, info: TenantInfo, links: Array<{ table: Table }>): { policy: Policy; table: Table; how: string } | null {
  const stem = nameWords(info.column).slice(0, -1);
  for (const table of info.carriers) {
    for (const policy of table.policies) {
      for (const expr of [policy.using, policy.withCheck]) {
        if (!expr || !mentionsIdentifier(expr, info.column)) continue;
        const direct = sessionTenant(expr, stem);
        if (direct) return { policy, table, how: `compares it with \`${direct}\`` };
        const throughLink = (text: string) => links.find((l) => l.table !== table && mentionsIdentifier(text, l.table.name))?.table;
        const link = throughLink(expr);
        if (link) return { policy, table, how: `checks it through ${label(link.schema, link.name)}` };
        for (const fn of calledFunctions(catalog, expr)) {
          if (fn.source === null) continue;
          const viaFn = sessionTenant(fn.source, stem);
          if (viaFn) return { policy, table, how: `compares it with \`${fn.name}()\`, which reads \`${viaFn}\`` };
          const fnLink = throughLink(fn.source);
          if (fnLink) return { policy, table, how: `checks it with \`${fn.name}()\` through ${label(fnLink.schema, fnLink.name)}` };
        }
      }
    }
  }
  return null;
}

/** `clinics`, `medical_clinics`, `Store`: the last word, when it reads like a tenant (TENANT_TABLE_WORDS). */
function tenantWord(parent: string): string | null {
  const words = singularWords(parent);
  const last = words[words.length - 1];
  return last !== undefined && TENANT_TABLE_WORDS.includes(last) ? last : null;
}

/** The tenant names an evidence sentence quotes, after the one that matched. */
const TENANT_NAME_SAMPLE: readonly string[] = ['clinic', 'school', 'store', 'shop', 'agency', 'club', 'firm', 'household'];

/** `A`, `A and B`, `A, B, and C`. */
function joinClauses(parts: string[]): string {
  if (parts.length <= 2) return parts.join(' and ');
  return `${parts.slice(0, -1).join(', ')}, and ${parts[parts.length - 1] as string}`;
}

/**
 * A `<parent>_id` column outside TENANT_KEY_NAMES as the tenant key, when the structure says so
 * (docs/tenancy.md): the usual majority pattern, at least MIN_STRUCTURAL_CARRIERS tables besides the
 * membership table with a foreign key to the parent, the parent's tenant-owned tables at least half of
 * the schema, the parent not a table of people, and at least one confirming signal.
 */
function structural(catalog: Catalog, graph: Graph, column: string): TenantInfo | null {
  const draft = candidate(catalog, graph, column, false);
  if (!draft) return null;
  const { info } = draft;
  const parent = info.parent;
  if (!parent || !namedAfter(column, parent.table) || isUserTable(catalog, parent.schema, parent.table)) return null;
  const links = linkTables(catalog, info, parent);
  const membership = confirmingMembership(links, column, parent.table);
  // The membership table says who belongs to a tenant; the tables that confirm tenancy are the ones holding its data.
  const memberships = new Set([membership, info.membership?.table].filter((x): x is Table => !!x));
  const withKey = info.carriers.filter((t) => !memberships.has(t) && keyToParent(t, column, parent));
  if (withKey.length < MIN_STRUCTURAL_CARRIERS) return null;
  // A tenant owns most of the schema; a book club with its members and chat beside a global catalogue does not.
  if (info.scoped.length * 2 < graph.tables.length - info.global.length) return null;
  const signals: TenantSignal[] = [];
  const clauses: string[] = [draft.carried];
  if (membership) {
    signals.push('membership');
    clauses.push(`${label(membership.schema, membership.name)} links users to ${parent.table}`);
  }
  const policy = confirmingPolicy(catalog, info, links);
  if (policy) {
    signals.push('policy');
    clauses.push(`row level security on ${label(policy.table.schema, policy.table.name)} ${policy.how}`);
  }
  if (tenantWord(parent.table)) {
    signals.push('tenant-name');
    // The weakest signal: named in the sentence only when nothing structural confirms the key, to keep it short.
    if (signals.length === 1) {
      const word = tenantWord(parent.table) as string;
      const names = [word, ...TENANT_NAME_SAMPLE.filter((w) => w !== word)].slice(0, 6);
      clauses.push(`${draft.parentName ?? label(parent.schema, parent.table)} is named like a tenant (tenant names: ${names.join(', ')}, …)`);
    }
  }
  if (signals.length === 0) return null;
  // A confirming membership is always one findMembership accepts too (its words and its unique pair are a subset),
  // so `info.membership` already made its users table global.
  return {
    ...info,
    evidence: joinClauses([`\`${column}\` references ${draft.parentName ?? label(parent.schema, parent.table)}`, ...clauses]),
    signals,
  };
}

function compute(catalog: Catalog, configured: string | null): TenantInfo | null {
  const graph = buildGraph(catalog);
  if (configured) {
    // Taken as given; a Prisma schema's `organizationId` still answers to `organization_id` in config.
    const exact = graph.tables.some((t) => t.columns.some((c) => c.name === configured));
    const spelled = exact ? configured : spellingIndex(graph.tables).get(normalizedName(configured))?.[0] ?? configured;
    return candidate(catalog, graph, spelled, true)?.info ?? null;
  }
  const index = spellingIndex(graph.tables);
  let best: TenantInfo | null = null;
  for (const name of TENANT_KEY_NAMES) {
    for (const column of index.get(name) ?? []) {
      const info = candidate(catalog, graph, column, false)?.info;
      if (info && better(info, best)) best = info;
    }
  }
  // The names in TENANT_KEY_NAMES keep priority: structure is only asked when none of them qualifies.
  if (best) return best;
  for (const column of structuralCandidates(graph)) {
    const info = structural(catalog, graph, column);
    if (info && better(info, best)) best = info;
  }
  return best;
}
