/** Foreign-key facts and DDL shared by the foreign-key rules (and by unused-index). */
import type { Catalog, Constraint, Index, ReferentialAction, Table } from '../../catalog/model.js';
import { foreignKeys, indexCoversColumns, qualify, quoteIdent } from '../../catalog/helpers.js';
import { columnLabel, tableByName, tableLabel, truncateIdentifier } from '../keys/shared.js';

export function referencedTable(catalog: Catalog, c: Constraint): Table | undefined {
  return c.references ? tableByName(catalog, c.references.schema, c.references.table) : undefined;
}

/** `orders.customer_id → customers.id` (or `(a, b) → t(x, y)` for a composite key). */
export function foreignKeyLabel(table: Table, c: Constraint): string {
  const ref = c.references;
  const target = ref ? tableLabel({ schema: ref.schema, name: ref.table }) : '?';
  if (c.columns.length === 1 && ref?.columns.length === 1) {
    return `${columnLabel(table, c.columns[0] as string)} → ${target}.${ref.columns[0] as string}`;
  }
  return `${tableLabel(table)}(${c.columns.join(', ')}) → ${target}(${ref?.columns.join(', ') ?? ''})`;
}

const ACTION_SQL: Readonly<Record<ReferentialAction, string>> = {
  'no action': 'NO ACTION', restrict: 'RESTRICT', cascade: 'CASCADE', 'set null': 'SET NULL', 'set default': 'SET DEFAULT',
};

export function actionSql(a: ReferentialAction): string {
  return ACTION_SQL[a];
}

/** The FOREIGN KEY clause of a constraint, with its match type, actions and deferrability, optionally changed. */
export function foreignKeyClause(c: Constraint, change: { onDelete?: ReferentialAction } = {}): string {
  const ref = c.references;
  if (!ref) throw new Error(`${c.name} is not a foreign key`);
  const onDelete = change.onDelete ?? ref.onDelete;
  let sql = `FOREIGN KEY (${c.columns.map(quoteIdent).join(', ')}) REFERENCES ${qualify(ref.schema, ref.table)} (${ref.columns.map(quoteIdent).join(', ')})`;
  if (ref.match === 'full') sql += ' MATCH FULL';
  if (ref.onUpdate !== 'no action') sql += ` ON UPDATE ${actionSql(ref.onUpdate)}`;
  if (onDelete !== 'no action') sql += ` ON DELETE ${actionSql(onDelete)}`;
  if (c.deferrable) sql += c.deferred ? ' DEFERRABLE INITIALLY DEFERRED' : ' DEFERRABLE';
  return sql;
}

/**
 * Add a foreign key without a long lock: NOT VALID takes SHARE ROW EXCLUSIVE on both tables for a
 * moment; VALIDATE then scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes through.
 * Before PG 18 a partitioned table cannot take a NOT VALID foreign key, so there it is one step.
 */
export function addForeignKeySql(catalog: Catalog, table: Table, name: string, clause: string, opts: { replace?: string } = {}): string {
  const t = qualify(table.schema, table.name);
  const drop = opts.replace !== undefined ? `DROP CONSTRAINT ${quoteIdent(opts.replace)}, ` : '';
  if (table.kind === 'partitioned table' && catalog.engine.serverVersionNum < 180000) {
    return `ALTER TABLE ${t} ${drop}ADD CONSTRAINT ${quoteIdent(name)} ${clause};`;
  }
  return `ALTER TABLE ${t} ${drop}ADD CONSTRAINT ${quoteIdent(name)} ${clause} NOT VALID;\n`
    + `ALTER TABLE ${t} VALIDATE CONSTRAINT ${quoteIdent(name)};`;
}

/** Postgres's own name for a new foreign key: `<table>_<cols>_fkey`, unique on the table. */
export function foreignKeyName(table: Table, columns: string[]): string {
  const taken = new Set(table.constraints.map((c) => c.name));
  const base = `${table.name}_${columns.join('_')}`;
  for (let n = 0; ; n++) {
    const tail = `_fkey${n === 0 ? '' : String(n)}`;
    const name = `${truncateIdentifier(base, 63 - tail.length)}${tail}`;
    if (!taken.has(name)) return name;
  }
}

/** Indexes of `table` that serve lookups on `columns` (see indexCoversColumns). */
export function coveringIndexes(table: Table, columns: string[]): Index[] {
  return table.indexes.filter((i) => indexCoversColumns(i, columns));
}

/** Foreign keys declared on the table itself (partition clones are not the user's). */
export function ownForeignKeys(table: Table): Constraint[] {
  return foreignKeys(table).filter((c) => !c.inherited && c.references !== null);
}

/**
 * A junction (many-to-many) table: two or more foreign keys and, besides them, only a surrogate id
 * and timestamps — or a little payload (`role`, `position`) when the foreign-key columns are
 * declared unique together, which is what makes a table a link rather than an entity.
 */
export function isJunctionTable(table: Table): boolean {
  const fks = ownForeignKeys(table);
  if (fks.length < 2) return false;
  const fkColumns = new Set(fks.flatMap((c) => c.columns));
  const pk = table.constraints.find((c) => c.type === 'primary key');
  const payload = table.columns.filter((col) => {
    if (fkColumns.has(col.name)) return false;
    if (col.typeCategory === 'D') return false;
    if (pk?.columns.length === 1 && pk.columns[0] === col.name) return false;
    return true;
  });
  if (payload.length === 0) return true;
  const linkKey = table.constraints.some((c) => (c.type === 'primary key' || c.type === 'unique') && c.columns.length >= 2 && c.columns.every((x) => fkColumns.has(x)))
    || table.indexes.some((i) => i.unique && i.predicate === null && i.keys.length >= 2 && i.keys.every((k) => k.column !== null && fkColumns.has(k.column)));
  return linkKey && payload.length <= 2;
}

/** The query that lists rows whose key has no parent: run it before adding or validating a foreign key. */
export function orphanQuery(table: Table, columns: string[], parent: { schema: string; table: string; columns: string[] }): string {
  const child = qualify(table.schema, table.name);
  const cols = columns.map((c) => `c.${quoteIdent(c)}`);
  const notNull = cols.map((c) => `${c} IS NOT NULL`).join(' AND ');
  const join = columns.map((c, i) => `p.${quoteIdent(parent.columns[i] as string)} = c.${quoteIdent(c)}`).join(' AND ');
  return `SELECT ${cols.join(', ')}, count(*) AS orphans FROM ${child} c `
    + `WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${qualify(parent.schema, parent.table)} p WHERE ${join}) `
    + `GROUP BY ${cols.join(', ')} ORDER BY orphans DESC LIMIT 20;`;
}
