/**
 * Lookups over a Catalog built once per catalog, so rules that ask "who references this table?"
 * or "which names are taken in this schema?" per object stay linear on 10,000-table schemas.
 * Derived from the catalog's arrays only, and rebuilt when those arrays are replaced.
 */
import type { Catalog, Constraint, Sequence, Table } from '../../catalog/model.js';

export interface CatalogLookup {
  tables: Map<string, Table>;
  /** The first table of each name, whatever its schema. */
  tablesByName: Map<string, Table>;
  /** Direct partitions by parent `schema.name`, in catalog order. */
  partitions: Map<string, Table[]>;
  /** Foreign keys of user tables (partitions judged through their parent) by referenced `schema.name`. */
  referencedBy: Map<string, Array<{ table: Table; constraint: Constraint }>>;
  /** Relation names (tables, views, indexes, sequences) per schema. */
  relationNames: Map<string, ReadonlySet<string>>;
  sequences: Map<string, Sequence>;
  /** Sequences by owning `schema.table.column` (serial and identity), resolved like sequenceOwner. */
  sequenceByOwner: Map<string, Sequence>;
}

const cache = new WeakMap<Catalog, { tables: Catalog['tables']; views: Catalog['views']; sequences: Catalog['sequences']; sizes: string; lookup: CatalogLookup }>();

export function tableKey(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}

function build(catalog: Catalog): CatalogLookup {
  const tables = new Map<string, Table>();
  const byName = new Map<string, Table>();
  const partitions = new Map<string, Table[]>();
  const referencedBy = new Map<string, Array<{ table: Table; constraint: Constraint }>>();
  const names = new Map<string, Set<string>>();
  const namesOf = (schema: string): Set<string> => {
    let s = names.get(schema);
    if (!s) names.set(schema, (s = new Set()));
    return s;
  };
  for (const t of catalog.tables) {
    tables.set(tableKey(t.schema, t.name), t);
    if (!byName.has(t.name)) byName.set(t.name, t);
    const ns = namesOf(t.schema);
    ns.add(t.name);
    for (const i of t.indexes) ns.add(i.name);
    if (t.partitionOf) {
      const k = tableKey(t.partitionOf.schema, t.partitionOf.table);
      partitions.set(k, [...(partitions.get(k) ?? []), t]);
    }
    if (t.origin !== 'user' || t.partitionOf !== null) continue;
    for (const c of t.constraints) {
      if (c.type !== 'foreign key' || c.inherited || !c.references) continue;
      const k = tableKey(c.references.schema, c.references.table);
      const list = referencedBy.get(k);
      if (list) list.push({ table: t, constraint: c });
      else referencedBy.set(k, [{ table: t, constraint: c }]);
    }
  }
  for (const v of catalog.views) {
    const ns = namesOf(v.schema);
    ns.add(v.name);
    for (const i of v.indexes) ns.add(i.name);
  }
  const sequences = new Map<string, Sequence>();
  const sequenceByOwner = new Map<string, Sequence>();
  for (const s of catalog.sequences) {
    namesOf(s.schema).add(s.name);
    sequences.set(tableKey(s.schema, s.name), s);
    if (s.ownedBy) {
      // pg_depend names the owning relation only; serial and identity sequences live beside their table.
      const owner = tables.get(tableKey(s.schema, s.ownedBy.table)) ?? byName.get(s.ownedBy.table);
      if (owner) sequenceByOwner.set(`${tableKey(owner.schema, owner.name)}\u0000${s.ownedBy.column}`, s);
    }
  }
  return { tables, tablesByName: byName, partitions, referencedBy, relationNames: names, sequences, sequenceByOwner };
}

export function lookup(catalog: Catalog): CatalogLookup {
  const sizes = `${catalog.tables.length}/${catalog.views.length}/${catalog.sequences.length}`;
  const hit = cache.get(catalog);
  if (hit && hit.tables === catalog.tables && hit.views === catalog.views && hit.sequences === catalog.sequences && hit.sizes === sizes) {
    return hit.lookup;
  }
  const built = build(catalog);
  cache.set(catalog, { tables: catalog.tables, views: catalog.views, sequences: catalog.sequences, sizes, lookup: built });
  return built;
}

/** A set of taken names: the schema's existing ones plus those handed out during one finding. */
export interface NameSet {
  has(name: string): boolean;
  add(name: string): void;
}

export function namesInSchema(catalog: Catalog, schema: string): NameSet {
  const base = lookup(catalog).relationNames.get(schema) ?? new Set<string>();
  const added = new Set<string>();
  return {
    has: (n) => base.has(n) || added.has(n),
    add: (n) => { added.add(n); },
  };
}
