/**
 * Relationships between tables, read from foreign keys. Every FK is a relation from the referenced
 * table (parent) to the referencing one (child): 1:1 when the FK columns are exactly a primary or
 * unique key of the child, else 1:N; optional when an FK column is nullable. A junction table (a
 * key that is exactly two of its FKs, and at most a couple of other columns such as `role` or
 * `created_at`) adds an M:N relation between the two tables it links; its own two FKs stay listed
 * as 1:N, since the junction is a table one can query.
 */
import type { Catalog, Constraint, Table } from '../catalog/model.js';
import { anyNullable, foreignKeys, hasUniqueIndexOn, isPartition, primaryKey, userTables } from '../catalog/helpers.js';
import type { Relation, TableRef } from './model.js';

/** Columns besides the two linked keys (and a surrogate id) that a junction may carry. */
const MAX_JUNCTION_EXTRA_COLUMNS = 2;

export const tableKey = (t: { schema: string; name: string } | TableRef): string =>
  'name' in t ? `${t.schema}.${t.name}` : `${t.schema}.${t.table}`;

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/** The child's own FKs: partitions repeat their parent's, and inherited ones are listed on the parent. */
export function ownForeignKeys(t: Table): Constraint[] {
  return foreignKeys(t).filter((c) => !c.inherited && c.references !== null);
}

/** Is `columns` exactly a primary key, unique constraint or non-partial unique index of `table`? */
export function isUniqueKey(table: Table, columns: readonly string[]): boolean {
  if (columns.length === 0) return false;
  if (table.constraints.some((c) => (c.type === 'primary key' || c.type === 'unique') && sameSet(c.columns, columns))) return true;
  return hasUniqueIndexOn(table, columns);
}

/** Candidate keys of a table as column lists: the PK first, then unique constraints and unique indexes. */
function keys(table: Table): string[][] {
  const out: string[][] = [];
  const pk = primaryKey(table);
  if (pk) out.push(pk.columns);
  for (const c of table.constraints) if (c.type === 'unique') out.push(c.columns);
  for (const i of table.indexes) {
    if (i.unique && i.valid && i.predicate === null && !i.constraint && i.keys.every((k) => k.column !== null)) out.push(i.keys.map((k) => k.column as string));
  }
  return out;
}

export interface Junction {
  /** The FK whose columns come first in the key: its target is the M:N relation's parent. */
  first: Constraint;
  second: Constraint;
  /** Columns that are neither linked keys nor a surrogate id. */
  extra: string[];
}

/** A table that exists to link two others: a key made of exactly two NOT NULL FKs, little else. */
export function junctionOf(table: Table): Junction | null {
  const fks = ownForeignKeys(table).filter((k) => !anyNullable(table, k.columns));
  if (fks.length < 2) return null;
  const pk = primaryKey(table);
  for (const key of keys(table)) {
    for (let i = 0; i < fks.length; i++) {
      for (let j = i + 1; j < fks.length; j++) {
        const a = fks[i] as Constraint;
        const b = fks[j] as Constraint;
        if (a.columns.some((c) => b.columns.includes(c))) continue;
        if (!sameSet([...a.columns, ...b.columns], key)) continue;
        const linked = new Set(key);
        // A surrogate `id` beside a unique pair is still a junction (Prisma, Rails).
        const surrogate = pk && pk.columns.length === 1 && !linked.has(pk.columns[0] as string) ? pk.columns[0] : null;
        const extra = table.columns.filter((c) => !linked.has(c.name) && c.name !== surrogate).map((c) => c.name);
        if (extra.length > MAX_JUNCTION_EXTRA_COLUMNS) continue;
        const [first, second] = key.indexOf(a.columns[0] as string) <= key.indexOf(b.columns[0] as string) ? [a, b] : [b, a];
        return { first, second, extra };
      }
    }
  }
  return null;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Every relation of the schema's user tables, partitions excluded, in a stable order. */
export function buildRelations(catalog: Catalog): Relation[] {
  const out: Relation[] = [];
  for (const t of userTables(catalog).filter((x) => !isPartition(x))) {
    for (const fk of ownForeignKeys(t)) {
      const ref = fk.references as NonNullable<Constraint['references']>;
      out.push({
        cardinality: isUniqueKey(t, fk.columns) ? '1:1' : '1:N',
        parent: { schema: ref.schema, table: ref.table, columns: ref.columns },
        child: { schema: t.schema, table: t.name, columns: fk.columns },
        constraint: fk.name,
        optional: anyNullable(t, fk.columns),
        onDelete: ref.onDelete,
        via: null,
        viaColumns: null,
      });
    }
    const junction = junctionOf(t);
    if (junction) {
      const a = junction.first.references as NonNullable<Constraint['references']>;
      const b = junction.second.references as NonNullable<Constraint['references']>;
      out.push({
        cardinality: 'M:N',
        parent: { schema: a.schema, table: a.table, columns: a.columns },
        child: { schema: b.schema, table: b.table, columns: b.columns },
        constraint: junction.second.name,
        // Either end may exist without any link.
        optional: true,
        onDelete: b.onDelete,
        via: { schema: t.schema, table: t.name },
        viaColumns: { parent: junction.first.columns, child: junction.second.columns },
      });
    }
  }
  const sortKey = (r: Relation): string =>
    [r.cardinality === 'M:N' ? '1' : '0', tableKey(r.child), r.via ? tableKey(r.via) : '', r.constraint].join('\u0000');
  return out.sort((a, b) => compare(sortKey(a), sortKey(b)));
}

export interface TableRelations {
  /** Its own FKs: the table is the child. */
  out: Relation[];
  /** FKs of other tables (or itself) to it: the table is the parent. */
  in: Relation[];
  /** M:N links where it is one of the two ends. */
  manyToMany: Relation[];
}

/** Each table's relations, by `schema.name` key, in one pass (a page per table must not rescan them all). */
export function relationsByTable(relations: readonly Relation[]): Map<string, TableRelations> {
  const out = new Map<string, TableRelations>();
  const of = (key: string): TableRelations => {
    let e = out.get(key);
    if (!e) out.set(key, (e = { out: [], in: [], manyToMany: [] }));
    return e;
  };
  for (const r of relations) {
    const parent = tableKey(r.parent);
    const child = tableKey(r.child);
    if (r.cardinality === 'M:N') {
      of(parent).manyToMany.push(r);
      if (child !== parent) of(child).manyToMany.push(r);
    } else {
      of(child).out.push(r);
      of(parent).in.push(r);
    }
  }
  return out;
}
