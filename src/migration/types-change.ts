/** What ALTER COLUMN … TYPE does to the stored data: binary-coercible (no rewrite), a rewrite, and whether it narrows. */
import type { Catalog, Column } from '../catalog/model.js';
import { findTable } from '../catalog/helpers.js';
import { arr, constValue, isNode, names, type Node } from './ast.js';

export interface TypeSpec {
  /** typname as pg_type spells it: varchar, numeric, timestamptz, … */
  name: string;
  schema: string | null;
  mods: number[];
  array: boolean;
}

const ALIASES: Record<string, string> = {
  int: 'int4', integer: 'int4', smallint: 'int2', bigint: 'int8', 'character varying': 'varchar', character: 'bpchar', char: 'bpchar',
  decimal: 'numeric', real: 'float4', float: 'float8', 'double precision': 'float8', boolean: 'bool',
  'timestamp without time zone': 'timestamp', 'timestamp with time zone': 'timestamptz', 'time without time zone': 'time',
  'time with time zone': 'timetz',
};

export function typeFromAst(typeName: Node): TypeSpec {
  const parts = names(typeName.names);
  const raw = (parts[parts.length - 1] ?? '').toLowerCase();
  const schema = parts.length > 1 ? (parts[0] as string) : null;
  const mods = arr(typeName.typmods).map((m) => constValue(m)).filter((v): v is number => typeof v === 'number');
  return { name: ALIASES[raw] ?? raw, schema: schema === 'pg_catalog' ? null : schema, mods, array: arr(typeName.arrayBounds).length > 0 };
}

export function typeOfColumn(c: Column): TypeSpec {
  const m = /\(([\d,\s]+)\)/.exec(c.type);
  const mods = m ? (m[1] as string).split(',').map((x) => Number(x.trim())) : [];
  return { name: c.typeName, schema: c.typeSchema === 'pg_catalog' ? null : c.typeSchema, mods, array: c.isArray };
}

export function typeSql(t: TypeSpec): string {
  return `${t.name}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}

export type TypeChange =
  | { kind: 'same' }
  | { kind: 'coercible'; why: string }
  /** timestamp → timestamptz: no rewrite on PG ≥ 12 only when the session TimeZone is UTC. */
  | { kind: 'timezone' }
  | { kind: 'rewrite'; narrowing: string | null };

const STRINGS = new Set(['varchar', 'text']);
const INT_RANK: Record<string, number> = { int2: 1, int4: 2, int8: 3 };

/** Classifies a type change the way ATColumnChangeRequiresRewrite does for the common built-in types. */
export function classifyTypeChange(from: TypeSpec, to: TypeSpec, pgVersion: number): TypeChange {
  if (from.array !== to.array) return { kind: 'rewrite', narrowing: null };
  if (from.name === to.name && from.mods.join(',') === to.mods.join(',')) return { kind: 'same' };
  if (from.name === 'varchar' && to.name === 'varchar') {
    const [n] = from.mods;
    const [m] = to.mods;
    if (m === undefined) return { kind: 'coercible', why: 'removing a varchar length limit' };
    if (n !== undefined && m >= n) return { kind: 'coercible', why: `widening varchar(${n}) to varchar(${m})` };
    return { kind: 'rewrite', narrowing: `varchar${n === undefined ? '' : `(${n})`} to varchar(${m}) truncates nothing but rejects longer values` };
  }
  if (from.name === 'varchar' && to.name === 'text') return { kind: 'coercible', why: 'varchar to text' };
  if (from.name === 'text' && to.name === 'varchar' && to.mods.length === 0) return { kind: 'coercible', why: 'text to unconstrained varchar' };
  if (from.name === 'text' && to.name === 'varchar') return { kind: 'rewrite', narrowing: `text to varchar(${to.mods[0]}) rejects longer values` };
  if (from.name === 'numeric' && to.name === 'numeric') {
    if (to.mods.length === 0) return { kind: 'coercible', why: 'numeric(p,s) to unconstrained numeric' };
    const [p, s = 0] = from.mods;
    const [p2, s2 = 0] = to.mods;
    if (p !== undefined && p2 !== undefined && s2 === s && p2 >= p) return { kind: 'coercible', why: `widening numeric(${p},${s}) to numeric(${p2},${s2})` };
    if (p === undefined || (p2 !== undefined && (p2 - s2 < p - s || s2 < s))) return { kind: 'rewrite', narrowing: `numeric${from.mods.length ? `(${from.mods.join(',')})` : ''} to numeric(${to.mods.join(',')}) loses precision or range` };
    return { kind: 'rewrite', narrowing: null };
  }
  if (from.name === 'cidr' && to.name === 'inet') return { kind: 'coercible', why: 'cidr to inet' };
  if (from.name === 'timestamp' && to.name === 'timestamptz' && pgVersion >= 12) return { kind: 'timezone' };
  const a = INT_RANK[from.name];
  const b = INT_RANK[to.name];
  if (a !== undefined && b !== undefined) return { kind: 'rewrite', narrowing: b < a ? `${from.name} to ${to.name} rejects values out of range` : null };
  if (STRINGS.has(from.name) && to.name === 'bpchar') return { kind: 'rewrite', narrowing: `text to char(${to.mods[0] ?? 1}) pads and rejects longer values` };
  if ((from.name === 'timestamptz' || from.name === 'timestamp') && to.name === 'date') return { kind: 'rewrite', narrowing: `${from.name} to date drops the time of day` };
  if ((from.name === 'float8' || from.name === 'numeric') && INT_RANK[to.name] !== undefined) return { kind: 'rewrite', narrowing: `${from.name} to ${to.name} drops fractions` };
  if (from.name === 'float8' && to.name === 'float4') return { kind: 'rewrite', narrowing: 'double precision to real loses precision' };
  return { kind: 'rewrite', narrowing: null };
}

/** Enum labels an ALTER COLUMN … TYPE to another enum would no longer accept. */
export function droppedEnumValues(catalog: Catalog, from: Column, to: TypeSpec): string[] {
  if (from.typeCategory !== 'E') return [];
  const old = catalog.enums.find((e) => e.name === from.typeName && e.schema === from.typeSchema);
  const next = catalog.enums.find((e) => e.name === to.name && e.schema === (to.schema ?? 'public'));
  if (!old || !next) return [];
  return old.values.filter((v) => !next.values.includes(v));
}

export { findTable, isNode };
