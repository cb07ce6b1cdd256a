/** Index facts and lock-aware index DDL shared by the index, foreign-key and runtime rules. */
import type { Catalog, Index, IndexKey, Table } from '../../catalog/model.js';
import { qualify, quoteIdent } from '../../catalog/helpers.js';
import { freshName, relationNames } from '../keys/shared.js';
import { lookup, tableKey, type NameSet } from '../keys/lookup.js';

/** What makes two index keys the same key. */
export function keySignature(k: IndexKey): string {
  return `${k.expression}\u0000${k.descending ? 'desc' : 'asc'}\u0000${k.opclass ?? ''}`;
}

/** Two indexes that answer the same queries: same method, keys, INCLUDE set and predicate. */
export function indexSignature(i: Index): string {
  return [
    i.method,
    i.keys.map(keySignature).join('\u0001'),
    [...i.include].sort().join(','),
    i.predicate ?? '',
  ].join('\u0002');
}

/** Indexes that can never be dropped on their own: they enforce a constraint or uniqueness. */
export function enforcesSomething(i: Index): boolean {
  return i.primary || i.unique || i.constraint !== null;
}

/** `(a, b DESC)` with the index's own key text. */
export function keyListSql(i: Index): string {
  return i.keys
    .map((k) => `${k.expression}${k.opclass ? ` ${k.opclass}` : ''}${k.descending ? ' DESC' : ''}`)
    .join(', ');
}

export function keysLabel(i: Index): string {
  return i.keys.map((k) => k.expression).join(', ');
}

/** Direct partitions of a partitioned table, in catalog order. */
export function partitionsOf(catalog: Catalog, table: Table): Table[] {
  return lookup(catalog).partitions.get(tableKey(table.schema, table.name)) ?? [];
}

export interface IndexSpec {
  /** Name parts joined with `_` after the table name: ['customer_id'] → orders_customer_id_idx. */
  nameParts: string[];
  /** `idx` for btree, `brin`, `gin`, … */
  suffix?: string;
  /** The key list as SQL, without parentheses: `customer_id`, `tags jsonb_path_ops`. */
  keys: string;
  method?: string;
  where?: string | null;
  unique?: boolean;
  /** Use exactly this name for the parent index (rebuilding an existing one). */
  exactName?: string;
}

export interface IndexDdl {
  /** The name given to the (parent) index. */
  name: string;
  sql: string;
  notes: string;
}

/**
 * `CREATE INDEX CONCURRENTLY` for a plain table. A partitioned table refuses CONCURRENTLY, so
 * there the recipe is: an invalid parent index ON ONLY (instant), each partition's index built
 * concurrently, then attached — the parent index turns valid when the last one is attached.
 */
export function createIndexDdl(catalog: Catalog, table: Table, spec: IndexSpec, taken: NameSet = relationNames(catalog, table.schema)): IndexDdl {
  const base = [table.name, ...spec.nameParts].join('_');
  const name = spec.exactName ?? freshName(base, spec.suffix ?? 'idx', taken);
  const using = spec.method && spec.method !== 'btree' ? ` USING ${spec.method}` : '';
  const where = spec.where ? ` WHERE ${spec.where}` : '';
  const unique = spec.unique ? 'UNIQUE ' : '';
  const tail = (t: Table) => `${qualify(t.schema, t.name)}${using} (${spec.keys})${where}`;

  if (table.kind !== 'partitioned table') {
    return {
      name,
      sql: `CREATE ${unique}INDEX CONCURRENTLY ${quoteIdent(name)} ON ${tail(table)};`,
      notes: 'CREATE INDEX CONCURRENTLY does not block reads or writes (it takes SHARE UPDATE EXCLUSIVE and waits for running transactions); '
        + 'it cannot run inside a transaction block, so run it on its own. If it fails it leaves an INVALID index: drop it and retry.',
    };
  }

  const lines: string[] = [
    '-- CREATE INDEX CONCURRENTLY is not supported on a partitioned table: create the parent index ON ONLY',
    '-- (instant, invalid until every partition has one), build each partition\'s index concurrently, then attach it.',
  ];
  const build = (t: Table, indexName: string): void => {
    const parts = partitionsOf(catalog, t);
    if (parts.length === 0) {
      // Nothing to build concurrently: a partitioned table without partitions holds no rows.
      if (t === table) lines.length = 0;
      lines.push(`CREATE ${unique}INDEX ${quoteIdent(indexName)} ON ${tail(t)};`);
      return;
    }
    lines.push(`CREATE ${unique}INDEX ${quoteIdent(indexName)} ON ONLY ${tail(t)};`);
    for (const p of parts) {
      const pTaken = p.schema === table.schema ? taken : relationNames(catalog, p.schema);
      const pName = freshName([p.name, ...spec.nameParts].join('_'), spec.suffix ?? 'idx', pTaken);
      if (p.kind === 'partitioned table') {
        build(p, pName);
      } else {
        lines.push(`CREATE ${unique}INDEX CONCURRENTLY ${quoteIdent(pName)} ON ${tail(p)};`);
      }
      lines.push(`ALTER INDEX ${qualify(t.schema, indexName)} ATTACH PARTITION ${qualify(p.schema, pName)};`);
    }
  };
  build(table, name);
  const noParts = partitionsOf(catalog, table).length === 0;
  return {
    name,
    sql: lines.join('\n'),
    notes: noParts
      ? 'The table has no partitions yet, so the index is created instantly; partitions added later get it automatically.'
      : 'Each CREATE INDEX CONCURRENTLY runs outside a transaction block and blocks no writes; ON ONLY and ATTACH PARTITION are '
        + 'catalog-only. Partitions added later get the index automatically.',
  };
}

/** `DROP INDEX CONCURRENTLY`, except on a partitioned index where Postgres does not allow it. */
export function dropIndexDdl(i: Index): { sql: string; notes: string } {
  if (i.partitioned) {
    return {
      sql: `DROP INDEX ${qualify(i.schema, i.name)};`,
      notes: 'DROP INDEX CONCURRENTLY is not supported on a partitioned index: this takes ACCESS EXCLUSIVE on the table and '
        + 'every partition for a moment; set lock_timeout and run it off-peak.',
    };
  }
  return {
    sql: `DROP INDEX CONCURRENTLY ${qualify(i.schema, i.name)};`,
    notes: 'DROP INDEX CONCURRENTLY waits for running queries instead of blocking them; it cannot run inside a transaction block. '
      + `To undo: ${recreateConcurrently(i)}`,
  };
}

/** The index's own definition as a CONCURRENTLY build, to recreate it. */
export function recreateConcurrently(i: Index): string {
  const def = i.definition.replace(/^CREATE (UNIQUE )?INDEX (?!CONCURRENTLY)/, (_m, u: string | undefined) => `CREATE ${u ?? ''}INDEX CONCURRENTLY `);
  return def.endsWith(';') ? def : `${def};`;
}

/** Plain-column name parts for a generated index name. */
export function columnNameParts(columns: string[]): string[] {
  return columns.map((c) => c.replace(/[^A-Za-z0-9_]+/g, '_'));
}

export function columnListSql(columns: string[]): string {
  return columns.map(quoteIdent).join(', ');
}

/** A relation whose indexes the index rules judge: a user table (partitions through their parent) or a user materialized view. */
export interface IndexedRelation {
  schema: string;
  name: string;
  /** The table, or null for a materialized view. */
  table: Table | null;
  indexes: Index[];
}

export function indexedRelations(catalog: Catalog, opts: { partitions?: boolean } = {}): IndexedRelation[] {
  const out: IndexedRelation[] = [];
  for (const t of catalog.tables) {
    if (t.origin !== 'user' || (!opts.partitions && t.partitionOf !== null)) continue;
    out.push({ schema: t.schema, name: t.name, table: t, indexes: t.indexes });
  }
  for (const v of catalog.views) {
    if (v.origin !== 'user' || !v.materialized) continue;
    out.push({ schema: v.schema, name: v.name, table: null, indexes: v.indexes });
  }
  return out;
}

/** `tableRef` for a table, `view` ref for a materialized view. */
export function relationRef(r: IndexedRelation): { kind: 'table' | 'view'; schema: string; name: string } {
  return { kind: r.table ? 'table' : 'view', schema: r.schema, name: r.name };
}
