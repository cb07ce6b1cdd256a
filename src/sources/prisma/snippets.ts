/**
 * Prisma versions of fixes (`fix.orm.prisma`): the schema.prisma change that makes `prisma migrate`
 * produce the fix, in the model and field names the user wrote. Where Prisma's own migration would
 * be unsafe on a large table (a plain CREATE INDEX, a type change without USING), the snippet says
 * to create the migration with `--create-only` and put the fix SQL in it.
 */
import { parseSync } from 'libpg-query';
import type { Finding, ObjectRef } from '../../result.js';
import { nameWords, singular } from '../../rules/lexicon.js';
import { TextIndex } from '../text.js';
import type { ModelLocations, ModelTableLocation } from '../types.js';

interface Subject {
  model: ModelTableLocation;
  schema: string;
  table: string;
}

function modelFor(locations: ModelLocations, schema: string | undefined, table: string | undefined): ModelTableLocation | undefined {
  if (table === undefined) return undefined;
  const exact = schema !== undefined ? locations.tables[`${schema}.${table}`] : undefined;
  if (exact) return exact;
  const suffix = `.${table}`;
  for (const [key, m] of Object.entries(locations.tables)) if (key.endsWith(suffix) && key.indexOf('.') === key.length - suffix.length) return m;
  return undefined;
}

/** The model a finding is about: its first object on a table the schema declares as a model. */
function subjectOf(f: Finding, locations: ModelLocations): Subject | null {
  for (const o of f.objects) {
    const table = o.table ?? (o.kind === 'table' ? o.name : undefined);
    const model = modelFor(locations, o.schema, table);
    // Implicit many-to-many tables (`_AToB`) have no model to edit.
    if (model && table !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(model.name) && !model.name.startsWith('_')) {
      return { model, schema: o.schema ?? 'public', table };
    }
  }
  return null;
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function camel(name: string): string {
  const words = nameWords(name);
  if (words.length === 0) return name;
  return (words[0] as string) + words.slice(1).map(upperFirst).join('');
}

function pascalSingular(table: string): string {
  const words = nameWords(table);
  if (words.length === 0) return upperFirst(table);
  words[words.length - 1] = singular(words[words.length - 1] as string);
  return words.map(upperFirst).join('');
}

function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

function fieldName(model: ModelTableLocation, column: string): string {
  return model.columns[column]?.name ?? camel(column);
}

function quoteString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `model X {` … `}` around lines of field or block-attribute text. */
function modelBlock(name: string, lines: string[]): string {
  return [`model ${name} {`, ...lines.map((l) => (l === '' ? '' : `  ${l}`)), '}'].join('\n');
}

interface PrismaType {
  scalar: string;
  /** The native type attribute, e.g. `@db.Timestamptz(3)`, or '' for Prisma's default mapping. */
  native: string;
  list: boolean;
}

/** A PostgreSQL type (as format_type or the fix SQL writes it) in Prisma terms. */
export function prismaType(pgType: string): PrismaType {
  let t = pgType.trim().toLowerCase().replace(/^pg_catalog\./, '');
  const list = t.endsWith('[]');
  if (list) t = t.slice(0, -2).trim();
  const m = /^([a-z_ ]+?)\s*(?:\(\s*([0-9]+)\s*(?:,\s*([0-9]+)\s*)?\))?(?:\s+(with|without) time zone)?$/.exec(t);
  const base = (m?.[1] ?? t).trim();
  const p = m?.[2];
  const s = m?.[3];
  const zone = m?.[4];
  const args = p !== undefined ? `(${p}${s !== undefined ? `, ${s}` : ''})` : '';
  const type = (scalar: string, native = ''): PrismaType => ({ scalar, native, list });
  switch (base) {
    case 'text': return type('String');
    case 'varchar': case 'character varying': return type('String', `@db.VarChar${args}`);
    case 'char': case 'character': case 'bpchar': return type('String', `@db.Char${args}`);
    case 'citext': return type('String', '@db.Citext');
    case 'uuid': return type('String', '@db.Uuid');
    case 'inet': return type('String', '@db.Inet');
    case 'cidr': return type('String', '@db.Cidr');
    case 'int': case 'int4': case 'integer': case 'serial': return type('Int');
    case 'int2': case 'smallint': return type('Int', '@db.SmallInt');
    case 'int8': case 'bigint': case 'bigserial': return type('BigInt');
    case 'bool': case 'boolean': return type('Boolean');
    case 'float8': case 'double precision': return type('Float');
    case 'float4': case 'real': return type('Float', '@db.Real');
    case 'numeric': case 'decimal': return type('Decimal', args ? `@db.Decimal${args}` : '');
    case 'money': return type('Decimal', '@db.Money');
    case 'bytea': return type('Bytes');
    case 'jsonb': return type('Json', '@db.JsonB');
    case 'json': return type('Json', '@db.Json');
    case 'date': return type('DateTime', '@db.Date');
    case 'timestamptz': return type('DateTime', `@db.Timestamptz${args}`);
    case 'timestamp': return type('DateTime', zone === 'with' ? `@db.Timestamptz${args}` : `@db.Timestamp${args}`);
    case 'timetz': return type('DateTime', `@db.Timetz${args}`);
    case 'time': return type('DateTime', zone === 'with' ? `@db.Timetz${args}` : `@db.Time${args}`);
    default: return { scalar: `Unsupported(${quoteString(pgType.replace(/\[\]$/, ''))})`, native: '', list };
  }
}

function typeText(t: PrismaType, optional = false): string {
  return `${t.scalar}${t.list ? '[]' : optional ? '?' : ''}`;
}

function field(name: string, t: PrismaType, extra: string[] = [], optional = false): string {
  return [name, typeText(t, optional), ...extra, t.native].filter((x) => x !== '').join(' ');
}

const KEEP = '// keep `?` and the field\'s other attributes';

/** A field's column changes type: the field with its new type and native attribute. */
function typeChange(f: Finding, locations: ModelLocations, pgType: string, note: string | null): string | null {
  const subject = subjectOf(f, locations);
  const column = typeof f.details['column'] === 'string' ? f.details['column'] : subjectColumn(f);
  if (!subject || column === null) return null;
  const line = `${field(fieldName(subject.model, column), prismaType(pgType))} ${KEEP}`;
  return [modelBlock(subject.model.name, [line]), ...(note ? [note] : [])].join('\n');
}

function subjectColumn(f: Finding): string | null {
  const c = f.objects.find((o: ObjectRef) => o.kind === 'column');
  return c?.name ?? null;
}

const CREATE_ONLY = 'create the migration with `prisma migrate dev --create-only` and replace its SQL with this finding\'s fix SQL';

function timestampSnippet(f: Finding, locations: ModelLocations): string | null {
  const target = typeof f.details['suggestedType'] === 'string' ? f.details['suggestedType'] : 'timestamptz(3)';
  return typeChange(f, locations, target,
    `// prisma migrate would write ALTER COLUMN … SET DATA TYPE without USING (values read in the session time zone, the table rewritten): ${CREATE_ONLY}.`);
}

function unindexedForeignKey(f: Finding, locations: ModelLocations): string | null {
  const subject = subjectOf(f, locations);
  const columns = Array.isArray(f.details['columns']) ? (f.details['columns'] as string[]) : [];
  if (!subject || columns.length === 0) return null;
  return [
    modelBlock(subject.model.name, [`@@index([${columns.map((c) => fieldName(subject.model, c)).join(', ')}])`]),
    `// prisma migrate writes a plain CREATE INDEX, which blocks writes to ${subject.table} while it builds: on a large table, ${CREATE_ONLY} ` +
      '(CREATE INDEX CONCURRENTLY, alone in its migration: it cannot run inside a transaction).',
  ].join('\n');
}

const EXTENSION_NOTE = '// citext is an extension: add previewFeatures = ["postgresqlExtensions"] to the generator and extensions = [citext] to the datasource.';

function caseSensitiveUnique(f: Finding, locations: ModelLocations): string | null {
  const subject = subjectOf(f, locations);
  const columns = Array.isArray(f.details['columns']) ? (f.details['columns'] as string[]) : [];
  if (!subject || columns.length === 0) return null;
  if (typeof f.details['check'] === 'string') {
    return `// Prisma cannot declare a CHECK constraint: ${CREATE_ONLY}, and keep the CHECK in your migrations from then on.`;
  }
  const index = typeof f.details['index'] === 'string' ? f.details['index'] : '';
  const fieldLevel = columns.length === 1 && index === `${subject.table}_${columns[0] as string}_key`;
  const lines = columns.map((c) => `${field(fieldName(subject.model, c), prismaType('citext'), fieldLevel ? ['@unique'] : [])} ${KEEP}`);
  return [modelBlock(subject.model.name, lines), EXTENSION_NOTE,
    '// Or keep the type and enforce lower(…) uniqueness with an expression index, which Prisma cannot declare: use the fix SQL in a --create-only migration.'].join('\n');
}

function uuidAsText(f: Finding, locations: ModelLocations): string | null {
  const out = typeChange(f, locations, 'uuid', null);
  if (out === null) return null;
  const refs = Array.isArray(f.details['referencingColumns'])
    ? (f.details['referencingColumns'] as Array<{ schema: string; table: string; column: string }>)
    : [];
  const more = refs.flatMap((r) => {
    const m = modelFor(locations, r.schema, r.table);
    return m ? [modelBlock(m.name, [`${field(fieldName(m, r.column), prismaType('uuid'))} ${KEEP}`])] : [];
  });
  return [out, ...more, '// @default(uuid()) keeps generating ids in Prisma Client; @default(dbgenerated("gen_random_uuid()")) lets the database do it.'].join('\n');
}

function relationFieldName(model: ModelTableLocation, column: string, target: string): string {
  const f = fieldName(model, column);
  const stripped = f.replace(/_?(?:Id|ID|id)$/, '');
  const base = stripped !== '' && stripped !== f ? stripped : lowerFirst(target);
  const taken = new Set(Object.values(model.columns).map((c) => c.name));
  return taken.has(base) ? `${base}Ref` : base;
}

function missingForeignKey(f: Finding, locations: ModelLocations): string | null {
  const subject = subjectOf(f, locations);
  const column = typeof f.details['column'] === 'string' ? f.details['column'] : null;
  const referenced = typeof f.details['referencedTable'] === 'string' ? f.details['referencedTable'] : null;
  const refColumn = typeof f.details['referencedColumn'] === 'string' ? f.details['referencedColumn'] : null;
  if (!subject || column === null || referenced === null || refColumn === null) return null;
  const dot = referenced.indexOf('.');
  const target = modelFor(locations, referenced.slice(0, dot), referenced.slice(dot + 1));
  if (!target) return null;
  const name = relationFieldName(subject.model, column, target.name);
  const relation = `${subject.model.name}${upperFirst(name)}`;
  const back = lowerFirst(plural(subject.model.name));
  return [
    modelBlock(subject.model.name, [
      `${name} ${target.name} @relation(${quoteString(relation)}, fields: [${fieldName(subject.model, column)}], references: [${fieldName(target, refColumn)}]) // ${target.name}? when ${fieldName(subject.model, column)} is optional`,
    ]),
    modelBlock(target.name, [`${back} ${subject.model.name}[] @relation(${quoteString(relation)})`]),
    `// prisma migrate adds the foreign key in one step, checking every row while it blocks writes to both tables: on a large table, ${CREATE_ONLY} (NOT VALID, then VALIDATE).`,
  ].join('\n');
}

function moneyAsFloat(f: Finding, locations: ModelLocations): string | null {
  const subject = subjectOf(f, locations);
  const column = typeof f.details['column'] === 'string' ? f.details['column'] : null;
  if (!subject || column === null) return null;
  const current = fieldName(subject.model, column);
  const note = '// prisma migrate writes ALTER COLUMN … SET DATA TYPE, which rewrites the table under an ACCESS EXCLUSIVE lock and fails on NaN or Infinity: run the fix\'s pre-check first.';
  if (f.details['suggestedType'] === 'bigint') {
    const newColumn = `${column}_cents`;
    const name = /_/.test(current) ? `${current}_cents` : `${current}Cents`;
    const line = field(name, prismaType('bigint'), name === newColumn ? [] : [`@map(${quoteString(newColumn)})`]);
    return [modelBlock(subject.model.name, [`${line} // replaces ${current}: the unit is now cents; keep \`?\` and the other attributes`]), note].join('\n');
  }
  const target = typeof f.details['suggestedType'] === 'string' ? f.details['suggestedType'] : 'numeric(12,2)';
  return typeChange(f, locations, target, note);
}

function missingTimestamps(f: Finding, locations: ModelLocations): string | null {
  const subject = subjectOf(f, locations);
  if (!subject) return null;
  const tsType = prismaType(typeof f.details['timestampType'] === 'string' ? f.details['timestampType'] : 'timestamptz');
  const lines: string[] = [];
  const add = (column: unknown, attrs: string[]) => {
    if (typeof column !== 'string') return;
    const name = camel(column);
    lines.push(field(name, tsType, [...attrs, ...(name !== column ? [`@map(${quoteString(column)})`] : [])]));
  };
  if (f.details['missingCreated'] === true) add(f.details['createdAtName'], ['@default(now())']);
  if (f.details['missingUpdated'] === true) add(f.details['updatedAtName'], ['@default(now())', '@updatedAt']);
  return lines.length > 0 ? modelBlock(subject.model.name, lines) : null;
}

function noPrimaryKey(f: Finding, locations: ModelLocations): string | null {
  const subject = subjectOf(f, locations);
  const columns = Array.isArray(f.details['columns']) ? (f.details['columns'] as string[]) : [];
  if (!subject || columns.length === 0) return null;
  const fields = columns.map((c) => fieldName(subject.model, c));
  return modelBlock(subject.model.name, [`@@id([${fields.join(', ')}])`]);
}

// ---- missing-capability: the proposed tables as models ------------------------------------------

interface StrNode {
  String?: { sval?: string };
}
interface ConstNode {
  ival?: { ival?: number };
  fval?: { fval?: string };
  sval?: { sval?: string };
  boolval?: { boolval?: boolean };
  isnull?: boolean;
}
interface ExprNode {
  A_Const?: ConstNode;
  FuncCall?: { funcname?: StrNode[] };
  SQLValueFunction?: { op?: string };
  TypeCast?: { arg?: ExprNode };
}
interface ConstraintNode {
  contype?: string;
  location?: number;
  keys?: StrNode[];
  fk_attrs?: StrNode[];
  pk_attrs?: StrNode[];
  pktable?: { schemaname?: string; relname?: string };
  fk_del_action?: string;
  raw_expr?: ExprNode;
}
interface ColumnDefNode {
  colname?: string;
  typeName?: { names?: StrNode[]; typmods?: Array<{ A_Const?: ConstNode }>; arrayBounds?: unknown[] };
  constraints?: Array<{ Constraint?: ConstraintNode }>;
  location?: number;
}
interface TableElt {
  ColumnDef?: ColumnDefNode;
  Constraint?: ConstraintNode;
}
interface StmtNode {
  CreateStmt?: { relation?: { schemaname?: string; relname?: string }; tableElts?: TableElt[] };
  IndexStmt?: {
    idxname?: string; relation?: { schemaname?: string; relname?: string }; unique?: boolean;
    indexParams?: Array<{ IndexElem?: { name?: string } }>; whereClause?: unknown;
  };
  AlterTableStmt?: {
    relation?: { schemaname?: string; relname?: string };
    cmds?: Array<{ AlterTableCmd?: { subtype?: string; def?: { ColumnDef?: ColumnDefNode } } }>;
  };
}

const strs = (list: StrNode[] | undefined) => (list ?? []).map((n) => n.String?.sval ?? '');

const ON_DELETE: Record<string, string> = { c: 'Cascade', n: 'SetNull', r: 'Restrict', d: 'SetDefault', a: 'NoAction' };

function constValue(c: ConstNode): string | null {
  if (c.isnull) return null;
  if (c.sval) return quoteString(c.sval.sval ?? '');
  if (c.boolval) return c.boolval.boolval === true ? 'true' : 'false';
  if (c.fval) return c.fval.fval ?? null;
  if (c.ival) return String(c.ival.ival ?? 0);
  return null;
}

function defaultAttr(expr: ExprNode | undefined, text: string): string {
  const inner = expr?.TypeCast?.arg ?? expr;
  if (inner?.A_Const) {
    const v = constValue(inner.A_Const);
    if (v !== null) return `@default(${v})`;
  }
  if (expr?.SQLValueFunction && /CURRENT_TIMESTAMP|LOCALTIMESTAMP/.test(expr.SQLValueFunction.op ?? '')) return '@default(now())';
  const fn = strs(expr?.FuncCall?.funcname).at(-1);
  if (fn === 'now') return '@default(now())';
  return `@default(dbgenerated(${quoteString(text)}))`;
}

function pgTypeOf(t: ColumnDefNode['typeName']): string {
  const name = strs(t?.names).filter((n) => n !== 'pg_catalog').join('.');
  const mods = (t?.typmods ?? []).map((m) => m.A_Const?.ival?.ival ?? 0);
  return `${name}${mods.length > 0 ? `(${mods.join(',')})` : ''}${(t?.arrayBounds ?? []).length > 0 ? '[]' : ''}`;
}

interface NewModel {
  table: string;
  schema: string | undefined;
  name: string;
  lines: string[];
  notes: string[];
}

class ModelWriter {
  readonly models: NewModel[] = [];
  readonly backRelations: string[] = [];
  readonly notes: string[] = [];
  constructor(private readonly locations: ModelLocations, private readonly sql: string, private readonly index: TextIndex) {}

  modelName(schema: string | undefined, table: string): string {
    return modelFor(this.locations, schema, table)?.name ?? this.models.find((m) => m.table === table)?.name ?? pascalSingular(table);
  }

  /** The source text between two byte offsets. */
  slice(from: number, to: number): string {
    return this.sql.slice(this.index.charIndexOfByte(from), this.index.charIndexOfByte(to));
  }

  relation(model: NewModel, columns: string[], target: { schemaname?: string; relname?: string } | undefined, refColumns: string[], onDelete: string | undefined, optional: boolean): string {
    const targetTable = target?.relname ?? '';
    const targetName = this.modelName(target?.schemaname, targetTable);
    const targetModel = modelFor(this.locations, target?.schemaname, targetTable);
    const fields = columns.map(camel);
    const first = fields[0] ?? '';
    const base = columns.length === 1 && /Id$/.test(first) && first !== 'Id' ? first.slice(0, -2) : lowerFirst(targetName);
    const refs = refColumns.length > 0 ? refColumns : ['id'];
    const references = refs.map((c) => (targetModel ? fieldName(targetModel, c) : camel(c)));
    const action = onDelete && onDelete !== 'a' ? `, onDelete: ${ON_DELETE[onDelete] ?? 'NoAction'}` : '';
    this.backRelations.push(`model ${targetName}: ${lowerFirst(plural(model.name))} ${model.name}[]`);
    return `${base} ${targetName}${optional ? '?' : ''} @relation(fields: [${fields.join(', ')}], references: [${references.join(', ')}]${action})`;
  }

  columnLine(model: NewModel, col: ColumnDefNode, end: number): string[] {
    const name = col.colname ?? '';
    const type = prismaType(pgTypeOf(col.typeName));
    const constraints = (col.constraints ?? []).map((c) => c.Constraint).filter((c): c is ConstraintNode => c !== undefined);
    const bounds = [...constraints.map((c) => c.location ?? end), end];
    const attrs: string[] = [];
    const extra: string[] = [];
    const notNull = constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
    constraints.forEach((c, i) => {
      const next = bounds[i + 1] ?? end;
      const from = c.location ?? end;
      switch (c.contype) {
        case 'CONSTR_PRIMARY': attrs.unshift('@id'); break;
        case 'CONSTR_UNIQUE': attrs.push('@unique'); break;
        case 'CONSTR_IDENTITY': attrs.push('@default(autoincrement())'); break;
        case 'CONSTR_DEFAULT': attrs.push(defaultAttr(c.raw_expr, this.slice(from, next).trim().replace(/^DEFAULT\s+/i, '').replace(/,\s*$/, ''))); break;
        case 'CONSTR_CHECK':
          model.notes.push(`CHECK on ${name}: ${this.slice(from, next).trim().replace(/^CHECK\s*/i, '').replace(/,\s*$/, '')}`);
          break;
        case 'CONSTR_FOREIGN':
          extra.push(this.relation(model, [name], c.pktable, strs(c.pk_attrs), c.fk_del_action, !notNull));
          break;
        default:
          break;
      }
    });
    // Prisma schemas generate text ids in the client; the DDL cannot show that, so follow Prisma's usual cuid().
    if (attrs[0] === '@id' && type.scalar === 'String' && type.native === '' && !attrs.some((a) => a.startsWith('@default('))) attrs.push('@default(cuid())');
    const fname = camel(name);
    if (fname !== name) attrs.push(`@map(${quoteString(name)})`);
    return [field(fname, type, attrs, !notNull), ...extra];
  }

  createTable(stmt: NonNullable<StmtNode['CreateStmt']>, stmtEnd: number): void {
    const table = stmt.relation?.relname ?? '';
    const model: NewModel = { table, schema: stmt.relation?.schemaname, name: pascalSingular(table), lines: [], notes: [] };
    this.models.push(model);
    const elts = stmt.tableElts ?? [];
    const starts = elts.map((e) => e.ColumnDef?.location ?? e.Constraint?.location ?? stmtEnd);
    const blockLines: string[] = [];
    elts.forEach((e, i) => {
      const end = starts[i + 1] ?? stmtEnd;
      if (e.ColumnDef) model.lines.push(...this.columnLine(model, e.ColumnDef, end));
      const c = e.Constraint;
      if (!c) return;
      const keys = strs(c.keys).map(camel);
      if (c.contype === 'CONSTR_PRIMARY') blockLines.push(`@@id([${keys.join(', ')}])`);
      else if (c.contype === 'CONSTR_UNIQUE') blockLines.push(`@@unique([${keys.join(', ')}])`);
      else if (c.contype === 'CONSTR_FOREIGN') model.lines.push(this.relation(model, strs(c.fk_attrs), c.pktable, strs(c.pk_attrs), c.fk_del_action, false));
      else if (c.contype === 'CONSTR_CHECK') model.notes.push(`CHECK ${this.slice(c.location ?? end, end).trim().replace(/^(CONSTRAINT\s+\S+\s+)?CHECK\s*/i, '').replace(/,\s*$/, '')}`);
    });
    model.lines.push(...(blockLines.length > 0 ? ['', ...blockLines] : []));
    if (model.name !== table) model.lines.push(...(blockLines.length > 0 ? [] : ['']), `@@map(${quoteString(table)})`);
  }

  createIndex(stmt: NonNullable<StmtNode['IndexStmt']>, text: string): void {
    const table = stmt.relation?.relname ?? '';
    const model = this.models.find((m) => m.table === table);
    const cols = (stmt.indexParams ?? []).map((p) => p.IndexElem?.name);
    if (!model || stmt.whereClause !== undefined || cols.some((c) => c === undefined)) {
      this.notes.push(`not expressible in Prisma, keep it in the migration: ${text}`);
      return;
    }
    const names = cols as string[];
    const expected = `${table}_${names.join('_')}_${stmt.unique ? 'key' : 'idx'}`;
    const map = stmt.idxname && stmt.idxname !== expected ? `, map: ${quoteString(stmt.idxname)}` : '';
    const line = `@@${stmt.unique ? 'unique' : 'index'}([${names.map(camel).join(', ')}]${map})`;
    const at = model.lines.findIndex((l) => l.startsWith('@@map('));
    if (at >= 0) model.lines.splice(at, 0, line);
    else model.lines.push(...(model.lines.some((l) => l.startsWith('@@')) ? [] : ['']), line);
  }

  alterTable(stmt: NonNullable<StmtNode['AlterTableStmt']>, text: string, stmtEnd: number): void {
    const table = stmt.relation?.relname ?? '';
    const existing = modelFor(this.locations, stmt.relation?.schemaname, table);
    const defs = (stmt.cmds ?? []).map((c) => (c.AlterTableCmd?.subtype === 'AT_AddColumn' ? c.AlterTableCmd.def?.ColumnDef : undefined));
    if (!existing || defs.length === 0 || defs.some((d) => d === undefined)) {
      this.notes.push(`not expressible in Prisma, keep it in the migration: ${text}`);
      return;
    }
    const model: NewModel = { table, schema: stmt.relation?.schemaname, name: existing.name, lines: [], notes: [] };
    defs.forEach((def, i) => {
      // A column's text runs to the next ADD COLUMN (the comma before it is trimmed off).
      const end = defs[i + 1]?.location ?? stmtEnd;
      model.lines.push(...this.columnLine(model, def as ColumnDefNode, end));
    });
    this.models.push(model);
  }
}

function aligned(lines: string[]): string[] {
  const rows = lines.map((l) => (l === '' || l.startsWith('@@') ? null : /^(\S+)\s+(\S+)\s*(.*)$/.exec(l)));
  const w1 = Math.max(0, ...rows.map((r) => (r ? (r[1] as string).length : 0)));
  const w2 = Math.max(0, ...rows.map((r) => (r ? (r[2] as string).length : 0)));
  return lines.map((l, i) => {
    const r = rows[i];
    if (!r) return l;
    return `${(r[1] as string).padEnd(w1)} ${(r[2] as string).padEnd(w2)} ${r[3] as string}`.trimEnd();
  });
}

function missingCapability(f: Finding, locations: ModelLocations): string | null {
  const sql = f.fix?.sql;
  if (!sql) return null;
  let stmts: Array<{ stmt?: StmtNode; stmt_location?: number; stmt_len?: number }>;
  try {
    stmts = (parseSync(sql).stmts ?? []) as unknown as typeof stmts;
  } catch {
    return null;
  }
  const index = new TextIndex(sql);
  const writer = new ModelWriter(locations, sql, index);
  const totalBytes = Buffer.byteLength(sql, 'utf8');
  for (const s of stmts) {
    const start = s.stmt_location ?? 0;
    const end = s.stmt_len !== undefined ? start + s.stmt_len : totalBytes;
    const text = writer.slice(start, end).trim().replace(/\s+/g, ' ');
    if (s.stmt?.CreateStmt) {
      // The table's elements end before its closing parenthesis.
      const closing = index.charIndexOfByte(end);
      const paren = sql.lastIndexOf(')', closing);
      writer.createTable(s.stmt.CreateStmt, paren >= 0 ? Buffer.byteLength(sql.slice(0, paren), 'utf8') : end);
    } else if (s.stmt?.IndexStmt) writer.createIndex(s.stmt.IndexStmt, text);
    else if (s.stmt?.AlterTableStmt) writer.alterTable(s.stmt.AlterTableStmt, text, end);
    else writer.notes.push(`not expressible in Prisma, keep it in the migration: ${text}`);
  }
  if (writer.models.length === 0) return null;
  const out: string[] = [];
  for (const m of writer.models) {
    out.push(modelBlock(m.name, aligned(m.lines)));
    for (const n of m.notes) out.push(`// Prisma cannot declare this ${n}: keep it in the migration (prisma migrate dev --create-only).`);
  }
  for (const b of writer.backRelations) out.push(`// and the other side, in ${b}`);
  for (const n of writer.notes) out.push(`// ${n}`);
  return out.join('\n');
}

type SnippetFn = (f: Finding, locations: ModelLocations) => string | null;

const SNIPPETS: Record<string, SnippetFn> = {
  'timestamp-without-time-zone': timestampSnippet,
  'timestamp-zero-precision': timestampSnippet,
  'unindexed-foreign-key': unindexedForeignKey,
  'case-sensitive-unique': caseSensitiveUnique,
  'uuid-stored-as-text': uuidAsText,
  'missing-foreign-key': missingForeignKey,
  'money-as-float': moneyAsFloat,
  'json-over-jsonb': (f, l) => typeChange(f, l, 'jsonb', null),
  'char-n': (f, l) => typeChange(f, l, 'text', '// drop @db.Char: Prisma maps String to text. Prisma cannot declare the length CHECK; keep it in the migration.'),
  'varchar-n': (f, l) => typeChange(f, l, 'text', '// drop @db.VarChar: Prisma maps String to text. Prisma cannot declare the length CHECK; keep it in the migration.'),
  'network-address-as-text': (f, l) => typeChange(f, l, typeof f.details['suggestedType'] === 'string' ? f.details['suggestedType'] : 'inet', `// ${CREATE_ONLY} (its USING clause turns blank strings into NULL).`),
  'int-primary-key': (f, l) => typeChange(f, l, 'bigint', '// and every field that references it becomes BigInt too.'),
  'missing-timestamps': missingTimestamps,
  'no-primary-key': noPrimaryKey,
  'missing-capability': missingCapability,
};

/**
 * The schema.prisma change for a finding, in the user's model and field names, or null when the
 * rule has no Prisma form or the finding is not on a Prisma model.
 */
export function prismaSnippet(finding: Finding, locations: ModelLocations): string | null {
  const fn = SNIPPETS[finding.rule];
  if (!fn) return null;
  try {
    return fn(finding, locations);
  } catch {
    // A snippet is an extra: a shape we did not expect must not break the review.
    return null;
  }
}
