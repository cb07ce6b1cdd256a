/**
 * From Prisma's DDL back to the user's schema: which model, field or attribute line each statement,
 * table, column, index and constraint came from.
 *
 * The DDL is handed to the pipeline line-aligned with the user's .prisma files: every statement is
 * placed (whitespace collapsed) on the line of what produced it, under the user's file name, so a
 * finding on anything the DDL created — enums, extensions, indexes, not only tables and columns —
 * points at the user's line. A CREATE TABLE spans its model from `model X {` to the closing brace,
 * and a `// schemasage-ignore rule: reason` comment above a model, field or attribute becomes the
 * same comment above the statement, so the pipeline's inline ignores work unchanged.
 */
import type { Location } from '../../catalog/model.js';
import { skipConstruct } from '../lexer.js';
import { TextIndex } from '../text.js';
import { splitStatementsSync } from '../split.js';
import type { ModelLocations, ModelTableLocation, SqlFile, Statement } from '../types.js';
import type { PrismaSchemaFiles } from './files.js';
import { fieldList, firstString, namedArg, type IgnoreComment, type PrismaAttribute, type PrismaBlock, type PrismaField } from './scan.js';
import type { Datamodel, DmmfField, DmmfModel } from './wasm.js';

interface Target {
  file: string;
  line: number;
  column: number;
  /** Where the statement's last token goes (a CREATE TABLE ends on its model's closing brace). */
  endLine: number;
  ignores: IgnoreComment[];
  /**
   * For a model's CREATE TABLE: where each table element (column, constraint) should go, in
   * order — a column on its field's line, so a Postgres error about it points there too.
   */
  elements?: Array<Location | null>;
}

interface ModelInfo {
  model: DmmfModel;
  block: PrismaBlock;
  /** Scanned field (position) by Prisma field name. */
  scanned: Map<string, PrismaField>;
  /** Prisma field by Postgres column name. */
  byColumn: Map<string, DmmfField>;
}

/** A field's Postgres column name. */
export function columnOf(f: Pick<DmmfField, 'name' | 'dbName'>): string {
  return f.dbName ?? f.name;
}

interface Names {
  String?: { sval?: string };
}
interface RangeVarNode {
  schemaname?: string;
  relname?: string;
}
interface ConstraintNode {
  contype?: string;
  conname?: string;
  keys?: Names[];
  fk_attrs?: Names[];
}
interface TableElt {
  ColumnDef?: { colname?: string; location?: number };
  Constraint?: ConstraintNode & { location?: number };
}
interface Ast {
  CreateStmt?: { relation?: RangeVarNode; tableElts?: TableElt[] };
  IndexStmt?: { idxname?: string; relation?: RangeVarNode; unique?: boolean; indexParams?: Array<{ IndexElem?: { name?: string } }> };
  AlterTableStmt?: { relation?: RangeVarNode; cmds?: Array<{ AlterTableCmd?: { subtype?: string; def?: { Constraint?: ConstraintNode } } }> };
  CreateEnumStmt?: { typeName?: Names[] };
  CreateSchemaStmt?: { schemaname?: string };
  CreateExtensionStmt?: { extname?: string };
}

const names = (list: Names[] | undefined): string[] => (list ?? []).map((n) => n.String?.sval ?? '');
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

class Locator {
  readonly locations: ModelLocations = { tables: {} };
  private readonly models = new Map<string, ModelInfo>();
  private readonly byTable = new Map<string, ModelInfo>();
  private readonly enums = new Map<string, PrismaBlock>();
  private readonly fallback: Target;
  private readonly usedAttributes = new Set<PrismaAttribute>();

  constructor(private readonly schema: PrismaSchemaFiles, dm: Datamodel) {
    const blocks = new Map<string, PrismaBlock>();
    for (const f of schema.files) {
      for (const b of f.blocks) {
        if (b.kind === 'model' || b.kind === 'view') blocks.set(b.name, b);
        else if (b.kind === 'enum') this.enums.set(b.name, b);
      }
    }
    for (const model of dm.models) {
      const block = blocks.get(model.name);
      if (!block) continue;
      const info: ModelInfo = {
        model, block,
        scanned: new Map(block.fields.map((f) => [f.name, f])),
        byColumn: new Map(model.fields.filter((f) => f.kind !== 'object').map((f) => [columnOf(f), f])),
      };
      // The DMMF leaves out Unsupported("…") fields (the client cannot read them); their columns exist all the same.
      const known = new Set(model.fields.map((f) => f.name));
      for (const f of block.fields) {
        if (known.has(f.name) || !f.type.startsWith('Unsupported(')) continue;
        const dbName = firstString(f.attributes.find((a) => a.name === 'map')?.args ?? null);
        info.byColumn.set(dbName ?? f.name, {
          name: f.name, dbName, kind: 'unsupported', type: f.type, isList: f.list, isRequired: !f.optional, isId: false, isUnique: false, isUpdatedAt: false, nativeType: null,
        });
      }
      this.models.set(model.name, info);
      const table = model.dbName ?? model.name;
      this.byTable.set(`${model.schema ?? ''}.${table}`, info);
      if (!this.byTable.has(`*.${table}`)) this.byTable.set(`*.${table}`, info);
    }
    for (const e of dm.enums) {
      const block = this.enums.get(e.name);
      if (block && e.dbName) this.enums.set(e.dbName, block);
    }
    const ds = schema.datasource;
    const first = schema.files[0];
    this.fallback = ds
      ? this.at(ds.location, [])
      : { file: first?.path ?? '', line: 1, column: 1, endLine: 1, ignores: [] };
  }

  private at(l: Location, ignores: IgnoreComment[], endLine = l.line): Target {
    return { file: l.file, line: l.line, column: l.column, endLine, ignores };
  }

  private modelFor(rel: RangeVarNode | undefined): ModelInfo | undefined {
    const table = rel?.relname ?? '';
    return this.byTable.get(`${rel?.schemaname ?? ''}.${table}`) ?? this.byTable.get(`${rel?.schemaname ?? 'public'}.${table}`) ?? this.byTable.get(`*.${table}`);
  }

  private tableKey(rel: RangeVarNode | undefined): string {
    return `${rel?.schemaname ?? 'public'}.${rel?.relname ?? ''}`;
  }

  /** The two relation fields of an implicit many-to-many table `_Name`: the A side first. */
  private implicitRelation(table: string): { a: { info: ModelInfo; field: PrismaField }; b: { info: ModelInfo; field: PrismaField } } | null {
    if (!table.startsWith('_')) return null;
    const relation = table.slice(1);
    const sides: Array<{ info: ModelInfo; field: PrismaField; dmmf: DmmfField }> = [];
    for (const info of this.models.values()) {
      for (const f of info.model.fields) {
        if (f.kind !== 'object' || !f.isList || f.relationName !== relation) continue;
        const field = info.scanned.get(f.name);
        if (field) sides.push({ info, field, dmmf: f });
      }
    }
    if (sides.length !== 2) return null;
    const [x, y] = sides as [(typeof sides)[number], (typeof sides)[number]];
    // Column A references the model whose name sorts first; the A-side field is the one in that model.
    const a = x.info.model.name <= y.info.model.name ? x : y;
    const b = a === x ? y : x;
    return { a, b };
  }

  private entry(key: string, location: Location, name: string): ModelTableLocation {
    const existing = this.locations.tables[key];
    if (existing) return existing;
    const created: ModelTableLocation = { location, name, columns: {}, constraints: {}, indexes: {} };
    this.locations.tables[key] = created;
    return created;
  }

  /** The target of one statement, recording locations as a side effect. */
  target(st: Statement): Target {
    const ast = st.ast as Ast;
    if (ast.CreateStmt) return this.createTable(ast.CreateStmt);
    if (ast.IndexStmt) return this.createIndex(ast.IndexStmt);
    if (ast.AlterTableStmt) return this.alterTable(ast.AlterTableStmt);
    if (ast.CreateEnumStmt) {
      const block = this.enums.get(names(ast.CreateEnumStmt.typeName).at(-1) ?? '');
      return block ? this.at(block.location, block.ignores, block.endLine) : this.fallback;
    }
    if (ast.CreateSchemaStmt) return this.datasourceProperty('schemas');
    if (ast.CreateExtensionStmt) return this.datasourceProperty('extensions');
    return this.fallback;
  }

  private datasourceProperty(key: string): Target {
    const p = this.schema.datasource?.properties.find((x) => x.key === key);
    return p ? this.at(p.location, []) : this.fallback;
  }

  private createTable(stmt: NonNullable<Ast['CreateStmt']>): Target {
    const key = this.tableKey(stmt.relation);
    const info = this.modelFor(stmt.relation);
    const columns = (stmt.tableElts ?? []).map((e) => e.ColumnDef?.colname).filter((c): c is string => c !== undefined);
    const pk = (stmt.tableElts ?? []).map((e) => e.Constraint).find((c) => c?.contype === 'CONSTR_PRIMARY');
    if (info) {
      const { block, model } = info;
      const entry = this.entry(key, block.location, model.name);
      for (const col of columns) {
        const f = info.byColumn.get(col);
        const at = f ? info.scanned.get(f.name)?.location : undefined;
        entry.columns[col] = { location: at ?? block.location, name: f?.name ?? col };
      }
      const blockId = block.attributes.find((a) => a.name === 'id');
      if (pk?.conname) {
        const fieldId = block.fields.find((f) => f.attributes.some((a) => a.name === 'id'));
        const at = blockId?.location ?? fieldId?.location;
        if (at && entry.constraints) entry.constraints[pk.conname] = at;
      }
      const elements = (stmt.tableElts ?? []).map((e) => {
        if (e.ColumnDef?.colname !== undefined) return entry.columns[e.ColumnDef.colname]?.location ?? null;
        return e.Constraint?.contype === 'CONSTR_PRIMARY' ? blockId?.location ?? null : null;
      });
      return { ...this.at(block.location, block.ignores, block.endLine), elements };
    }
    const implicit = this.implicitRelation(stmt.relation?.relname ?? '');
    if (implicit) {
      const { a, b } = implicit;
      const entry = this.entry(key, a.field.location, stmt.relation?.relname ?? '');
      for (const col of columns) {
        const side = col === 'B' ? b : a;
        entry.columns[col] = { location: side.field.location, name: `${side.info.model.name}.${side.field.name}` };
      }
      if (pk?.conname && entry.constraints) entry.constraints[pk.conname] = a.field.location;
      return this.at(a.field.location, a.field.ignores);
    }
    return this.fallback;
  }

  /** The @@index/@@unique/@unique that declared an index: by its `map:` name, else by its columns. */
  private declaringAttribute(info: ModelInfo, idxname: string, unique: boolean, cols: string[]): Target | null {
    const { block, model } = info;
    const dbCols = (fields: string[]) => fields.map((n) => {
      const f = model.fields.find((x) => x.name === n);
      return f ? columnOf(f) : n;
    });
    const kinds = unique ? ['unique'] : ['index', 'fulltext'];
    const candidates = block.attributes.filter((a) => kinds.includes(a.name) && !this.usedAttributes.has(a));
    const found = candidates.find((a) => namedArg(a.args, 'map') === idxname)
      ?? candidates.find((a) => namedArg(a.args, 'map') === null && sameList(dbCols(fieldList(a.args)), cols));
    if (found) {
      this.usedAttributes.add(found);
      return this.at(found.location, found.ignores ?? []);
    }
    if (unique && cols.length === 1) {
      const f = info.byColumn.get(cols[0] as string);
      const scanned = f ? info.scanned.get(f.name) : undefined;
      if (scanned?.attributes.some((a) => a.name === 'unique')) return this.at(scanned.location, scanned.ignores);
    }
    return null;
  }

  private createIndex(stmt: NonNullable<Ast['IndexStmt']>): Target {
    const key = this.tableKey(stmt.relation);
    const idxname = stmt.idxname ?? '';
    const cols = (stmt.indexParams ?? []).map((p) => p.IndexElem?.name ?? '');
    const info = this.modelFor(stmt.relation);
    let target: Target | null = null;
    if (info) {
      target = this.declaringAttribute(info, idxname, stmt.unique === true, cols);
      if (!target) {
        const f = cols[0] !== undefined ? info.byColumn.get(cols[0]) : undefined;
        const scanned = f ? info.scanned.get(f.name) : undefined;
        target = scanned ? this.at(scanned.location, scanned.ignores) : this.at(info.block.location, []);
      }
    } else {
      const implicit = this.implicitRelation(stmt.relation?.relname ?? '');
      if (implicit) {
        const side = cols[0] === 'B' ? implicit.b : implicit.a;
        target = this.at(side.field.location, side.field.ignores);
      }
    }
    if (!target) return this.fallback;
    const entry = this.locations.tables[key];
    if (entry?.indexes) entry.indexes[idxname] = { file: target.file, line: target.line, column: target.column };
    return target;
  }

  private alterTable(stmt: NonNullable<Ast['AlterTableStmt']>): Target {
    const key = this.tableKey(stmt.relation);
    const info = this.modelFor(stmt.relation);
    const fk = (stmt.cmds ?? []).map((c) => c.AlterTableCmd?.def?.Constraint).find((c) => c?.contype === 'CONSTR_FOREIGN');
    if (!fk) return info ? this.at(info.block.location, []) : this.fallback;
    const cols = names(fk.fk_attrs);
    let target: Target | null = null;
    if (info) {
      const relationField = info.model.fields.find((f) => f.kind === 'object' && sameList(
        (f.relationFromFields ?? []).map((n) => {
          const from = info.model.fields.find((x) => x.name === n);
          return from ? columnOf(from) : n;
        }),
        cols,
      ));
      const scanned = relationField ? info.scanned.get(relationField.name) : undefined;
      target = scanned ? this.at(scanned.location, scanned.ignores) : this.at(info.block.location, []);
    } else {
      const implicit = this.implicitRelation(stmt.relation?.relname ?? '');
      if (implicit) {
        const side = cols[0] === 'B' ? implicit.b : implicit.a;
        target = this.at(side.field.location, side.field.ignores);
      }
    }
    if (!target) return this.fallback;
    const entry = this.locations.tables[key];
    if (entry?.constraints && fk.conname) entry.constraints[fk.conname] = { file: target.file, line: target.line, column: target.column };
    return target;
  }

  /**
   * Fields with a `schemasage-ignore` comment that no statement lands on (plain columns): each gets
   * a no-op `COMMENT ON COLUMN … IS NULL` on its line to carry the comment, since an inline ignore
   * covers the lines of the statement it precedes. Prisma writes no column comments, so the
   * catalog is unchanged.
   */
  ignoreCarriers(placedLines: Set<string>, tables: Map<string, { schema: string; table: string }>): Array<{ sql: string; target: Target }> {
    const out: Array<{ sql: string; target: Target }> = [];
    for (const info of this.models.values()) {
      const table = tables.get(info.model.name);
      if (!table) continue;
      for (const f of info.block.fields) {
        if (f.ignores.length === 0 || placedLines.has(`${f.location.file}:${f.location.line}`)) continue;
        const dmmf = info.model.fields.find((x) => x.name === f.name);
        if (!dmmf || dmmf.kind === 'object') continue;
        const col = columnOf(dmmf);
        out.push({
          sql: `COMMENT ON COLUMN ${quote(table.schema)}.${quote(table.table)}.${quote(col)} IS NULL`,
          target: this.at(f.location, f.ignores),
        });
      }
    }
    return out;
  }

  modelTables(): Map<string, { schema: string; table: string }> {
    const out = new Map<string, { schema: string; table: string }>();
    for (const [key, entry] of Object.entries(this.locations.tables)) {
      const dot = key.indexOf('.');
      if (this.models.has(entry.name)) out.set(entry.name, { schema: key.slice(0, dot), table: key.slice(dot + 1) });
    }
    return out;
  }
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The statement on one line: whitespace runs outside literals and quoted names become one space, comments go. */
function collapse(sql: string): string {
  let out = '';
  let i = 0;
  let pendingSpace = false;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      pendingSpace = out !== '';
      i++;
      continue;
    }
    const construct = skipConstruct(sql, i);
    if (construct && (construct.kind === 'line-comment' || construct.kind === 'block-comment')) {
      pendingSpace = out !== '';
      i = construct.next;
      continue;
    }
    if (pendingSpace) out += ' ';
    pendingSpace = false;
    const next = construct ? construct.next : i + 1;
    out += sql.slice(i, next);
    i = next;
  }
  return out;
}

interface Chunk {
  path: string;
  /** Text by line; an entry with k line breaks also fills the k lines after it. */
  lines: Map<number, string>;
  /** Last line holding a statement (or comment). */
  lastLine: number;
  /** The last statement ended on lastLine and can be followed on the same line. */
  open: boolean;
}

function render(chunk: Chunk): SqlFile {
  const out: string[] = [];
  const max = Math.max(...chunk.lines.keys());
  for (let l = 1; l <= max; l++) {
    const text = chunk.lines.get(l) ?? '';
    out.push(text);
    l += (text.match(/\n/g) ?? []).length;
  }
  return { path: chunk.path, text: `${out.join('\n')}\n` };
}

function ignoreLine(ig: IgnoreComment): string {
  return `-- schemasage-ignore ${ig.rules.join(', ')}${ig.reason ? `: ${ig.reason}` : ''}`;
}

const breaks = (text: string) => (text.match(/\n/g) ?? []).length;

/** Appends `text` on `line`, indenting it to `column` when it starts the line. */
function put(c: Chunk, line: number, column: number, text: string): void {
  const existing = c.lines.get(line);
  c.lines.set(line, existing === undefined ? `${' '.repeat(Math.max(0, column - 1))}${text}` : `${existing} ${text}`);
}

/**
 * A model's CREATE TABLE over its model's lines: the head on `model X {`, each column on its
 * field's line (kept in order: an element never goes above the one before it), `);` on the
 * closing brace. Returns the last line used.
 */
function putTable(c: Chunk, st: Statement, target: Target, elements: Array<Location | null>): number {
  const ast = (st.ast as Ast).CreateStmt;
  const elts = ast?.tableElts ?? [];
  const index = new TextIndex(st.sql);
  const base = st.byteOffset ?? 0;
  const starts = elts.map((e) => {
    const loc = e.ColumnDef?.location ?? e.Constraint?.location;
    return loc === undefined ? -1 : index.charIndexOfByte(loc - base);
  });
  const close = st.sql.lastIndexOf(')');
  if (elts.length === 0 || starts.some((x, i) => x < 0 || (i > 0 && x <= (starts[i - 1] as number))) || close < (starts.at(-1) as number)) {
    put(c, target.line, target.column, `${collapse(st.sql).slice(0, -1).trimEnd()}`);
    put(c, target.endLine, 1, ');');
    return target.endLine;
  }
  put(c, target.line, target.column, collapse(st.sql.slice(0, starts[0])));
  let line = target.line;
  elts.forEach((_, i) => {
    const text = collapse(st.sql.slice(starts[i], i + 1 < elts.length ? starts[i + 1] : close)).replace(/,$/, '');
    const want = elements[i];
    const at = want && want.line > line && want.line < target.endLine ? want.line : line;
    put(c, at, want && at === want.line ? want.column : target.column, `${text}${i + 1 < elts.length ? ',' : ''}`);
    line = at + breaks(text);
  });
  if (line < target.endLine) {
    put(c, target.endLine, 1, ');');
    return target.endLine;
  }
  put(c, line, 1, ');');
  return line;
}

interface Placed {
  st: Statement | null;
  sql: string;
  target: Target;
}

/** Statements that never depend on one another when Prisma creates a schema from nothing. */
function independentKind(p: Placed): string | null {
  if (!p.st) return 'carrier';
  const ast = p.st.ast as Ast;
  if (ast.CreateStmt) return 'table';
  if (ast.CreateEnumStmt) return 'enum';
  if (ast.IndexStmt) return 'index';
  const cmds = ast.AlterTableStmt?.cmds;
  if (cmds && cmds.every((c) => c.AlterTableCmd?.def?.Constraint?.contype === 'CONSTR_FOREIGN')) return 'foreign key';
  return null;
}

/**
 * Each run of independent statements of one kind (all tables, then all indexes, …) sorted by file
 * and line, so the layout needs few chunks however the engine ordered them; the runs stay in the
 * engine's order.
 */
function inFileOrder(placed: Placed[], files: string[]): Placed[] {
  const rank = new Map(files.map((f, i) => [f, i]));
  const key = (p: Placed) => [rank.get(p.target.file) ?? files.length, p.target.line, p.target.column] as const;
  const out: Placed[] = [];
  let i = 0;
  while (i < placed.length) {
    const kind = independentKind(placed[i] as Placed);
    let j = i + 1;
    while (kind !== null && j < placed.length && independentKind(placed[j] as Placed) === kind) j++;
    const run = placed.slice(i, j);
    if (kind !== null) {
      run.sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
      });
    }
    out.push(...run);
    i = j;
  }
  return out;
}

export interface PlacedDdl {
  sql: SqlFile[];
  locations: ModelLocations;
}

/**
 * Splits Prisma's DDL, finds where each statement came from and lays the statements out on those
 * lines. The engine's order is kept: a new chunk starts whenever the next statement would land on
 * or above the previous one, or in another file.
 */
export function placeDdl(ddl: string, schema: PrismaSchemaFiles, dm: Datamodel): PlacedDdl {
  const locator = new Locator(schema, dm);
  const statements = splitStatementsSync({ path: 'prisma-ddl.sql', text: ddl }, 0);
  const located: Placed[] = statements.map((st) => ({ st, sql: st.sql, target: locator.target(st) }));
  const lines = new Set(located.map((p) => `${p.target.file}:${p.target.line}`));
  located.push(...locator.ignoreCarriers(lines, locator.modelTables()).map((x) => ({ st: null, ...x })));
  const placed = inFileOrder(located, schema.files.map((f) => f.path));

  const chunks: Chunk[] = [];
  let chunk: Chunk | null = null;
  for (const { st, sql, target } of placed) {
    const text = collapse(sql);
    const first = Math.min(target.line, ...target.ignores.map((i) => i.line));
    const single = target.endLine === target.line && breaks(text) === 0;
    const sameLine = chunk !== null && chunk.open && single && target.ignores.length === 0 && target.line === chunk.lastLine;
    if (!sameLine && (chunk === null || chunk.path !== target.file || first <= chunk.lastLine)) {
      chunk = { path: target.file, lines: new Map(), lastLine: 0, open: false };
      chunks.push(chunk);
    }
    const c = chunk as Chunk;
    for (const ig of target.ignores) c.lines.set(ig.line, ignoreLine(ig));
    if (sameLine) {
      put(c, target.line, target.column, `${text};`);
      continue;
    }
    if (st && target.elements && target.endLine > target.line) {
      c.lastLine = putTable(c, st, target, target.elements);
      c.open = false;
    } else if (target.endLine > target.line && text.endsWith(')')) {
      // The statement spans its block (an enum), so a comment above the block covers all of it.
      put(c, target.line, target.column, text.slice(0, -1).trimEnd());
      put(c, target.endLine, 1, ');');
      c.lastLine = target.endLine;
      c.open = false;
    } else {
      put(c, target.line, target.column, `${text};`);
      c.lastLine = target.line + breaks(text);
      c.open = breaks(text) === 0;
    }
  }
  return { sql: chunks.map(render), locations: locator.locations };
}
