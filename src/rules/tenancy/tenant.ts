/**
 * The tenant key: the column that scopes rows to a customer organisation (`organization_id`,
 * `team_id`, `tenant_id`, `workspace_id`, `account_id`, …). Set in config, or inferred: a column
 * that references a parent table (the tenant) and is carried by most of the tables that belong to
 * that parent through the foreign-key graph. Tenancy rules, missing-capability DDL and the report
 * all read it from here. How it works is documented in docs/tenancy.md.
 */
import type { Catalog, Constraint, Table } from '../../catalog/model.js';
import { isPartition, userTables } from '../../catalog/helpers.js';
import { detectConventions } from '../../catalog/conventions.js';
import { USER_TABLE_WORDS, nameWords } from '../lexicon.js';

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
}

/**
 * Candidate tenant key names, best first, in snake_case; columns match by their words, so
 * `organizationId` and `OrganizationId` match `organization_id`. `customer_id` and `project_id` are
 * left out on purpose: they usually scope rows to an end customer or a sub-unit of a tenant, and a
 * schema that uses them as its tenant key can say so in config.
 */
export const TENANT_KEY_NAMES: readonly string[] = [
  'tenant_id', 'organization_id', 'organisation_id', 'org_id', 'workspace_id', 'team_id', 'account_id', 'company_id',
];

/** Words in a table name that make it a membership table (users ↔ tenant). */
const MEMBERSHIP_WORDS: readonly string[] = ['member', 'members', 'membership', 'memberships', 'seat', 'seats', 'user', 'users', 'role', 'roles'];

/** Column words that make a would-be tenant a person: a login lives there. */
const LOGIN_WORDS: readonly string[] = ['password', 'passwd', 'pwd'];

const memo = new WeakMap<Catalog, Map<string, TenantInfo | null>>();

export function inferTenant(catalog: Catalog, configured: string | null): TenantInfo | null {
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

function candidate(catalog: Catalog, graph: Graph, column: string, configured: boolean): TenantInfo | null {
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
  const parentName = parent ? `\`${parent.schema === 'public' ? parent.table : `${parent.schema}.${parent.table}`}\`` : null;
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
    column,
    parent,
    parentKey,
    source: configured ? 'config' : 'inferred',
    carriers,
    scoped: scope.scoped,
    global: scope.global,
    membership,
    evidence,
  };
}

function compute(catalog: Catalog, configured: string | null): TenantInfo | null {
  const graph = buildGraph(catalog);
  if (configured) {
    // Taken as given; a Prisma schema's `organizationId` still answers to `organization_id` in config.
    const exact = graph.tables.some((t) => t.columns.some((c) => c.name === configured));
    const spelled = exact ? configured : spellingIndex(graph.tables).get(normalizedName(configured))?.[0] ?? configured;
    return candidate(catalog, graph, spelled, true);
  }
  const index = spellingIndex(graph.tables);
  let best: TenantInfo | null = null;
  for (const name of TENANT_KEY_NAMES) {
    for (const column of index.get(name) ?? []) {
      const info = candidate(catalog, graph, column, false);
      if (!info) continue;
      const better = !best || info.carriers.length > best.carriers.length ||
        (info.carriers.length === best.carriers.length && info.carriers.length / info.scoped.length > best.carriers.length / best.scoped.length);
      if (better) best = info;
    }
  }
  return best;
}
