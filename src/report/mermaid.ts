/**
 * The ER diagram as Mermaid `erDiagram`. Only key columns (PK/FK/unique-FK) are drawn: a diagram
 * is for the shape of the schema; the inventory has the column counts. Relationships run from the
 * referenced table to the referencing one, with cardinality read from the FK itself:
 *   referenced side: `||` when the FK columns are NOT NULL, `|o` when they are nullable;
 *   referencing side: `o|` when the FK columns are unique (one-to-one), `o{` otherwise.
 */
import type { Catalog, Column, Table } from '../catalog/model.js';
import { foreignKeys, isPartition, primaryKey, userTables } from '../catalog/helpers.js';

export const MAX_DIAGRAM_TABLES = 60;

export interface ErDiagram {
  /** The Mermaid source, without the ``` fence. */
  source: string;
  shown: number;
  total: number;
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

function isUniqueOn(table: Table, columns: string[]): boolean {
  return table.indexes.some(
    (i) => i.unique && i.valid && i.predicate === null && i.keys.length === columns.length &&
      i.keys.every((k) => k.column !== null && columns.includes(k.column)),
  );
}

export function erDiagram(catalog: Catalog, maxTables = MAX_DIAGRAM_TABLES): ErDiagram {
  const all = userTables(catalog).filter((t) => !isPartition(t));
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

  const taken = new Set<string>();
  const names = new Map(shown.map((t) => [keyOf(t), entityName(t, taken)]));
  const lines = ['erDiagram'];

  for (const t of shown) {
    const pkColumns = new Set(primaryKey(t)?.columns ?? []);
    const fkColumns = new Set(foreignKeys(t).flatMap((k) => k.columns));
    const attrs: string[] = [];
    for (const c of t.columns) {
      const keys = [pkColumns.has(c.name) ? 'PK' : null, fkColumns.has(c.name) ? 'FK' : null].filter((k) => k !== null);
      if (keys.length === 0) continue;
      if (!pkColumns.has(c.name) && isUniqueOn(t, [c.name])) keys.push('UK');
      attrs.push(`    ${attributeType(c)} ${attributeName(c.name)} ${keys.join(', ')}`);
    }
    const name = names.get(keyOf(t)) as string;
    if (attrs.length === 0) lines.push(`  ${name}`);
    else lines.push(`  ${name} {`, ...attrs, '  }');
  }

  for (const t of shown) {
    for (const k of foreignKeys(t)) {
      if (!k.references) continue;
      const target = `${k.references.schema}.${k.references.table}`;
      if (!shownKeys.has(target)) continue;
      const nullable = k.columns.some((name) => t.columns.find((c) => c.name === name)?.notNull !== true);
      const left = nullable ? '|o' : '||';
      const right = isUniqueOn(t, k.columns) ? 'o|' : 'o{';
      const label = k.columns.join(', ').replace(/"/g, "'");
      lines.push(`  ${names.get(target) as string} ${left}--${right} ${names.get(keyOf(t)) as string} : "${label}"`);
    }
  }
  return { source: lines.join('\n'), shown: shown.length, total: all.length };
}
