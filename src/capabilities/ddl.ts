/**
 * DDL that looks like the rest of the schema: its id type and default, naming style and plurality,
 * timestamp type and default, schema, users table and tenant key. Every FK gets an index. Row level
 * security: on Supabase every new table in `public` gets it, since the Data API serves it; elsewhere a
 * new table gets it when its schema enables it on any table (rls-disabled names the one that lacks it),
 * with a policy written like the schema's own: on the tenant key, else on the owner, else none (service only).
 */
import type { Catalog, Column, Table } from '../catalog/model.js';
import { nameIn, tableNameIn, type Conventions, type NamingStyle } from '../catalog/conventions.js';
import { findTable, foreignKeys, primaryKey, qualify, quoteIdent, quoteLiteral } from '../catalog/helpers.js';
import { singular } from '../rules/lexicon.js';
import { schemaUsesRls, sessionStyle } from '../rules/security/shared.js';
import { freePolicyName, tenantPolicySql, tenantPolicyStyle } from '../rules/tenancy/shared.js';
import type { TenantInfo } from '../rules/tenancy/tenant.js';
import { reviewed, usersTable, nw, snake } from './match.js';

export type OnDelete = 'cascade' | 'set null' | 'restrict' | 'no action';

export interface ColSpec {
  name: string;
  type: string;
  notNull?: boolean;
  default?: string | null;
  unique?: boolean;
  check?: string;
  references?: { schema: string; table: string; column: string; onDelete: OnDelete };
}

/** How clients reach a new table on Supabase: their own rows, read-only own rows, or only the service role. */
export type Access = { kind: 'owner-all' | 'owner-read'; column: string } | { kind: 'service-only' };

export interface NewTable {
  name: string;
  columns: ColSpec[];
  /** Table-level UNIQUE constraints, by column name. */
  uniques?: string[][];
  /** Extra (non-FK) indexes. */
  indexes?: string[][];
  /** Who may reach the rows through Supabase's Data API. */
  access?: Access;
  /** The column naming the user a row belongs to, for an owner policy where the schema uses row level security. */
  owner?: string;
}

export interface Style {
  catalog: Catalog;
  schema: string;
  naming: NamingStyle;
  tableNaming: NamingStyle;
  plurality: 'plural' | 'singular';
  idColumn: string;
  /** The id column's type as FKs to it must declare it. */
  idType: string;
  /** Type, default or identity, PRIMARY KEY. */
  idDefinition: string;
  ts: string;
  tsDefault: string;
  createdAt: string;
  updatedAt: string;
  supabase: boolean;
  /** How the schema keeps updated_at current: its BEFORE UPDATE trigger (and the table it is on), reused on new tables. */
  touch: { name: string; table: string; execute: string } | null;
  /** The tenant key of this review (configured or inferred), whose policies new tenant-owned tables copy. */
  tenant: TenantInfo | null;
}

const INT_TYPES = new Set(['smallint', 'integer', 'bigint']);

/** The most common of `values` (first seen wins ties), or null. */
function majority(values: Array<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  let n = 0;
  for (const [v, c] of counts) if (c > n) { best = v; n = c; }
  return best;
}

const styleMemo = new WeakMap<Catalog, Style>();

export function styleOf(catalog: Catalog, conv: Conventions, tenant: TenantInfo | null = null): Style {
  let style = styleMemo.get(catalog);
  if (!style) {
    style = computeStyle(catalog, conv);
    styleMemo.set(catalog, style);
  }
  // The tenant depends on the review's config, not on the catalog alone.
  return style.tenant === tenant ? style : { ...style, tenant };
}

function computeStyle(catalog: Catalog, conv: Conventions): Style {
  const tables = reviewed(catalog);
  const id = conv.id;
  let idType = id.type;
  let idDefinition: string;
  if (id.identity || (INT_TYPES.has(idType) && id.default === null)) {
    // New tables get 64-bit identity ids even where older tables were serial integers (int-primary-key, prefer-identity).
    if (INT_TYPES.has(idType)) idType = 'bigint';
    idDefinition = `${idType} GENERATED ${id.identity === 'by default' ? 'BY DEFAULT' : 'ALWAYS'} AS IDENTITY PRIMARY KEY`;
  } else if (id.default) {
    idDefinition = `${idType} PRIMARY KEY DEFAULT ${id.default}`;
  } else if (idType === 'uuid') {
    // ORM-generated ids (Prisma's @default(uuid())) have no database default; one keeps raw SQL inserts working
    // and the ORM may still supply its own.
    idDefinition = `uuid PRIMARY KEY DEFAULT gen_random_uuid()`;
  } else {
    // Text ids without a default (Prisma's cuid()) come from the application; new tables do the same.
    idDefinition = `${idType} PRIMARY KEY`;
  }

  const tsColumns = tables.flatMap((t) => t.columns).filter((c) => c.typeName === conv.timestampType && !c.isArray);
  const precision = majority(tsColumns.map((c) => (c.typeModifier === null ? 'none' : String(c.typeModifier))));
  const ts = precision && precision !== 'none' ? `${conv.timestampType}(${precision})` : conv.timestampType;
  const createdDefaults = tsColumns.filter((c) => c.name === conv.createdAtName).map((c) => c.default);
  const tsDefault = majority(createdDefaults) ?? 'now()';

  return {
    catalog,
    schema: conv.schema,
    naming: conv.naming,
    tableNaming: conv.tableNaming,
    plurality: conv.plurality,
    idColumn: id.column,
    idType,
    idDefinition,
    ts,
    tsDefault,
    createdAt: conv.createdAtName,
    updatedAt: conv.updatedAtName,
    supabase: catalog.supabase,
    touch: touchTrigger(tables),
    tenant: null,
  };
}

/** The schema's own `updated_at` trigger: a row-level BEFORE UPDATE trigger whose function is named for it. */
function touchTrigger(tables: Table[]): Style['touch'] {
  for (const t of tables) {
    for (const tr of t.triggers) {
      if (tr.timing !== 'before' || tr.level !== 'row' || !tr.events.includes('update')) continue;
      const w = nw(tr.functionName);
      if (!w.some((x) => ['updated', 'modified', 'timestamp', 'timestamps', 'touch', 'moddatetime', 'updatedat'].includes(x))) continue;
      const m = /EXECUTE (?:FUNCTION|PROCEDURE) (.+)$/i.exec(tr.definition);
      return { name: tr.name, table: t.name, execute: m ? (m[1] as string) : `${qualify(tr.functionSchema, tr.functionName)}()` };
    }
  }
  return null;
}

/** A column name in the schema's style: `col(s, 'token', 'hash')` → `token_hash` / `tokenHash`. */
export function col(s: Style, ...ws: string[]): string {
  return nameIn(s.naming, ws);
}

function relationExists(catalog: Catalog, schema: string, name: string): boolean {
  return findTable(catalog, schema, name) !== undefined || catalog.views.some((v) => v.schema === schema && v.name === name);
}

/** The first of `candidates` (word lists) that names no existing table or view in the target schema. */
export function freeTableName(s: Style, candidates: string[][]): string {
  for (const words of candidates) {
    const name = tableNameIn({ tableNaming: s.tableNaming, plurality: s.plurality }, words);
    if (!relationExists(s.catalog, s.schema, name)) return name;
  }
  const base = tableNameIn({ tableNaming: s.tableNaming, plurality: s.plurality }, candidates[0] ?? ['record']);
  for (let i = 2; ; i++) if (!relationExists(s.catalog, s.schema, `${base}${s.tableNaming === 'snake_case' ? '_' : ''}${i}`)) return `${base}${s.tableNaming === 'snake_case' ? '_' : ''}${i}`;
}

export function createdAtCol(s: Style): ColSpec {
  return { name: s.createdAt, type: s.ts, notNull: true, default: s.tsDefault };
}

export function updatedAtCol(s: Style): ColSpec {
  return { name: s.updatedAt, type: s.ts, notNull: true, default: s.tsDefault };
}

export function tsCol(s: Style, name: string, notNull = false): ColSpec {
  return { name, type: s.ts, notNull };
}

/** The table a capability's rows belong to and how to reference it. */
export interface Target {
  table: Table;
  schema: string;
  name: string;
  column: string;
  type: string;
}

export function targetOf(t: Table): Target | null {
  const pk = primaryKey(t);
  if (!pk || pk.columns.length !== 1) return null;
  const c = t.columns.find((x) => x.name === pk.columns[0]);
  if (!c) return null;
  return { table: t, schema: t.schema, name: t.name, column: c.name, type: c.type };
}

export function usersTarget(catalog: Catalog, conv: Conventions): Target | null {
  const t = usersTable(catalog, conv);
  return t ? targetOf(t) : null;
}

/**
 * The FK column's name: the referenced key itself when it already names its table (`user_id`), else
 * the table's singular words + id (`customers` → `customer_id`, `"User"` → `userId`, auth.users → `user_id`).
 */
export function fkName(s: Style, target: Target, role?: string[]): string {
  const keyWords = nw(target.column);
  if (!role && keyWords.length > 1 && keyWords[keyWords.length - 1] === 'id') return nameIn(s.naming, keyWords);
  const tableWords = nw(target.name).map(singular);
  return nameIn(s.naming, [...(role ?? tableWords), 'id']);
}

export function fkCol(s: Style, target: Target, opts: { onDelete: OnDelete; notNull: boolean; role?: string[] }): ColSpec {
  return {
    name: fkName(s, target, opts.role),
    type: target.type,
    notNull: opts.notNull,
    references: { schema: target.schema, table: target.name, column: target.column, onDelete: opts.onDelete },
  };
}

/**
 * The tenant key for a tenant-owned table: same name and type as on the other tables, NOT NULL, FK to
 * the tenant table. Null when the schema is single-tenant, or when the tenant is the users table
 * itself (the user FK already scopes the row) or one of `already` (the capability references it anyway).
 */
export function tenantCol(ctxTenant: TenantInfo | null, onDelete: OnDelete, already: Array<Target | null>): ColSpec | null {
  if (!ctxTenant) return null;
  const parent = ctxTenant.parent;
  if (parent && already.some((t) => t && t.schema === parent.schema && t.name === parent.table)) return null;
  // A configured `organization_id` also names Prisma's `organizationId`: match by words, keep the schema's spelling.
  const key = snake(ctxTenant.column);
  const sameKey = (name: string): boolean => snake(name) === key;
  let column: Column | undefined;
  for (const t of ctxTenant.carriers) {
    column = t.columns.find((c) => sameKey(c.name));
    if (column) break;
  }
  if (!column) return null;
  const fk = ctxTenant.carriers.flatMap(foreignKeys).find((k) => k.columns.length === 1 && sameKey(k.columns[0] as string) && k.references);
  return {
    name: column.name,
    type: column.type,
    notNull: true,
    references: parent && fk?.references
      ? { schema: parent.schema, table: parent.table, column: fk.references.columns[0] ?? 'id', onDelete }
      : undefined,
  };
}

function onDeleteClause(a: OnDelete): string {
  switch (a) {
    case 'cascade': return ' ON DELETE CASCADE';
    case 'set null': return ' ON DELETE SET NULL';
    case 'restrict': return ' ON DELETE RESTRICT';
    default: return '';
  }
}

function columnSql(c: ColSpec): string {
  let out = `${quoteIdent(c.name)} ${c.type}`;
  if (c.notNull) out += ' NOT NULL';
  if (c.default) out += ` DEFAULT ${c.default}`;
  if (c.unique) out += ' UNIQUE';
  if (c.references) out += ` REFERENCES ${qualify(c.references.schema, c.references.table)} (${quoteIdent(c.references.column)})${onDeleteClause(c.references.onDelete)}`;
  if (c.check) out += ` CHECK (${c.check})`;
  return out;
}

/** An index name in Postgres's own pattern (`refresh_tokens_user_id_idx`), cut to 63 bytes. */
export function indexName(table: string, columns: string[], suffix = 'idx'): string {
  const n = `${table}_${columns.join('_')}_${suffix}`;
  return Buffer.byteLength(n) <= 63 ? n : `${Buffer.from(n).subarray(0, 63 - suffix.length - 1).toString().replace(/_+$/, '')}_${suffix}`;
}

/**
 * CREATE TABLE, an index for every FK that no unique key or listed index leads with, and on Supabase
 * row level security with the access the table needs.
 */
export function createTable(s: Style, t: NewTable): string {
  const rel = qualify(s.schema, t.name);
  const lines = [`${quoteIdent(s.idColumn)} ${s.idDefinition}`, ...t.columns.map(columnSql)];
  for (const u of t.uniques ?? []) lines.push(`UNIQUE (${u.map(quoteIdent).join(', ')})`);
  const out = [`CREATE TABLE ${rel} (\n  ${lines.join(',\n  ')}\n);`];
  const leading = [
    ...(t.uniques ?? []).map((u) => u[0]),
    ...t.columns.filter((c) => c.unique).map((c) => c.name),
  ];
  // New, empty table: plain CREATE INDEX takes no time and, unlike CONCURRENTLY, runs inside the migration's transaction.
  const indexes: string[][] = [];
  for (const c of t.columns) if (c.references && !leading.includes(c.name) && !(t.indexes ?? []).some((i) => i[0] === c.name)) indexes.push([c.name]);
  indexes.push(...(t.indexes ?? []));
  for (const cols of indexes) out.push(`CREATE INDEX ${quoteIdent(indexName(t.name, cols))} ON ${rel} (${cols.map(quoteIdent).join(', ')});`);
  if (s.touch && t.columns.some((c) => c.name === s.updatedAt)) {
    // `projects_set_updated_at` names its table: the new one's is `refresh_tokens_set_updated_at`; a shared name stays.
    const prefix = `${s.touch.table}_`;
    const trigger = s.touch.name.startsWith(prefix) ? `${t.name}_${s.touch.name.slice(prefix.length)}` : s.touch.name;
    out.push(`CREATE TRIGGER ${quoteIdent(trigger)} BEFORE UPDATE ON ${rel} FOR EACH ROW EXECUTE FUNCTION ${s.touch.execute};`);
  }
  out.push(...rlsSql(s, t));
  return out.join('\n');
}

function rlsSql(s: Style, t: NewTable): string[] {
  const rel = qualify(s.schema, t.name);
  if (s.supabase && s.schema === 'public') return t.access ? accessSql(rel, t.name, t.access) : [];
  if (!schemaUsesRls(s.catalog, s.schema)) return [];
  const out = [`ALTER TABLE ${rel} ENABLE ROW LEVEL SECURITY;`];
  const tenant = s.tenant;
  // The key itself, or a reference to the tenant table under another name (`organization_invitations.organization_id`).
  const parent = tenant?.parent;
  const key = tenant ? t.columns.find((c) => snake(c.name) === snake(tenant.column)) ??
    t.columns.find((c) => c.notNull && parent && c.references?.schema === parent.schema && c.references.table === parent.table) : undefined;
  if (tenant && key) {
    const style = tenantPolicyStyle(s.catalog, tenant);
    out.push(tenantPolicySql(s.catalog, { schema: s.schema, name: t.name }, freePolicyName(t.name, style.suffix, []), style.check(quoteIdent(key.name), key.type)));
    return out;
  }
  const owner = t.owner !== undefined ? t.columns.find((c) => c.name === t.owner) : undefined;
  if (owner) {
    const session = sessionStyle(s.catalog);
    const c = quoteIdent(owner.name);
    const user = session.user(owner.type);
    if (t.access?.kind === 'service-only') {
      out.push(`-- Lookups that come before the user is known (by token, at sign-in) run as the table owner or a BYPASSRLS role.`);
    }
    out.push(`CREATE POLICY ${quoteIdent(`${t.name}_owner`)} ON ${rel}${session.to ? ` FOR ALL${session.to}` : ''}\n  USING (${c} = ${user})\n  WITH CHECK (${c} = ${user});`);
    return out;
  }
  // Neither a tenant nor an owner to scope rows by: only the service (the table's owner or a BYPASSRLS role) reads it.
  out.push(`COMMENT ON TABLE ${rel} IS ${quoteLiteral('Written and read by the service only (the table owner or a BYPASSRLS role). @schemasage-ignore rls-enabled-no-policy: service only')};`);
  return out;
}

function accessSql(rel: string, name: string, access: Access): string[] {
  const out = [`ALTER TABLE ${rel} ENABLE ROW LEVEL SECURITY;`];
  if (access.kind === 'service-only') {
    out.push(`REVOKE ALL ON ${rel} FROM anon, authenticated;`);
    out.push(`COMMENT ON TABLE ${rel} IS ${quoteLiteral('Written and read by the service role only. @schemasage-ignore rls-enabled-no-policy: service only')};`);
    return out;
  }
  const c = quoteIdent(access.column);
  if (access.kind === 'owner-read') {
    out.push(`CREATE POLICY ${quoteIdent(`${name}_owner_read`)} ON ${rel} FOR SELECT TO authenticated\n  USING (${c} = (SELECT auth.uid()));`);
  } else {
    out.push(`CREATE POLICY ${quoteIdent(`${name}_owner`)} ON ${rel} FOR ALL TO authenticated\n  USING (${c} = (SELECT auth.uid())) WITH CHECK (${c} = (SELECT auth.uid()));`);
  }
  return out;
}

/** On Supabase a policy compares the owner column with auth.uid(): only a uuid FK to the users can own rows there. */
function ownerAccess(kind: 'owner-all' | 'owner-read', owner: ColSpec | null): Access {
  return owner && owner.type === 'uuid' ? { kind, column: owner.name } : { kind: 'service-only' };
}

/** The access a table owned by `owner` gets, and the owner itself for schemas that scope rows by user outside Supabase. */
export function ownerScope(kind: 'owner-all' | 'owner-read', owner: ColSpec | null): Pick<NewTable, 'access' | 'owner'> {
  return { access: ownerAccess(kind, owner), ...(owner ? { owner: owner.name } : {}) };
}

/** `ALTER TABLE t ADD COLUMN a …, ADD COLUMN b …;` (no volatile default: a catalog-only change). */
export function addColumns(t: Table, cols: ColSpec[]): string {
  return `ALTER TABLE ${qualify(t.schema, t.name)}\n  ${cols.map((c) => `ADD COLUMN ${columnSql(c)}`).join(',\n  ')};`;
}

export const ADD_COLUMN_NOTES =
  'ADD COLUMN without a volatile default only changes the catalog, but it takes an ACCESS EXCLUSIVE lock on the table for ' +
  'that moment: set a lock_timeout so it cannot queue behind a long transaction.';

/** Existing money columns in integer minor units (`total_cents`) make new amounts cents too. */
export function usesCents(catalog: Catalog): boolean {
  return reviewed(catalog).some((t) => t.columns.some((c: Column) =>
    ['int4', 'int8'].includes(c.domainBaseType ?? c.typeName) && nw(c.name).some((w) => w === 'cents' || w === 'minor' || w === 'pence')));
}

/** `bytea` when the schema already stores token digests as bytes, else `text` (hex or base64 of the SHA-256). */
const hashMemo = new WeakMap<Catalog, string>();

export function hashType(catalog: Catalog): string {
  const memo = hashMemo.get(catalog);
  if (memo) return memo;
  const types = reviewed(catalog).flatMap((t) => t.columns)
    .filter((c) => { const w = nw(c.name); return (w.includes('hash') || w.includes('digest')) && !w.includes('password'); })
    .map((c) => (c.typeName === 'bytea' ? 'bytea' : 'text'));
  const out = majority(types) ?? 'text';
  hashMemo.set(catalog, out);
  return out;
}
