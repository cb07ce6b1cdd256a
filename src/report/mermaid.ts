/**
 * The ER diagram as Mermaid `erDiagram`. By default only key columns (PK/FK/unique-FK) are drawn: a
 * diagram is for the shape of the schema; the inventory has the column counts. `docs` draws one
 * diagram per domain, with every column when the domain is small. Relationships run from the
 * referenced table to the referencing one, with cardinality read from the FK itself:
 *   referenced side: `||` when the FK columns are NOT NULL, `|o` when they are nullable;
 *   referencing side: `o|` when the FK columns are unique (one-to-one), `o{` otherwise.
 */
import type { Catalog, Column, Table } from '../catalog/model.js';
import { anyNullable, findTable, foreignKeys, hasUniqueIndexOn, isPartition, primaryKey, userTables } from '../catalog/helpers.js';

export const MAX_DIAGRAM_TABLES = 60;

export interface ErDiagram {
  /** The Mermaid source, without the ``` fence. */
  source: string;
  shown: number;
  total: number;
  /** Entity name of every drawn table (bare referenced ones included), by `schema.name` key. */
  entities: Record<string, string>;
}

const FRIENDLY_TYPES: Record<string, string> = {
  int2: 'smallint', int4: 'integer', int8: 'bigint', bool: 'boolean', float4: 'real', float8: 'double',
  bpchar: 'char', timestamptz: 'timestamptz', timestamp: 'timestamp', varchar: 'varchar',
};

/** Words the erDiagram grammar reads as cardinality or keywords. */
const MERMAID_WORDS = new Set(['one', 'many', 'zero', 'only', 'or', 'to', 'optionally', 'more', 'u', 'style', 'classdef', 'class', 'direction', 'erdiagram', 'acctitle', 'accdescr']);

const keyOf = (t: { schema: string; name: string }): string => `${t.schema}.${t.name}`;

/** Entity names may hold letters, digits, `_` and `-`, and must not start with a digit. */
function entityName(t: Table, taken: Set<string>): string {
  let base = (t.schema === 'public' ? t.name : `${t.schema}__${t.name}`).replace(/[^A-Za-z0-9_-]/g, '_');
  if (/^[^A-Za-z_]/.test(base)) base = `t_${base}`;
  if (MERMAID_WORDS.has(base.toLowerCase())) base = `${base}_`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

function attributeType(c: Column): string {
  const base = (FRIENDLY_TYPES[c.typeName] ?? c.typeName).replace(/[^A-Za-z0-9_]/g, '_') || 'unknown';
  const safe = /^[A-Za-z]/.test(base) ? base : `t_${base}`;
  return c.isArray ? `${safe}[]` : safe;
}

function attributeName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(safe) ? safe : `_${safe}`;
}

export interface ErDiagramOptions {
  /** At most this many entities (default MAX_DIAGRAM_TABLES); the most connected tables are kept. */
  max?: number;
  /** Draw only these tables (`schema.name` keys); default: every user table that is not a partition. */
  tables?: readonly string[];
  /**
   * Also draw the tables that the shown tables' foreign keys point at (another domain, `auth.users`)
   * as bare entities, so no edge is lost. They count towards `max`; the chosen tables come first.
   */
  referenced?: boolean;
  /** `keys` (default): only PK/FK/unique columns; `all`: every column. */
  columns?: 'keys' | 'all';
}

export function erDiagram(catalog: Catalog, options: number | ErDiagramOptions = MAX_DIAGRAM_TABLES): ErDiagram {
  const opts: ErDiagramOptions = typeof options === 'number' ? { max: options } : options;
  const maxTables = opts.max ?? MAX_DIAGRAM_TABLES;
  const everyTable = userTables(catalog).filter((t) => !isPartition(t));
  const wanted = opts.tables ? new Set(opts.tables) : null;
  const all = wanted ? everyTable.filter((t) => wanted.has(keyOf(t))) : everyTable;
  const byKey = new Map(all.map((t) => [keyOf(t), t]));

  // Keep the most connected tables when capping: they carry the shape of the schema.
  const degree = new Map<string, number>();
  for (const t of all) for (const k of foreignKeys(t)) {
    const target = k.references ? `${k.references.schema}.${k.references.table}` : '';
    if (!byKey.has(target)) continue;
    degree.set(keyOf(t), (degree.get(keyOf(t)) ?? 0) + 1);
    degree.set(target, (degree.get(target) ?? 0) + 1);
  }
  const byName = (a: Table, b: Table): number => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0);
  const shown = all.length <= maxTables
    ? [...all].sort(byName)
    : [...all].sort((a, b) => (degree.get(keyOf(b)) ?? 0) - (degree.get(keyOf(a)) ?? 0) || byName(a, b)).slice(0, maxTables).sort(byName);
  const shownKeys = new Set(shown.map(keyOf));

  // Referenced tables outside the selection, most referenced first, while room remains.
  const bare: Table[] = [];
  if (opts.referenced) {
    const refCount = new Map<string, { n: number; schema: string; table: string }>();
    for (const t of shown) for (const k of foreignKeys(t)) {
      if (!k.references) continue;
      const target = `${k.references.schema}.${k.references.table}`;
      if (shownKeys.has(target)) continue;
      const e = refCount.get(target);
      if (e) e.n++;
      else refCount.set(target, { n: 1, schema: k.references.schema, table: k.references.table });
    }
    const count = (t: Table): number => refCount.get(keyOf(t))?.n ?? 0;
    const outside = [...refCount.values()]
      .map((r) => findTable(catalog, r.schema, r.table))
      .filter((t): t is Table => t !== undefined)
      .sort((a, b) => count(b) - count(a) || byName(a, b))
      .slice(0, Math.max(0, maxTables - shown.length))
      .sort(byName);
    bare.push(...outside);
  }
  const drawnKeys = new Set([...shownKeys, ...bare.map(keyOf)]);

  const taken = new Set<string>();
  const names = new Map([...shown, ...bare].map((t) => [keyOf(t), entityName(t, taken)]));
  const lines = ['erDiagram'];

  for (const t of shown) {
    const pkColumns = new Set(primaryKey(t)?.columns ?? []);
    const fkColumns = new Set(foreignKeys(t).flatMap((k) => k.columns));
    const attrs: string[] = [];
    for (const c of t.columns) {
      const keys = [pkColumns.has(c.name) ? 'PK' : null, fkColumns.has(c.name) ? 'FK' : null].filter((k) => k !== null);
      if (keys.length === 0 && opts.columns !== 'all') continue;
      if (!pkColumns.has(c.name) && hasUniqueIndexOn(t, [c.name])) keys.push('UK');
      attrs.push(`    ${attributeType(c)} ${attributeName(c.name)}${keys.length > 0 ? ` ${keys.join(', ')}` : ''}`);
    }
    const name = names.get(keyOf(t)) as string;
    if (attrs.length === 0) lines.push(`  ${name}`);
    else lines.push(`  ${name} {`, ...attrs, '  }');
  }
  for (const t of bare) lines.push(`  ${names.get(keyOf(t)) as string}`);

  for (const t of shown) {
    for (const k of foreignKeys(t)) {
      if (!k.references) continue;
      const target = `${k.references.schema}.${k.references.table}`;
      if (!drawnKeys.has(target)) continue;
      const nullable = anyNullable(t, k.columns);
      const left = nullable ? '|o' : '||';
      const right = hasUniqueIndexOn(t, k.columns) ? 'o|' : 'o{';
      const label = k.columns.join(', ').replace(/"/g, "'");
      lines.push(`  ${names.get(target) as string} ${left}--${right} ${names.get(keyOf(t)) as string} : "${label}"`);
    }
  }
  return { source: lines.join('\n'), shown: shown.length, total: all.length, entities: Object.fromEntries(names) };
}
