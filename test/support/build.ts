/**
 * Terse builders for Catalog fixtures, so rule tests read like the schema they describe.
 * Types are given as format_type() prints them ("bigint", "character varying(255)", "text[]").
 */
import type {
  Catalog, Column, Constraint, EnumType, FunctionInfo, Index, IndexKey, Policy, Table, Trigger, View,
} from '../../src/catalog/model.js';

const TYPE_NAMES: Record<string, [string, string]> = {
  // format_type → [typname, typcategory]
  smallint: ['int2', 'N'], integer: ['int4', 'N'], bigint: ['int8', 'N'], numeric: ['numeric', 'N'], real: ['float4', 'N'],
  'double precision': ['float8', 'N'], money: ['money', 'N'], text: ['text', 'S'], 'character varying': ['varchar', 'S'],
  character: ['bpchar', 'S'], boolean: ['bool', 'B'], uuid: ['uuid', 'U'], json: ['json', 'U'], jsonb: ['jsonb', 'U'],
  'timestamp without time zone': ['timestamp', 'D'], 'timestamp with time zone': ['timestamptz', 'D'], date: ['date', 'D'],
  'time without time zone': ['time', 'D'], 'time with time zone': ['timetz', 'D'], interval: ['interval', 'T'],
  bytea: ['bytea', 'U'], inet: ['inet', 'I'], cidr: ['cidr', 'I'], citext: ['citext', 'S'], tsvector: ['tsvector', 'U'],
};

/** Parse "character varying(255)[]" → typname, modifier, array. Unknown names are treated as enums (category E). */
export function typeInfo(type: string): Pick<Column, 'type' | 'typeName' | 'typeCategory' | 'isArray' | 'typeModifier' | 'typeSchema' | 'domainBaseType'> {
  const isArray = type.endsWith('[]');
  const base = isArray ? type.slice(0, -2) : type;
  const m = /^([a-z ]+?)(?:\((\d+)(?:,\d+)?\))?( with(?:out)? time zone)?$/.exec(base);
  const name = m ? `${m[1]}${m[3] ?? ''}`.trim() : base;
  const mod = m?.[2] !== undefined ? Number(m[2]) : null;
  const known = TYPE_NAMES[name];
  return {
    type,
    typeName: known ? known[0] : name,
    typeCategory: known ? known[1] : 'E',
    isArray,
    typeModifier: mod,
    typeSchema: known ? 'pg_catalog' : 'public',
    domainBaseType: null,
  };
}

export function col(name: string, type: string, extra: Partial<Column> = {}): Column {
  return {
    name, position: 0, ...typeInfo(type), notNull: false, default: null, identity: null, generated: null,
    collation: null, comment: null, provenance: {}, ...extra,
  };
}

export function pk(columns: string[], name?: string): Constraint {
  return constraint('primary key', columns, { name: name ?? `pk_${columns.join('_')}`, index: name ?? `pk_${columns.join('_')}` });
}

export function unique(columns: string[], name?: string): Constraint {
  const n = name ?? `uq_${columns.join('_')}`;
  return constraint('unique', columns, { name: n, index: n });
}

export function fk(columns: string[], table: string, refColumns: string[] = ['id'], extra: Partial<Constraint> = {}, refSchema = 'public'): Constraint {
  return constraint('foreign key', columns, {
    name: `fk_${columns.join('_')}`,
    references: { schema: refSchema, table, columns: refColumns, onDelete: 'no action', onUpdate: 'no action', match: 'simple' },
    ...extra,
  });
}

export function check(name: string, definition: string, columns: string[] = []): Constraint {
  return constraint('check', columns, { name, definition });
}

export function constraint(type: Constraint['type'], columns: string[], extra: Partial<Constraint> = {}): Constraint {
  return {
    name: `${type.replace(' ', '_')}_${columns.join('_')}`, type, columns, definition: `${type.toUpperCase()} (${columns.join(', ')})`,
    validated: true, deferrable: false, deferred: false, index: null, references: null, inherited: false, comment: null,
    provenance: {}, ...extra,
  };
}

export function idx(name: string, keys: Array<string | { expression: string }>, extra: Partial<Index> = {}): Index {
  const k: IndexKey[] = keys.map((key) =>
    typeof key === 'string'
      ? { column: key, expression: key, descending: false, opclass: null }
      : { column: null, expression: key.expression, descending: false, opclass: null },
  );
  return {
    name, schema: 'public', table: '', keys: k, include: [], method: 'btree', unique: false, primary: false, constraint: null,
    nullsNotDistinct: false, predicate: null, valid: true, ready: true, definition: `CREATE INDEX ${name}`, partitioned: false,
    comment: null, stats: null, provenance: {}, ...extra,
  };
}

export interface TableSpec extends Partial<Omit<Table, 'name'>> {}

/** A table; indexes for PK/UNIQUE constraints are added automatically (as Postgres does). */
export function table(name: string, columns: Column[], spec: TableSpec = {}): Table {
  const schema = spec.schema ?? 'public';
  const constraints = spec.constraints ?? [];
  const indexes = [...(spec.indexes ?? [])];
  for (const c of constraints) {
    if ((c.type === 'primary key' || c.type === 'unique') && !indexes.some((i) => i.name === c.index)) {
      indexes.push(idx(c.index ?? c.name, c.columns, { unique: true, primary: c.type === 'primary key', constraint: c.name }));
    }
  }
  for (const c of constraints) if (c.type === 'primary key') for (const colName of c.columns) {
    const column = columns.find((x) => x.name === colName);
    if (column) column.notNull = true;
  }
  columns.forEach((c, i) => { if (c.position === 0) c.position = i + 1; });
  return {
    schema, name, kind: 'table', persistence: 'permanent', partitionOf: null, partitionKey: null, inherits: [],
    rlsEnabled: false, rlsForced: false, rules: [], comment: null, triggers: [], policies: [], stats: null, origin: 'user',
    provenance: {}, ...spec, columns, constraints,
    indexes: indexes.map((i) => ({ ...i, schema, table: name })),
  };
}

export function policy(name: string, tableName: string, extra: Partial<Policy> = {}): Policy {
  return { name, schema: 'public', table: tableName, command: 'all', permissive: true, roles: ['public'], using: null, withCheck: null, provenance: {}, ...extra };
}

export function trigger(name: string, tableName: string, fn: string, extra: Partial<Trigger> = {}): Trigger {
  return {
    name, schema: 'public', table: tableName, timing: 'before', events: ['update'], level: 'row', functionSchema: 'public',
    functionName: fn, enabled: true, definition: '', provenance: {}, ...extra,
  };
}

export function fn(name: string, extra: Partial<FunctionInfo> = {}): FunctionInfo {
  return {
    schema: 'public', name, arguments: '', returns: 'trigger', kind: 'function', language: 'plpgsql', securityDefiner: false,
    volatility: 'volatile', config: [], source: '', comment: null, origin: 'user', provenance: {}, ...extra,
  };
}

export function enumType(name: string, values: string[], extra: Partial<EnumType> = {}): EnumType {
  return { schema: 'public', name, values, comment: null, origin: 'user', provenance: {}, ...extra };
}

export function view(name: string, extra: Partial<View> = {}): View {
  return {
    schema: 'public', name, materialized: false, definition: 'SELECT 1', columns: [], securityInvoker: false, securityBarrier: false,
    indexes: [], comment: null, origin: 'user', provenance: {}, ...extra,
  };
}

export function catalog(parts: Partial<Catalog> = {}): Catalog {
  return {
    engine: { kind: 'pglite', serverVersion: '18.6', serverVersionNum: 180006 },
    database: 'test', schemas: [{ name: 'public', owner: 'postgres', comment: null, origin: 'user' }], tables: [], views: [],
    enums: [], domains: [], functions: [], extensions: [], sequences: [], roles: [], grants: [], live: false, supabase: false,
    introspectionQueries: 0, notes: [], ...parts,
  };
}
