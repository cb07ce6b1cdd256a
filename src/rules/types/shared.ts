/** Helpers shared by the type rules: which columns are reviewed and how a column type change is written. */
import type { Catalog, Column, Table } from '../../catalog/model.js';
import { isPartition, qualify, quoteIdent, userTables } from '../../catalog/helpers.js';

/** User tables judged directly: partitions inherit their parent's columns and are judged through it. */
export function reviewedTables(catalog: Catalog): Table[] {
  return userTables(catalog).filter((t) => !isPartition(t));
}

/** The column's type name, seeing through a domain to its base type. */
export function baseTypeName(c: Column): string {
  return c.domainBaseType ?? c.typeName;
}

const TEXTUAL = new Set(['text', 'varchar', 'bpchar', 'citext']);

/** Stored as free text (text, varchar, char, citext), arrays excluded. */
export function isTextual(c: Column): boolean {
  return !c.isArray && TEXTUAL.has(baseTypeName(c));
}

/** `ALTER TABLE t ALTER COLUMN c TYPE type [USING …];` */
export function alterColumnType(t: Table, column: string, type: string, using?: string): string {
  return `ALTER TABLE ${qualify(t.schema, t.name)} ALTER COLUMN ${quoteIdent(column)} TYPE ${type}${using ? ` USING ${using}` : ''};`;
}

/**
 * Views whose definition mentions the table: ALTER COLUMN … TYPE fails on a column a view uses
 * ("cannot alter type of a column used by a view or rule"), so the fix must drop and recreate them.
 */
export function dependentViews(catalog: Catalog, t: Table): string[] {
  const name = t.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|[^A-Za-z0-9_$"])"?${name}"?($|[^A-Za-z0-9_$"])`);
  return catalog.views
    .filter((v) => v.origin === 'user' && re.test(v.definition))
    .map((v) => qualify(v.schema, v.name));
}

/** The lock/rewrite paragraph for a type change that rewrites the table. */
export function rewriteNotes(catalog: Catalog, t: Table): string {
  const views = dependentViews(catalog, t);
  const parts = [
    `Rewrites ${qualify(t.schema, t.name)} and rebuilds its indexes under an ACCESS EXCLUSIVE lock: reads and writes wait until it finishes. ` +
      `Set a lock_timeout first; on a large table add a new column, backfill it in batches and swap names instead.`,
  ];
  if (views.length > 0) {
    parts.push(`The views ${views.join(', ')} read this table; if they use the column, drop them before the change and recreate them after.`);
  }
  return parts.join(' ');
}

/** The lock paragraph for a type change Postgres can make without rewriting the table. */
export function noRewriteNotes(catalog: Catalog, t: Table): string {
  const views = dependentViews(catalog, t);
  return (
    `Binary-compatible change: no table rewrite, but ALTER TABLE still takes an ACCESS EXCLUSIVE lock briefly; set a lock_timeout.` +
    (views.length > 0 ? ` The views ${views.join(', ')} read this table; if they use the column, drop and recreate them around the change.` : '')
  );
}

/** `CHECK … NOT VALID` then `VALIDATE`: the validation scan takes only SHARE UPDATE EXCLUSIVE. */
export function addCheckSql(t: Table, name: string, expression: string): string {
  const rel = qualify(t.schema, t.name);
  return `ALTER TABLE ${rel} ADD CONSTRAINT ${quoteIdent(name)} CHECK (${expression}) NOT VALID;\n` +
    `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${quoteIdent(name)};`;
}

/** A constraint name that fits in 63 bytes. */
export function constraintName(t: Table, column: string, suffix: string): string {
  const n = `${t.name}_${column}_${suffix}`;
  return n.length <= 63 ? n : n.slice(0, 63);
}

/**
 * A query listing values that will not cast to `type`, for the notes of a text → typed change.
 * pg_input_is_valid exists from PostgreSQL 16; older servers get a DO block that stops at the first bad value.
 */
export function castPrecheck(serverVersionNum: number, t: Table, column: string, type: string): string {
  const rel = qualify(t.schema, t.name);
  const col = `${quoteIdent(column)}::text`;
  if (serverVersionNum >= 160000) {
    return `SELECT ${col} AS bad_value FROM ${rel} WHERE btrim(${col}) <> '' AND NOT pg_input_is_valid(btrim(${col}), '${type}') LIMIT 20;`;
  }
  return `DO $$ DECLARE v text; BEGIN FOR v IN SELECT ${col} FROM ${rel} WHERE btrim(${col}) <> '' LOOP ` +
    `BEGIN PERFORM btrim(v)::${type}; EXCEPTION WHEN others THEN RAISE EXCEPTION 'not a ${type}: %', v; END; END LOOP; END $$;`;
}
