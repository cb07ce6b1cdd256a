/** Small pure helpers over a Catalog, shared by rules, reports and diff. */
import type { Catalog, Column, Constraint, Index, Location, Table, View } from './model.js';
import type { ObjectRef } from '../result.js';

const SAFE_IDENT = /^[a-z_][a-z0-9_$]*$/;

/** Postgres keywords that must be quoted as identifiers (reserved + type/function-name ones we are likely to meet). */
export const RESERVED_WORDS = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'authorization', 'binary', 'both', 'case',
  'cast', 'check', 'collate', 'collation', 'column', 'concurrently', 'constraint', 'create', 'cross', 'current_catalog',
  'current_date', 'current_role', 'current_schema', 'current_time', 'current_timestamp', 'current_user', 'default',
  'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'freeze', 'from',
  'full', 'grant', 'group', 'having', 'ilike', 'in', 'initially', 'inner', 'intersect', 'into', 'is', 'isnull', 'join',
  'lateral', 'leading', 'left', 'like', 'limit', 'localtime', 'localtimestamp', 'natural', 'not', 'notnull', 'null',
  'offset', 'on', 'only', 'or', 'order', 'outer', 'overlaps', 'placing', 'primary', 'references', 'returning', 'right',
  'select', 'session_user', 'similar', 'some', 'symmetric', 'system_user', 'table', 'tablesample', 'then', 'to',
  'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'verbose', 'when', 'where', 'window', 'with',
]);

/** Quote an identifier the way quote_ident() does. */
export function quoteIdent(name: string): string {
  if (SAFE_IDENT.test(name) && !RESERVED_WORDS.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** schema.name, omitting `public.` for readability. */
export function qualify(schema: string | undefined, name: string): string {
  if (!schema || schema === 'public') return quoteIdent(name);
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function tableRef(t: { schema: string; name: string }): ObjectRef {
  return { kind: 'table', schema: t.schema, name: t.name };
}

export function columnRef(t: { schema: string; name: string }, column: string): ObjectRef {
  return { kind: 'column', schema: t.schema, table: t.name, name: column };
}

export function constraintRef(t: { schema: string; name: string }, c: { name: string }): ObjectRef {
  return { kind: 'constraint', schema: t.schema, table: t.name, name: c.name };
}

export function indexRef(i: Index): ObjectRef {
  return { kind: 'index', schema: i.schema, table: i.table, name: i.name };
}

/** Tables the user wrote (not the Supabase shim, not extension-owned). */
export function userTables(catalog: Catalog): Table[] {
  return catalog.tables.filter((t) => t.origin === 'user');
}

export function userViews(catalog: Catalog): View[] {
  return catalog.views.filter((v) => v.origin === 'user');
}

const tableIndexes = new WeakMap<Table[], Map<string, Table>>();

/** O(1) after the first call per catalog: rules look tables up once per FK, finding and column. */
export function findTable(catalog: Catalog, schema: string, name: string): Table | undefined {
  let byName = tableIndexes.get(catalog.tables);
  if (!byName || byName.size !== catalog.tables.length) {
    byName = new Map(catalog.tables.map((t) => [`${t.schema}\u0000${t.name}`, t]));
    tableIndexes.set(catalog.tables, byName);
  }
  return byName.get(`${schema}\u0000${name}`);
}

export function findColumn(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

export function primaryKey(table: Table): Constraint | undefined {
  return table.constraints.find((c) => c.type === 'primary key');
}

export function foreignKeys(table: Table): Constraint[] {
  return table.constraints.filter((c) => c.type === 'foreign key');
}

/** Partitions are reviewed through their parent; listing both would double every finding. */
/** Is there a valid, non-partial unique index on exactly these columns (so a foreign key on them is one-to-one)? */
export function hasUniqueIndexOn(table: Table, columns: readonly string[]): boolean {
  return table.indexes.some(
    (i) => i.unique && i.valid && i.predicate === null && i.keys.length === columns.length &&
      i.keys.every((k) => k.column !== null && columns.includes(k.column)),
  );
}

/** May any of these columns be NULL (a foreign key on them is optional)? */
export function anyNullable(table: Table, columns: readonly string[]): boolean {
  return columns.some((name) => table.columns.find((c) => c.name === name)?.notNull !== true);
}

/** The `schema.table` keys of the tables some objects name (a column's, constraint's or index's table counts). */
export function tableKeysOf(objects: readonly ObjectRef[]): string[] {
  const keys = new Set<string>();
  for (const o of objects) {
    const table = o.kind === 'table' ? o.name ?? o.table : o.table;
    if (table) keys.add(`${o.schema ?? 'public'}.${table}`);
  }
  return [...keys];
}

export function isPartition(table: Table): boolean {
  return table.partitionOf !== null;
}

/**
 * Can `index` serve lookups on exactly `columns` (an FK's columns)? True when the columns are the
 * leading plain keys of a valid index, in any order among themselves. A partial index only counts
 * when its predicate is implied for every row that can reference — we accept only `col IS NOT NULL`
 * on the FK's own columns, which is the one predicate always implied for referencing rows.
 */
export function indexCoversColumns(index: Index, columns: string[]): boolean {
  if (!index.valid || columns.length === 0) return false;
  if (index.method !== 'btree' && index.method !== 'hash' && index.method !== 'gist' && index.method !== 'gin') return false;
  if (index.method === 'hash' && columns.length !== 1) return false;
  if (index.keys.length < columns.length) return false;
  const leading = index.keys.slice(0, columns.length);
  if (leading.some((k) => k.column === null)) return false;
  const leadingNames = new Set(leading.map((k) => k.column as string));
  if (!columns.every((c) => leadingNames.has(c))) return false;
  if (index.predicate !== null && !predicateImpliedForReferences(index.predicate, columns)) return false;
  return true;
}

function predicateImpliedForReferences(predicate: string, columns: string[]): boolean {
  // Strip outer parens and split on AND; each conjunct must be "<fk col> IS NOT NULL".
  const conjuncts = predicate.replace(/^\(+|\)+$/g, '').split(/\)?\s+AND\s+\(?/i);
  return conjuncts.every((c) => {
    const m = /^\(?"?([^"()]+)"?\s+IS\s+NOT\s+NULL\)?$/i.exec(c.trim());
    return m !== null && columns.includes(m[1] as string);
  });
}

/** The location a finding about these objects should point at. */
export function locate(catalog: Catalog, ref: ObjectRef): Location | null {
  const table = ref.schema && (ref.table ?? (ref.kind === 'table' ? ref.name : undefined))
    ? findTable(catalog, ref.schema, (ref.table ?? ref.name) as string)
    : undefined;
  switch (ref.kind) {
    case 'table':
      return table?.provenance.created ?? null;
    case 'column': {
      const col = table && ref.name ? findColumn(table, ref.name) : undefined;
      // Where the column is declared: its type, name and first constraints are written there.
      return col?.provenance.created ?? col?.provenance.altered ?? table?.provenance.created ?? null;
    }
    case 'constraint': {
      const c = table?.constraints.find((x) => x.name === ref.name);
      return c?.provenance.created ?? table?.provenance.created ?? null;
    }
    case 'index': {
      const i = table?.indexes.find((x) => x.name === ref.name)
        ?? catalog.views.flatMap((v) => v.indexes).find((x) => x.name === ref.name && x.schema === ref.schema);
      return i?.provenance.created ?? table?.provenance.created ?? null;
    }
    case 'policy': {
      const p = table?.policies.find((x) => x.name === ref.name);
      return p?.provenance.created ?? table?.provenance.created ?? null;
    }
    case 'trigger': {
      const tr = table?.triggers.find((x) => x.name === ref.name);
      return tr?.provenance.created ?? table?.provenance.created ?? null;
    }
    case 'view':
      return catalog.views.find((v) => v.schema === ref.schema && v.name === ref.name)?.provenance.created ?? null;
    case 'enum':
      return catalog.enums.find((e) => e.schema === ref.schema && e.name === ref.name)?.provenance.created ?? null;
    case 'function':
      return catalog.functions.find((f) => f.schema === ref.schema && f.name === ref.name)?.provenance.created ?? null;
    case 'extension':
      return catalog.extensions.find((e) => e.name === ref.name)?.provenance?.created ?? null;
    case 'sequence':
      return catalog.sequences.find((s) => s.schema === ref.schema && s.name === ref.name)?.provenance.created ?? null;
    default:
      return null;
  }
}

/** Human label for an object: `public.orders.customer_id` → `orders.customer_id`. */
export function describeRef(ref: ObjectRef): string {
  const schema = ref.schema && ref.schema !== 'public' ? `${ref.schema}.` : '';
  if (ref.kind === 'column' || ref.kind === 'constraint' || ref.kind === 'index' || ref.kind === 'policy' || ref.kind === 'trigger') {
    if (ref.kind === 'index') return `${schema}${ref.name ?? ''}`;
    return `${schema}${ref.table ?? ''}.${ref.name ?? ''}`;
  }
  return `${schema}${ref.name ?? ''}`;
}

/** `12.3 MB`, `1.1 GB`, `8 kB`: sizes as pg_size_pretty would round them, for messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.round(n / 1024)} kB`;
}
