/**
 * DBML sources: @dbml/core exports the design as PostgreSQL DDL (what dbdiagram.io's export gives),
 * and every generated statement is placed at the line of the DBML element it came from — the
 * `Table`, `Enum`, index or `Ref` line — so Postgres errors and findings point into the .dbml.
 * Tables, columns, keys and indexes are mapped to their DBML lines through ModelLocations.
 */
import { readFileSync } from 'node:fs';
import type { Database, Endpoint, Field, Index as DbmlIndex, Ref, Table as DbmlTable, Token } from '@dbml/core';
import type { Node } from 'libpg-query';
import type { LoadNote, Location } from '../catalog/model.js';
import { buildProvenanceIndex, provenanceKey } from '../catalog/provenance.js';
import { SchemasageError } from '../errors.js';
import { placedStatement } from './design/place.js';
import { ensureParser, splitStatementsSync } from './split.js';
import type { GeneratedSource, ModelLocations, ModelTableLocation, SqlFile, Statement } from './types.js';

type DbmlModule = typeof import('@dbml/core');

/** @dbml/core is large (~0.6 s to import): only DBML sources pay for it. */
let dbmlModule: Promise<DbmlModule> | null = null;
function loadDbmlCore(): Promise<DbmlModule> {
  dbmlModule ??= import('@dbml/core');
  return dbmlModule;
}

interface Diagnostic {
  message: string;
  location?: { start?: { line?: number; column?: number } };
}

function diagnosticsOf(e: unknown): Diagnostic[] {
  const diags = (e as { diags?: unknown } | null)?.diags;
  if (!Array.isArray(diags)) return [];
  return diags.filter((d): d is Diagnostic => typeof (d as { message?: unknown } | null)?.message === 'string');
}

/** The DBML model, or a SchemasageError at the first problem @dbml/core reports. */
export async function parseDbml(text: string, shown: string): Promise<Database> {
  const { Parser } = await loadDbmlCore();
  try {
    // 'dbmlv2' is @dbml/parse, the parser the exporter itself uses (checks, partials, records);
    // 'dbml' is the legacy grammar, which rejects valid current DBML.
    return new Parser().parse(text, 'dbmlv2');
  } catch (e) {
    const diags = diagnosticsOf(e);
    const first = [...diags].sort((a, b) => lineOf(a) - lineOf(b) || columnOf(a) - columnOf(b))[0];
    if (!first) throw new SchemasageError(`${shown}: @dbml/core could not read this file: ${e instanceof Error ? e.message : String(e)}`);
    const more = diags.length > 1 ? ` (and ${diags.length - 1} more problem${diags.length > 2 ? 's' : ''})` : '';
    throw new SchemasageError(`${first.message}${more}`, { location: { file: shown, line: lineOf(first), column: columnOf(first) } });
  }
}

const lineOf = (d: Diagnostic) => d.location?.start?.line ?? 1;
const columnOf = (d: Diagnostic) => d.location?.start?.column ?? 1;

export async function loadDbml(absPath: string, display: (abs: string) => string, _cwd: string): Promise<GeneratedSource> {
  const shown = display(absPath);
  const text = readFileSync(absPath, 'utf8');
  const database = await parseDbml(text, shown);
  const { ModelExporter } = await loadDbmlCore();
  const ddl = ModelExporter.export(database, 'postgres');
  await ensureParser();
  const lines = text.split('\n');
  const model = new DbmlModel(database, shown);
  const generated = splitGenerated(ddl, model);

  const notes: LoadNote[] = [];
  const sql: SqlFile[] = [];
  let records = 0;
  let tables = 0;
  for (const st of generated) {
    // Records blocks become INSERTs wrapped in a deferred-constraints transaction: sample data is
    // not part of the design under review, and a bad sample row must not stop the review.
    if (isRecordStatement(st.ast)) {
      if (nodeOf(st.ast, 'InsertStmt')) records++;
      continue;
    }
    if (nodeOf(st.ast, 'CreateStmt')) tables++;
    const at = model.anchorOf(st.ast as Node) ?? { line: 1, column: 1 };
    sql.push(placedStatement(shown, at.line, at.column, model.aligned(st, at), ignoreCommentsAbove(lines, at.line)));
  }
  if (tables === 0) {
    throw new SchemasageError(`${shown} defines no tables`, { hint: 'a DBML source needs at least one `Table name { … }` block' });
  }
  if (records > 0) {
    notes.push({ kind: 'skipped', message: `skipped the sample rows of ${shown}'s Records blocks (${records} INSERT${records === 1 ? '' : 's'}): data is not part of a design review`, location: null });
  }
  notes.push(...model.notes);

  const placed: Statement[] = [];
  for (const f of sql) placed.push(...splitStatementsSync(f, placed.length));
  return {
    kind: 'dbml',
    files: [{ path: shown, text }],
    sql,
    locations: model.locations(placed),
    notes,
    orm: null,
  };
}

const DBML_IGNORE = /^\s*\/\/\s*(schemasage-ignore\b.*?)\s*$/;

/**
 * `// schemasage-ignore rule: reason` lines in the comment block right above a DBML element, as
 * SQL comments on the same lines: the generated statement placed there carries the ignore.
 */
function ignoreCommentsAbove(lines: readonly string[], line: number): Map<number, string> {
  const out = new Map<number, string>();
  for (let l = line - 1; l >= 1; l--) {
    const text = lines[l - 1] ?? '';
    if (!/^\s*\/\//.test(text)) break;
    const m = DBML_IGNORE.exec(text);
    if (m) out.set(l, `-- ${m[1]}`);
  }
  return out;
}

/**
 * The exported DDL's statements. DBML passes backtick expressions (defaults, checks, index
 * expressions) to SQL unchanged, so a typo there only shows when Postgres parses the export: the
 * error then names the table it belongs to and quotes the generated statement.
 */
function splitGenerated(ddl: string, model: DbmlModel): Statement[] {
  try {
    return splitStatementsSync({ path: 'generated DDL', text: ddl }, 0);
  } catch (e) {
    if (!(e instanceof SchemasageError) || !e.location) throw e;
    const lines = ddl.split('\n');
    let start = e.location.line - 1;
    while (start > 0 && (lines[start - 1] ?? '').trim() !== '') start--;
    let end = e.location.line;
    while (end < lines.length && (lines[end] ?? '').trim() !== '') end++;
    const statement = lines.slice(start, Math.min(end, start + 20)).map((l) => `    ${l}`).join('\n');
    const table = model.tableNamedIn(lines[start] ?? '');
    throw new SchemasageError(`${e.message} in the SQL @dbml/core generated${table ? ` for table ${table.name}` : ''} (line ${e.location.line - start} of the statement)`, {
      location: table ? model.locationOf(table) : null,
      hint: `DBML copies backtick expressions (default, check, index expressions) into the SQL unchanged; the generated statement:\n${statement}`,
    });
  }
}

// ---- the DBML model, indexed the way the generated DDL names things -----------------------------

type Position = Token['start'];

function nodeOf(ast: unknown, kind: string): Record<string, unknown> | null {
  if (ast && typeof ast === 'object' && kind in ast) {
    const v = (ast as Record<string, unknown>)[kind];
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  }
  return null;
}

function isRecordStatement(ast: unknown): boolean {
  return nodeOf(ast, 'InsertStmt') !== null || nodeOf(ast, 'TransactionStmt') !== null || nodeOf(ast, 'ConstraintsSetStmt') !== null;
}

function strings(nodes: Node[] | undefined): string[] {
  const out: string[] = [];
  for (const n of nodes ?? []) if ('String' in n && n.String.sval !== undefined) out.push(n.String.sval);
  return out;
}

/** `schema.name` of a possibly unqualified name (the exporter leaves `public` unqualified). */
function keyOf(names: string[]): string {
  return names.length >= 2 ? `${names.at(-2)}.${names.at(-1)}` : `public.${names[0] ?? ''}`;
}

const tableKey = (t: DbmlTable) => `${t.schema.name}.${t.name}`;
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function endpointTable(e: Endpoint): string | null {
  const f = e.fields?.[0];
  return f ? tableKey(f.table) : null;
}

/** The endpoint's table as named in its `Table` line (a Ref may use the table's alias). */
function endpointName(e: Endpoint): string {
  return e.fields?.[0]?.table.name ?? e.tableName;
}

function isManyToMany(r: Ref): boolean {
  return r.endpoints.length === 2 && r.endpoints.every((e) => e.relation === '*');
}

class DbmlModel {
  readonly notes: LoadNote[] = [];
  private readonly tables = new Map<string, DbmlTable>();
  private readonly enums = new Map<string, Position>();
  private readonly refs: Ref[] = [];
  /** Many-to-many refs, in the order @dbml/core emits their junction tables. */
  private readonly junctionRefs: Ref[] = [];
  private readonly junctions = new Map<string, Ref>();
  private readonly usedIndexes = new Set<DbmlIndex>();
  private readonly schemaStarts = new Map<string, Position>();
  /** The Ref behind each generated foreign key, by `table \0 columns`. */
  private readonly fkAnchors = new Map<string, Position>();

  constructor(database: Database, private readonly shown: string) {
    for (const schema of database.schemas) {
      for (const t of schema.tables) {
        this.tables.set(tableKey(t), t);
        this.firstIn(schema.name, t.token.start);
      }
      for (const e of schema.enums) {
        this.enums.set(`${schema.name}.${e.name}`, e.token.start);
        this.firstIn(schema.name, e.token.start);
      }
      for (const r of schema.refs) {
        this.refs.push(r);
        if (isManyToMany(r)) this.junctionRefs.push(r);
      }
    }
    const type = database.databaseType?.trim();
    if (type && !/^postgres(ql)?$/i.test(type)) {
      this.notes.push({
        kind: 'info',
        message: `${shown} declares database_type '${type}'; its DDL was exported for PostgreSQL, so types PostgreSQL lacks will be rejected`,
        location: null,
      });
    }
  }

  private firstIn(schema: string, at: Position): void {
    const prev = this.schemaStarts.get(schema);
    if (!prev || at.offset < prev.offset) this.schemaStarts.set(schema, at);
  }

  /**
   * A CREATE TABLE laid out over its DBML block: each column definition on its field's line (when
   * fields come in line order; a TablePartial's fields follow the previous one) and the closing
   * parenthesis on the block's last line. Postgres errors about a column then name the field's
   * line, and a `schemasage-ignore` above the table covers findings on every line inside it.
   */
  aligned(st: Statement, at: { line: number }): string {
    const node = nodeOf(st.ast, 'CreateStmt') as { relation?: { schemaname?: string; relname?: string } } | null;
    if (!node) return st.sql;
    const table = this.tables.get(keyOf([...(node.relation?.schemaname ? [node.relation.schemaname] : []), node.relation?.relname ?? '']));
    if (!table || table.token.start.line !== at.line) return st.sql;
    const fieldLines = new Map(table.fields.map((f) => [f.name, f.token.start.line]));
    const out: string[] = [];
    let line = at.line;
    const lines = st.sql.split('\n');
    lines.forEach((text, i) => {
      const name = /^\s+"((?:[^"]|"")*)"/.exec(text)?.[1]?.replace(/""/g, '"');
      const target = i === lines.length - 1 && text.startsWith(')') ? table.token.end.line : name !== undefined ? fieldLines.get(name) : undefined;
      if (i > 0) {
        const gap = target !== undefined && target > line ? target - line : 1;
        out.push('\n'.repeat(gap));
        line += gap;
      }
      out.push(text);
    });
    return out.join('');
  }

  /** The table a generated statement's first line names (`CREATE TABLE "s"."t" (`, `… ON "t" …`). */
  tableNamedIn(line: string): DbmlTable | null {
    const m = /^(?:CREATE TABLE|ALTER TABLE|CREATE (?:UNIQUE )?INDEX(?: "(?:[^"]|"")*")? ON)\s+("(?:[^"]|"")*"|\w+)(?:\.("(?:[^"]|"")*"|\w+))?/.exec(line);
    if (!m) return null;
    const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s);
    const names = [m[1], m[2]].filter((x): x is string => x !== undefined).map(unquote);
    return this.tables.get(keyOf(names)) ?? null;
  }

  locationOf(t: DbmlTable): Location {
    return this.loc(t.token.start);
  }

  private loc(at: Position): Location {
    return { file: this.shown, line: at.line, column: at.column };
  }

  /** The DBML element a generated statement came from. */
  anchorOf(ast: Node): Position | null {
    if ('CreateSchemaStmt' in ast) return this.schemaStarts.get(ast.CreateSchemaStmt.schemaname ?? '') ?? null;
    if ('CreateEnumStmt' in ast) return this.enums.get(keyOf(strings(ast.CreateEnumStmt.typeName))) ?? null;
    if ('CreateStmt' in ast) {
      const rv = ast.CreateStmt.relation;
      const key = keyOf([...(rv?.schemaname ? [rv.schemaname] : []), rv?.relname ?? '']);
      const table = this.tables.get(key);
      if (table) return table.token.start;
      const ref = this.junctionFor(key);
      return ref ? ref.token.start : null;
    }
    if ('IndexStmt' in ast) {
      const s = ast.IndexStmt;
      const key = keyOf([...(s.relation?.schemaname ? [s.relation.schemaname] : []), s.relation?.relname ?? '']);
      const table = this.tables.get(key);
      if (!table) return null;
      const index = this.indexFor(table, s.idxname ?? null);
      return (index ?? table).token.start;
    }
    if ('CommentStmt' in ast) {
      const c = ast.CommentStmt;
      const obj = c.object;
      const names = obj && 'List' in obj ? strings(obj.List.items) : [];
      if (c.objtype === 'OBJECT_TABLE') {
        const table = this.tables.get(keyOf(names));
        return table ? (table.noteToken ?? table.token).start : null;
      }
      if (c.objtype === 'OBJECT_COLUMN') {
        const table = this.tables.get(keyOf(names.slice(0, -1)));
        const field = table?.fields.find((f) => f.name === names.at(-1));
        return field ? (field.noteToken ?? field.token).start : table?.token.start ?? null;
      }
      return null;
    }
    if ('AlterTableStmt' in ast) {
      const s = ast.AlterTableStmt;
      const key = keyOf([...(s.relation?.schemaname ? [s.relation.schemaname] : []), s.relation?.relname ?? '']);
      for (const item of s.cmds ?? []) {
        if (!('AlterTableCmd' in item)) continue;
        const def = item.AlterTableCmd.def;
        if (!def || !('Constraint' in def) || def.Constraint.contype !== 'CONSTR_FOREIGN') continue;
        const ref = this.refFor(key, def.Constraint);
        if (ref) {
          this.fkAnchors.set(`${key}\u0000${strings(def.Constraint.fk_attrs).join('\u0000')}`, ref.token.start);
          return ref.token.start;
        }
      }
      const junction = this.junctions.get(key);
      if (junction) return junction.token.start;
      return this.tables.get(key)?.token.start ?? null;
    }
    return null;
  }

  /** @dbml/core names the junction table of `a <> b` after both tables; they come in ref order. */
  private junctionFor(key: string): Ref | null {
    const name = key.slice(key.indexOf('.') + 1);
    const taken = new Set(this.junctions.values());
    const candidates = this.junctionRefs.filter((r) => !taken.has(r));
    const ref = candidates.find((r) => r.endpoints.every((e) => name.includes(endpointName(e)))) ?? candidates[0];
    if (!ref) return null;
    this.junctions.set(key, ref);
    const [a, b] = ref.endpoints;
    this.notes.push({
      kind: 'info',
      message: `the many-to-many Ref between ${a ? endpointName(a) : '?'} and ${b ? endpointName(b) : '?'} is exported as the junction table ${name}`,
      location: this.loc(ref.token.start),
    });
    return ref;
  }

  private indexFor(table: DbmlTable, name: string | null): DbmlIndex | null {
    const candidates = table.indexes.filter((i) => !i.pk && !this.usedIndexes.has(i));
    const index = name !== null ? candidates.find((i) => i.name === name) : candidates.find((i) => !i.name);
    if (index) this.usedIndexes.add(index);
    return index ?? null;
  }

  private refFor(fkTable: string, c: { conname?: string; pktable?: { schemaname?: string; relname?: string }; fk_attrs?: Node[]; pk_attrs?: Node[] }): Ref | null {
    if (c.conname) {
      const named = this.refs.find((r) => r.name === c.conname);
      if (named) return named;
    }
    const junction = this.junctions.get(fkTable);
    if (junction) return junction;
    const fkCols = strings(c.fk_attrs);
    const pkTable = keyOf([...(c.pktable?.schemaname ? [c.pktable.schemaname] : []), c.pktable?.relname ?? '']);
    const pkCols = strings(c.pk_attrs);
    for (const r of this.refs) {
      const [a, b] = r.endpoints;
      if (!a || !b) continue;
      for (const [from, to] of [[a, b], [b, a]] as const) {
        if (endpointTable(from) === fkTable && sameList(from.fieldNames, fkCols) && endpointTable(to) === pkTable && sameList(to.fieldNames, pkCols)) {
          if (a.relation === '1' && b.relation === '1') {
            this.notes.push({
              kind: 'info',
              message: `the one-to-one Ref ${endpointName(a)}.${a.fieldNames.join(',')} - ${endpointName(b)}.${b.fieldNames.join(',')} is exported as a foreign key on ${endpointName(from)}.${fkCols.join(', ')} referencing ${endpointName(to)}; swap the two sides if the key belongs on the other table`,
              location: this.loc(r.token.start),
            });
          }
          return r;
        }
      }
    }
    return null;
  }

  /**
   * Where each table, column, key and index was written. Names Postgres generates (unnamed keys
   * and indexes) come from the provenance index, which chooses them exactly as Postgres does.
   */
  locations(placed: Statement[]): ModelLocations {
    const index = buildProvenanceIndex(placed);
    const out: ModelLocations = { tables: {} };
    for (const [key, t] of this.tables) {
      const entry: ModelTableLocation = { location: this.loc(t.token.start), name: t.name, columns: {}, constraints: {}, indexes: {} };
      for (const f of t.fields) entry.columns[f.name] = { location: this.loc(f.token.start), name: f.name };
      const constraints = entry.constraints as Record<string, Location>;
      const indexes = entry.indexes as Record<string, Location>;
      for (const c of t.checks ?? []) if (c.name) constraints[c.name] = this.loc(c.token.start);
      for (const f of t.fields) for (const c of f.checks ?? []) if (c.name) constraints[c.name] = this.loc(c.token.start);
      for (const i of t.indexes) if (i.name) (i.pk ? constraints : indexes)[i.name] = this.loc(i.token.start);
      const rec = index.relations.get(provenanceKey(t.schema.name, t.name));
      const pk = this.primaryKeyAt(t);
      for (const u of rec?.unnamedConstraints ?? []) {
        const ref = u.type === 'foreign key' ? this.fkAnchors.get(`${key}\u0000${u.columns.join('\u0000')}`) : undefined;
        if (ref) constraints[u.name] = this.loc(ref);
        else if (u.type === 'primary key' && pk) constraints[u.name] = pk;
      }
      for (const name of rec?.constraints.keys() ?? []) {
        const ref = this.refs.find((r) => r.name === name);
        if (ref) constraints[name] = this.loc(ref.token.start);
      }
      for (const u of rec?.unnamedIndexes ?? []) if (u.provenance.created) indexes[u.name] = u.provenance.created;
      for (const [name, r] of index.relations) {
        if (r.kind === 'index' && r.owner === provenanceKey(t.schema.name, t.name) && r.provenance.created) indexes[name.slice(name.indexOf('\u0000') + 1)] ??= r.provenance.created;
      }
      out.tables[key] = entry;
    }
    for (const [key, ref] of this.junctions) {
      const at = this.loc(ref.token.start);
      const name = key.slice(key.indexOf('.') + 1);
      const [schema] = key.split('.');
      const rec = index.relations.get(provenanceKey(schema ?? 'public', name));
      const columns: ModelTableLocation['columns'] = {};
      for (const c of rec?.columns.keys() ?? []) columns[c] = { location: at, name: c };
      out.tables[key] = { location: at, name, columns };
    }
    return out;
  }

  /** The single `[pk]` field, or the `indexes { (a, b) [pk] }` line. */
  private primaryKeyAt(t: DbmlTable): Location | null {
    const composite = t.indexes.find((i) => i.pk);
    if (composite) return this.loc(composite.token.start);
    const fields: Field[] = t.fields.filter((f) => f.pk);
    return fields[0] ? this.loc(fields[0].token.start) : null;
  }
}
