/**
 * Reads a database's pg_catalog into a Catalog. The number of queries is fixed (one for the server
 * version, then one per object kind) whatever the schema size, and the SQL branches on the server
 * version where the catalogs differ between PostgreSQL 13 and 18 (PGlite is 18).
 */
import { isToolTable } from './tool-tables.js';
import type { Queryable } from '../engine/types.js';
import type {
  Catalog, Column, Constraint, ConstraintType, DomainType, EngineInfo, EnumType, Extension, FunctionInfo, Grant, Index,
  IndexKey, LoadNote, Origin, Policy, ReferentialAction, Role, SchemaInfo, Sequence, Table, TableStats, Trigger, View,
} from './model.js';
import { SchemasageError } from '../errors.js';
import { quoteIdent } from './helpers.js';
import { VERSION_SQL, introspectionSql, type QueryKind } from './queries/sql.js';
import type {
  ColumnRow, ConstraintRow, DomainRow, EnumRow, ExtensionRow, FunctionRow, GrantRow, IndexRow, PolicyRow, RelationRow, RoleRow,
  OpclassRow, SchemaRow, SequenceRow, TriggerRow, VersionRow,
} from './queries/rows.js';

export interface IntrospectOptions {
  engineKind: 'pglite' | 'postgres';
  /** Schemas to include; default: all non-system schemas (exclude pg_catalog, information_schema, pg_toast, pg_temp_*). */
  schemas?: string[];
  /**
   * Objects created by the Supabase shim before user SQL: everything in these schemas is marked
   * origin 'shim', as are the listed relations, functions, types and sequences.
   */
  shim?: { schemas: string[]; objects?: Array<{ schema: string; name: string }> } | null;
  /**
   * Tables created only so that partial SQL applies (a design doc's references to tables it does not
   * define): origin 'shim' like the Supabase shim's objects, without making the database Supabase.
   */
  stubs?: Array<{ schema: string; name: string }>;
  /** Live database: also read statistics (pg_stat_user_tables, pg_stat_user_indexes, relation sizes, sequence last_value). */
  live: boolean;
  /** Label for catalog.database; default current_database(). */
  database?: string;
}

/** The roles whose presence marks a database as Supabase's. */
const SUPABASE_ROLES = ['anon', 'authenticated', 'service_role'];

export async function introspect(db: Queryable, opts: IntrospectOptions): Promise<Catalog> {
  let queries = 0;
  // Each kind comes back as one json text value: PGlite decodes result rows field by field in
  // JavaScript, which costs twice the query itself on a 30,000-column schema; one JSON.parse does not.
  const run = async <T>(sql: string, params?: unknown[]): Promise<T[]> => {
    queries++;
    const [row] = await db.query<{ rows: string }>(
      `select coalesce(json_agg(q), '[]'::json)::text as rows from (${sql}) q`, params);
    return row ? (JSON.parse(row.rows) as T[]) : [];
  };

  const [versionRow] = await run<VersionRow>(VERSION_SQL);
  if (!versionRow) throw new Error('introspection: the server returned no version row');
  const engine = engineInfo(opts.engineKind, versionRow);
  // The catalogs read below (indnkeyatts, conparentid, prokind) appeared in PostgreSQL 11.
  if (engine.serverVersionNum < 110000) {
    throw new SchemasageError(`PostgreSQL ${engine.serverVersion} is too old to review: schemasage reads PostgreSQL 13 to 18`);
  }
  const sql = introspectionSql({ serverVersionNum: engine.serverVersionNum, live: opts.live });
  const notes: LoadNote[] = [];
  if (engine.serverVersionNum < 130000 || engine.serverVersionNum >= 190000) {
    notes.push({ kind: 'info', message: `PostgreSQL ${engine.serverVersion} is outside the versions schemasage is tested on (13 to 18)`, location: null });
  }

  const schemaRows = await run<SchemaRow>(sql.schemas);
  const wanted = opts.schemas && opts.schemas.length > 0 ? new Set(opts.schemas) : null;
  const includedRows = wanted ? schemaRows.filter((s) => wanted.has(s.name)) : schemaRows;
  if (wanted) {
    const found = new Set(includedRows.map((s) => s.name));
    for (const name of wanted) {
      if (!found.has(name)) notes.push({ kind: 'info', message: `schema "${name}" does not exist or is a system schema; nothing was read from it`, location: null });
    }
  }
  const schemaParam = [JSON.stringify(includedRows.map((s) => s.name))];
  const kind = async <T>(k: QueryKind): Promise<T[]> => run<T>(sql[k], schemaParam);

  // One after another, not Promise.all: on a pg.Pool that would spread them over connections.
  const relationRows = await kind<RelationRow>('relations');
  const columnRows = await kind<ColumnRow>('columns');
  const constraintRows = await kind<ConstraintRow>('constraints');
  const indexRows = await kind<IndexRow>('indexes');
  const triggerRows = await kind<TriggerRow>('triggers');
  const policyRows = await kind<PolicyRow>('policies');
  const enumRows = await kind<EnumRow>('enums');
  const domainRows = await kind<DomainRow>('domains');
  const functionRows = await kind<FunctionRow>('functions');
  const extensionRows = await run<ExtensionRow>(sql.extensions);
  const sequenceRows = await kind<SequenceRow>('sequences');
  const roleRows = await run<RoleRow>(sql.roles);
  const grantRows = await kind<GrantRow>('grants');
  const opclassRows = await run<OpclassRow>(sql.opclasses);

  const origin = originResolver(opts.shim ?? null, opts.stubs ?? []);

  const schemas: SchemaInfo[] = includedRows
    .map((s) => ({
      name: s.name,
      owner: s.owner,
      comment: s.comment,
      origin: s.extension_member ? 'extension' as const : opts.shim?.schemas.includes(s.name) ? 'shim' as const : 'user' as const,
    }))
    .sort(by((s) => [s.name]));

  const tablesByOid = new Map<string, Table>();
  const viewsByOid = new Map<string, View>();
  for (const r of relationRows) {
    const o = origin(r.schema, r.name, r.extension_member);
    if (r.kind === 'v' || r.kind === 'm') {
      viewsByOid.set(String(r.oid), {
        schema: r.schema, name: r.name, materialized: r.kind === 'm', definition: r.view_definition ?? '', columns: [],
        securityInvoker: reloption(r.options, 'security_invoker'), securityBarrier: reloption(r.options, 'security_barrier'),
        indexes: [], comment: r.comment, origin: o, provenance: {},
      });
      continue;
    }
    const parents = r.parents ?? [];
    const parent = r.is_partition ? parents[0] : undefined;
    tablesByOid.set(String(r.oid), {
      schema: r.schema,
      name: r.name,
      kind: r.kind === 'p' ? 'partitioned table' : r.kind === 'f' ? 'foreign table' : 'table',
      persistence: r.persistence === 'u' ? 'unlogged' : r.persistence === 't' ? 'temporary' : 'permanent',
      partitionOf: parent ? { schema: parent.schema, table: parent.table, bound: r.partition_bound ?? '' } : null,
      partitionKey: r.partition_key,
      inherits: r.is_partition ? [] : parents.map((p) => ({ schema: p.schema, table: p.table })),
      rlsEnabled: r.rls_enabled,
      rlsForced: r.rls_forced,
      rules: [...(r.rules ?? [])].sort(compare),
      comment: r.comment,
      columns: [],
      constraints: [],
      indexes: [],
      triggers: [],
      policies: [],
      stats: opts.live ? tableStats(r, engine.serverVersionNum) : null,
      origin: o,
      provenance: {},
    });
  }

  // Rows arrive in no particular order; attnum order is the order users declared columns in.
  // Index keys are attnums, so each relation's names are kept by attnum as well.
  const columnNames = new Map<string, Map<number, string>>();
  for (const c of [...columnRows].sort((a, b) => a.position - b.position)) {
    const key = String(c.relid);
    let names = columnNames.get(key);
    if (!names) columnNames.set(key, (names = new Map()));
    names.set(c.position, c.name);
    const table = tablesByOid.get(key);
    if (table) table.columns.push(column(c));
    else viewsByOid.get(key)?.columns.push({ name: c.name, type: c.type });
  }

  for (const c of constraintRows) tablesByOid.get(String(c.relid))?.constraints.push(constraint(c));

  const nonDefaultOpclasses = new Map(opclassRows.map((o) => [Number(o.oid), o.name]));
  for (const i of indexRows) {
    const key = String(i.relid);
    const table = tablesByOid.get(key);
    const owner = table ?? viewsByOid.get(key);
    if (!owner) continue;
    const index = indexOf(i, owner, columnNames.get(key) ?? new Map(), nonDefaultOpclasses, opts.live);
    if (table) table.indexes.push(index);
    else viewsByOid.get(key)?.indexes.push(index);
  }

  for (const t of triggerRows) {
    const table = tablesByOid.get(String(t.relid));
    if (table) table.triggers.push(trigger(t, table));
  }

  for (const p of policyRows) {
    const table = tablesByOid.get(String(p.relid));
    if (table) table.policies.push(policy(p, table));
  }

  const tables = [...tablesByOid.values()].sort(by((t) => [t.schema, t.name]));
  for (const t of tables) {
    t.constraints.sort(by((c) => [c.name]));
    t.indexes.sort(by((i) => [i.name]));
    t.triggers.sort(by((tr) => [tr.name]));
    t.policies.sort(by((p) => [p.name]));
  }
  const views = [...viewsByOid.values()].sort(by((v) => [v.schema, v.name]));
  for (const v of views) v.indexes.sort(by((i) => [i.name]));

  const enums: EnumType[] = enumRows
    .map((e) => ({
      schema: e.schema, name: e.name, values: e.labels ?? [], comment: e.comment,
      origin: origin(e.schema, e.name, e.extension_member), provenance: {},
    }))
    .sort(by((e) => [e.schema, e.name]));

  const domains: DomainType[] = domainRows
    .map((d) => ({
      schema: d.schema, name: d.name, baseType: d.base_type, notNull: d.not_null, checks: d.checks ?? [],
      default: d.default_expr, origin: origin(d.schema, d.name, d.extension_member), provenance: {},
    }))
    .sort(by((d) => [d.schema, d.name]));

  const functions: FunctionInfo[] = functionRows
    .map((f) => ({
      schema: f.schema,
      name: f.name,
      arguments: f.arguments,
      returns: f.returns,
      kind: FUNCTION_KINDS[f.kind] ?? 'function',
      language: f.language,
      securityDefiner: f.security_definer,
      volatility: f.volatility === 'i' ? 'immutable' as const : f.volatility === 's' ? 'stable' as const : 'volatile' as const,
      config: f.config ?? [],
      source: f.source ?? '',
      comment: f.comment,
      origin: origin(f.schema, f.name, f.extension_member),
      provenance: {},
    }))
    .sort(by((f) => [f.schema, f.name, f.arguments]));

  const extensions: Extension[] = extensionRows
    .map((e) => ({ name: e.name, schema: e.schema, version: e.version }))
    .sort(by((e) => [e.name]));

  const sequences: Sequence[] = sequenceRows
    .map((s) => ({
      schema: s.schema,
      name: s.name,
      dataType: s.data_type,
      maxValue: s.max_value,
      increment: s.increment,
      ownedBy: s.table_name !== null && s.column_name !== null ? { table: s.table_name, column: s.column_name } : null,
      lastValue: opts.live ? s.last_value : null,
      origin: origin(s.schema, s.name, s.extension_member),
      provenance: {},
    }))
    .sort(by((s) => [s.schema, s.name]));

  const roles: Role[] = roleRows
    .map((r) => ({ name: r.name, canLogin: r.can_login, bypassRls: r.bypass_rls, superuser: r.superuser }))
    .sort(by((r) => [r.name]));

  // A migration tool's bookkeeping is not the team's design: mark it (and the sequences it owns) 'tool'.
  const toolTables = new Set<string>();
  for (const t of tables) {
    if (t.origin === 'user' && isToolTable(t)) {
      t.origin = 'tool';
      toolTables.add(objectKey(t.schema, t.name));
    }
  }
  for (const s of sequences) {
    if (s.origin === 'user' && s.ownedBy && toolTables.has(objectKey(s.schema, s.ownedBy.table))) s.origin = 'tool';
  }

  const relationOrigin = new Map<string, Origin>();
  for (const t of tables) relationOrigin.set(objectKey(t.schema, t.name), t.origin);
  for (const v of views) relationOrigin.set(objectKey(v.schema, v.name), v.origin);
  const grants: Grant[] = grantRows
    .filter((g) => relationOrigin.get(objectKey(g.schema, g.name)) === 'user')
    .map((g) => ({ schema: g.schema, table: g.name, grantee: g.grantee, privileges: [...g.privileges].sort(compare) }))
    .sort(by((g) => [g.schema, g.table, g.grantee]));

  const roleNames = new Set(roles.map((r) => r.name));
  return {
    engine,
    database: opts.database ?? versionRow.database,
    schemas,
    tables,
    views,
    enums,
    domains,
    functions,
    extensions,
    sequences,
    roles,
    grants,
    live: opts.live,
    // Roles are cluster-wide, so they alone don't make this database a Supabase one: it must have auth.users too.
    supabase: opts.shim != null
      || (SUPABASE_ROLES.every((r) => roleNames.has(r)) && tables.some((t) => t.schema === 'auth' && t.name === 'users')),
    introspectionQueries: queries,
    notes,
  };
}

/** "15.20 (Debian 15.20-0+deb12u1)" → "15.20"; falls back to the numeric form. */
export function normaliseServerVersion(serverVersion: string, serverVersionNum: number): string {
  const m = /^(\d+(?:\.\d+)?)/.exec(serverVersion.trim());
  if (m?.[1]) return m[1];
  return `${Math.floor(serverVersionNum / 10000)}.${serverVersionNum % 10000}`;
}

function engineInfo(kind: EngineInfo['kind'], row: VersionRow): EngineInfo {
  const num = Number(row.server_version_num);
  return { kind, serverVersion: normaliseServerVersion(row.server_version, num), serverVersionNum: num };
}

/**
 * The human-facing number inside a type modifier: length for varchar/char/bit, precision for
 * numeric and the time types. Postgres stores varchar(n) as n+4 and numeric(p,s) as ((p<<16)|s)+4.
 */
export function decodeTypeModifier(typeName: string, typmod: number): number | null {
  if (typmod < 0) return null;
  switch (typeName) {
    case 'varchar':
    case 'bpchar':
      return typmod - 4;
    case 'numeric':
      return ((typmod - 4) >> 16) & 0xffff;
    case 'interval': {
      const precision = typmod & 0xffff;
      return precision === 0xffff ? null : precision;
    }
    default:
      return typmod;
  }
}

function column(c: ColumnRow): Column {
  const isDomain = c.domain_base_type !== null;
  // A domain column's modifier lives on the domain (varchar(255) inside CREATE DOMAIN email AS …).
  const typmod = c.typmod >= 0 ? c.typmod : isDomain ? c.domain_typmod : -1;
  const generated = c.generated_kind !== '' ? c.default_expr : null;
  return {
    name: c.name,
    position: c.position,
    type: c.type,
    typeName: c.type_name,
    typeSchema: c.type_schema,
    typeCategory: c.type_category,
    domainBaseType: c.domain_base_type,
    isArray: c.is_array,
    typeModifier: decodeTypeModifier(isDomain ? (c.domain_base_type as string) : c.type_name, typmod),
    notNull: c.not_null,
    default: c.generated_kind === '' ? c.default_expr : null,
    identity: c.identity === 'a' ? 'always' : c.identity === 'd' ? 'by default' : null,
    generated,
    collation: c.collation,
    comment: c.comment,
    provenance: {},
  };
}

const CONSTRAINT_TYPES: Record<ConstraintRow['type'], ConstraintType> = {
  p: 'primary key', f: 'foreign key', u: 'unique', c: 'check', x: 'exclusion',
};

const ACTIONS: Record<string, ReferentialAction> = {
  a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default',
};

const MATCH_TYPES: Record<string, 'simple' | 'full' | 'partial'> = { s: 'simple', f: 'full', p: 'partial' };

function constraint(c: ConstraintRow): Constraint {
  const isFk = c.type === 'f' && c.ref_table !== null;
  return {
    name: c.name,
    type: CONSTRAINT_TYPES[c.type],
    columns: c.columns ?? [],
    definition: c.definition,
    validated: c.validated,
    deferrable: c.deferrable,
    deferred: c.deferred,
    index: c.index,
    references: isFk
      ? {
          schema: c.ref_schema ?? '',
          table: c.ref_table ?? '',
          columns: c.ref_columns ?? [],
          onDelete: ACTIONS[c.on_delete] ?? 'no action',
          onUpdate: ACTIONS[c.on_update] ?? 'no action',
          match: MATCH_TYPES[c.match] ?? 'simple',
        }
      : null,
    inherited: !c.local,
    comment: c.comment,
    provenance: {},
  };
}

function indexOf(
  i: IndexRow, owner: { schema: string; name: string }, columnNames: Map<number, string>,
  nonDefaultOpclasses: Map<number, string>, live: boolean,
): Index {
  const { schema, name: table } = owner;
  const nameOf = (pos: number): string | null => {
    const attnum = i.attnums[pos] ?? 0;
    return attnum === 0 ? null : columnNames.get(attnum) ?? null;
  };
  const keys: IndexKey[] = [];
  for (let pos = 0; pos < i.key_count; pos++) {
    const column = nameOf(pos);
    keys.push({
      column,
      expression: column !== null ? quoteIdent(column) : i.expressions?.[pos] ?? '',
      // INDOPTION_DESC is bit 0 of indoption.
      descending: ((i.options[pos] ?? 0) & 1) === 1,
      opclass: nonDefaultOpclasses.get(Number(i.opclasses[pos] ?? 0)) ?? null,
    });
  }
  const include: string[] = [];
  for (let pos = i.key_count; pos < i.attnums.length; pos++) include.push(nameOf(pos) ?? '');
  return {
    name: i.name,
    schema,
    table,
    keys,
    include,
    method: i.method,
    unique: i.is_unique,
    primary: i.is_primary,
    constraint: i.constraint_name,
    nullsNotDistinct: i.nulls_not_distinct,
    predicate: i.predicate,
    valid: i.valid,
    ready: i.ready,
    definition: i.definition,
    partitioned: i.partitioned,
    comment: i.comment,
    stats: live ? { scans: i.scans ?? 0, sizeBytes: i.size_bytes ?? 0 } : null,
    provenance: {},
  };
}

// tgtype bits, from pg_trigger.h.
const TRIGGER_ROW = 1 << 0;
const TRIGGER_BEFORE = 1 << 1;
const TRIGGER_INSERT = 1 << 2;
const TRIGGER_DELETE = 1 << 3;
const TRIGGER_UPDATE = 1 << 4;
const TRIGGER_TRUNCATE = 1 << 5;
const TRIGGER_INSTEAD = 1 << 6;

function trigger(t: TriggerRow, table: Table): Trigger {
  const events: Trigger['events'] = [];
  if (t.type & TRIGGER_INSERT) events.push('insert');
  if (t.type & TRIGGER_UPDATE) events.push('update');
  if (t.type & TRIGGER_DELETE) events.push('delete');
  if (t.type & TRIGGER_TRUNCATE) events.push('truncate');
  return {
    name: t.name,
    schema: table.schema,
    table: table.name,
    timing: t.type & TRIGGER_INSTEAD ? 'instead of' : t.type & TRIGGER_BEFORE ? 'before' : 'after',
    events,
    level: t.type & TRIGGER_ROW ? 'row' : 'statement',
    functionSchema: t.function_schema,
    functionName: t.function_name,
    enabled: t.enabled !== 'D',
    definition: t.definition,
    provenance: {},
  };
}

const POLICY_COMMANDS: Record<string, Policy['command']> = { '*': 'all', r: 'select', a: 'insert', w: 'update', d: 'delete' };

function policy(p: PolicyRow, table: Table): Policy {
  return {
    name: p.name,
    schema: table.schema,
    table: table.name,
    command: POLICY_COMMANDS[p.cmd] ?? 'all',
    permissive: p.permissive,
    roles: p.roles ?? ['public'],
    using: p.using_expr,
    withCheck: p.with_check,
    provenance: {},
  };
}

const FUNCTION_KINDS: Record<string, FunctionInfo['kind']> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' };

function tableStats(r: RelationRow, serverVersionNum: number): TableStats {
  const liveTuples = r.live_tuples ?? 0;
  const reltuples = r.reltuples ?? -1;
  // PG14+ says "never analyzed" with -1; before that an unanalyzed table shows 0 tuples on 0 pages.
  const neverAnalyzed = reltuples < 0 || (serverVersionNum < 140000 && reltuples === 0 && (r.relpages ?? 0) === 0);
  return {
    rowEstimate: neverAnalyzed ? liveTuples : reltuples,
    totalBytes: r.total_bytes ?? 0,
    tableBytes: r.table_bytes ?? 0,
    seqScans: r.seq_scan ?? 0,
    idxScans: r.idx_scan ?? 0,
    liveTuples,
    deadTuples: r.dead_tuples ?? 0,
    lastAutovacuum: r.last_autovacuum ?? null,
  };
}

/** reloptions hold "name=value" as written; Postgres accepts true/on/yes/1 (and a bare name) for booleans. */
function reloption(options: string[] | null, name: string): boolean {
  for (const o of options ?? []) {
    const eq = o.indexOf('=');
    const key = eq < 0 ? o : o.slice(0, eq);
    if (key.toLowerCase() !== name) continue;
    const value = eq < 0 ? 'true' : o.slice(eq + 1).toLowerCase();
    return ['true', 'on', 'yes', '1', 't', 'y'].includes(value);
  }
  return false;
}

/** Extension membership wins over the shim: an extension the shim installed still belongs to the extension. */
function originResolver(shim: IntrospectOptions['shim'], stubs: Array<{ schema: string; name: string }>): (schema: string, name: string, extensionMember: boolean) => Origin {
  const shimSchemas = new Set(shim?.schemas ?? []);
  const shimObjects = new Set([...(shim?.objects ?? []), ...stubs].map((o) => objectKey(o.schema, o.name)));
  return (schema, name, extensionMember) => {
    if (extensionMember) return 'extension';
    if (shimSchemas.has(schema) || shimObjects.has(objectKey(schema, name))) return 'shim';
    return 'user';
  };
}

/** A map key for schema + name that dotted identifiers cannot make ambiguous. */
function objectKey(schema: string, name: string): string {
  return `${schema}\0${name}`;
}

/** Code-point order: the same on every server and locale, unlike ORDER BY on text. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function by<T>(key: (x: T) => string[]): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      const d = compare(ka[i] ?? '', kb[i] ?? '');
      if (d !== 0) return d;
    }
    return 0;
  };
}
