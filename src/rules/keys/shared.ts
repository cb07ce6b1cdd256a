/** Facts about key columns shared by the keys, foreign-keys and runtime rules: integer widths, serial sequences, who references a column. */
import type { Catalog, Column, Constraint, Sequence, Table } from '../../catalog/model.js';
import { foreignKeys, qualify, quoteIdent } from '../../catalog/helpers.js';
import { lookup, namesInSchema, tableKey, type NameSet } from './lookup.js';

/** Largest value each integer type can hold. */
export const INTEGER_MAX: Readonly<Record<IntegerKind, bigint>> = {
  int2: 32767n,
  int4: 2147483647n,
  int8: 9223372036854775807n,
};

export type IntegerKind = 'int2' | 'int4' | 'int8';

const INTEGER_SQL_NAME: Readonly<Record<IntegerKind, string>> = { int2: 'smallint', int4: 'integer', int8: 'bigint' };

/** The type a column really stores: a domain's base type, else its own. */
export function storedTypeName(column: Column): string {
  return column.domainBaseType ?? column.typeName;
}

/** int2/int4/int8 for a non-array integer column (domains over them included), else null. */
export function integerKind(column: Column): IntegerKind | null {
  if (column.isArray) return null;
  const t = storedTypeName(column);
  return t === 'int2' || t === 'int4' || t === 'int8' ? t : null;
}

/** pg_sequence's format_type (`integer`) or a typname (`int4`) → IntegerKind. */
export function sequenceIntegerKind(dataType: string): IntegerKind | null {
  switch (dataType.trim().toLowerCase()) {
    case 'smallint': case 'int2': return 'int2';
    case 'integer': case 'int': case 'int4': return 'int4';
    case 'bigint': case 'int8': return 'int8';
    default: return null;
  }
}

export function integerSqlName(kind: IntegerKind): string {
  return INTEGER_SQL_NAME[kind];
}

export function isStringType(column: Column): boolean {
  const t = storedTypeName(column);
  return !column.isArray && (t === 'text' || t === 'varchar' || t === 'bpchar' || t === 'citext');
}

/** Human label without `public.`: `orders`, `billing.invoices`. */
export function tableLabel(t: { schema: string; name: string }): string {
  return t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
}

export function columnLabel(t: { schema: string; name: string }, column: string): string {
  return `${tableLabel(t)}.${column}`;
}

/** Split a possibly quoted, possibly schema-qualified name as Postgres prints it: `app."Orders_id_seq"`. */
export function parseQualifiedName(text: string): { schema: string | null; name: string } | null {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let j = i + 1;
      let part = '';
      for (; j < text.length; j++) {
        if (text[j] === '"') {
          if (text[j + 1] === '"') { part += '"'; j++; continue; }
          break;
        }
        part += text[j];
      }
      if (j >= text.length) return null;
      parts.push(part);
      i = j + 1;
    } else {
      const m = /^[^."]+/.exec(text.slice(i));
      if (!m) return null;
      parts.push(m[0].toLowerCase());
      i += m[0].length;
    }
    if (i < text.length) {
      if (text[i] !== '.') return null;
      i++;
    }
  }
  if (parts.length === 1) return { schema: null, name: parts[0] as string };
  if (parts.length === 2) return { schema: parts[0] as string, name: parts[1] as string };
  return null;
}

/** The sequence named by a `nextval('…'::regclass)` default, or null for any other default. */
export function nextvalTarget(defaultExpr: string | null): { schema: string | null; name: string } | null {
  if (defaultExpr === null) return null;
  const m = /^nextval\('((?:[^']|'')+)'(?:::regclass)?\)$/.exec(defaultExpr.trim());
  if (!m) return null;
  return parseQualifiedName((m[1] as string).replace(/''/g, "'"));
}

function findSequence(catalog: Catalog, schema: string | null, name: string, tableSchema: string): Sequence | undefined {
  const { sequences } = lookup(catalog);
  const schemas = schema !== null ? [schema] : [tableSchema, 'public'];
  for (const s of schemas) {
    const seq = sequences.get(tableKey(s, name));
    if (seq) return seq;
  }
  return undefined;
}

/** The table and column that own a sequence (serial or identity), resolved in the catalog. */
export function sequenceOwner(catalog: Catalog, seq: Sequence): { table: Table; column: Column } | undefined {
  if (!seq.ownedBy) return undefined;
  const { table: tableName, column: columnName } = seq.ownedBy;
  const l = lookup(catalog);
  // pg_depend gives the owning relation's name only; serial and identity sequences live beside their table.
  const table = l.tables.get(tableKey(seq.schema, tableName)) ?? l.tablesByName.get(tableName);
  const column = table?.columns.find((c) => c.name === columnName);
  return table && column ? { table, column } : undefined;
}

/**
 * The sequence feeding a column: its identity sequence, or the sequence of a `nextval()` default.
 * `owned` says whether the sequence is owned by this very column (serial) rather than shared.
 */
export function columnSequence(catalog: Catalog, table: Table, column: Column): { sequence: Sequence; owned: boolean } | undefined {
  const target = nextvalTarget(column.default);
  if (target) {
    const sequence = findSequence(catalog, target.schema, target.name, table.schema);
    if (!sequence) return undefined;
    const owner = sequenceOwner(catalog, sequence);
    return { sequence, owned: owner?.table === table && owner.column === column };
  }
  if (column.identity !== null) {
    const sequence = lookup(catalog).sequenceByOwner.get(`${tableKey(table.schema, table.name)}\u0000${column.name}`);
    if (sequence) return { sequence, owned: true };
  }
  return undefined;
}

export interface ReferencingColumn {
  table: Table;
  constraint: Constraint;
  /** The referencing column that points at the referenced column. */
  column: Column;
}

/** Columns of user tables whose foreign keys point at `table.columnName` (partitions judged through their parent). */
export function referencingColumns(catalog: Catalog, table: Table, columnName: string): ReferencingColumn[] {
  const out: ReferencingColumn[] = [];
  for (const { table: t, constraint: c } of lookup(catalog).referencedBy.get(tableKey(table.schema, table.name)) ?? []) {
    const ref = c.references;
    if (!ref) continue;
    ref.columns.forEach((rc, i) => {
      if (rc !== columnName) return;
      const col = t.columns.find((x) => x.name === c.columns[i]);
      if (col) out.push({ table: t, constraint: c, column: col });
    });
  }
  return out;
}

/**
 * Statements that widen an integer key to bigint: the column, the sequence behind it, and every
 * narrower column that references it (an FK between int and bigint works, but the child would
 * overflow first). Identity sequences follow their column's type by themselves.
 */
export function widenToBigintSql(catalog: Catalog, table: Table, column: Column): { statements: string[]; referencing: ReferencingColumn[] } {
  const statements: string[] = [];
  if (integerKind(column) !== 'int8') {
    statements.push(`ALTER TABLE ${qualify(table.schema, table.name)} ALTER COLUMN ${quoteIdent(column.name)} TYPE bigint;`);
  }
  const seq = columnSequence(catalog, table, column);
  if (seq && column.identity === null && sequenceIntegerKind(seq.sequence.dataType) !== 'int8') {
    statements.push(`ALTER SEQUENCE ${qualify(seq.sequence.schema, seq.sequence.name)} AS bigint;`);
  }
  const referencing = referencingColumns(catalog, table, column.name).filter((r) => {
    const k = integerKind(r.column);
    return k !== null && k !== 'int8';
  });
  for (const r of referencing) {
    statements.push(`ALTER TABLE ${qualify(r.table.schema, r.table.name)} ALTER COLUMN ${quoteIdent(r.column.name)} TYPE bigint;`);
  }
  return { statements, referencing };
}

/** Postgres truncates identifiers to 63 bytes; generated names must fit or they silently collide. */
export function truncateIdentifier(name: string, maxBytes = 63): string {
  let out = name;
  while (Buffer.byteLength(out, 'utf8') > maxBytes) out = out.slice(0, -1);
  return out;
}

/** A relation name not yet used in the schema, Postgres-style (`_idx`, `_idx1`, …); records it in `taken`. */
export function freshName(base: string, suffix: string, taken: NameSet): string {
  for (let n = 0; ; n++) {
    const tail = `_${suffix}${n === 0 ? '' : String(n)}`;
    const name = `${truncateIdentifier(base, 63 - Buffer.byteLength(tail, 'utf8'))}${tail}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/** Relation names taken in a schema (tables, indexes, sequences, views share one namespace), plus those handed out since. */
export function relationNames(catalog: Catalog, schema: string): NameSet {
  return namesInSchema(catalog, schema);
}

/** A table by schema and name, in constant time. */
export function tableByName(catalog: Catalog, schema: string, name: string): Table | undefined {
  return lookup(catalog).tables.get(tableKey(schema, name));
}

/** Constraint names are unique per table only. */
export function constraintNames(table: Table): Set<string> {
  return new Set(table.constraints.map((c) => c.name));
}

/** Single-column primary key of a table, with its column. */
export function singlePrimaryKey(table: Table): { constraint: Constraint; column: Column } | undefined {
  const pk = table.constraints.find((c) => c.type === 'primary key');
  if (!pk || pk.columns.length !== 1) return undefined;
  const column = table.columns.find((c) => c.name === pk.columns[0]);
  return column ? { constraint: pk, column } : undefined;
}

/** Is this column (alone or with others) constrained by a foreign key of its table? */
export function isForeignKeyColumn(table: Table, columnName: string): boolean {
  return foreignKeys(table).some((c) => c.columns.includes(columnName));
}

/** 2147483647 → "2,147,483,647" without Intl (which costs microseconds per call on big schemas). */
export function formatCount(n: number | bigint): string {
  const s = typeof n === 'bigint' ? n.toString() : String(Math.round(n));
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  return `${neg ? '-' : ''}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}
