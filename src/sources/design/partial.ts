/**
 * Design docs are partial: they define some tables and reference others (`REFERENCES users(id)`
 * with no users table, `ALTER TABLE accounts …` of a table described elsewhere). This plans how to
 * apply such SQL anyway: stand-in ("stub") tables for what is referenced but never defined, with
 * the columns the doc uses on them; schemas it uses but never creates; statements that cannot be
 * applied against a stub (a view reading columns nobody defined) set aside with the reason; and an
 * apply order when the doc uses a table before the section that defines it.
 */
import type { Node, TypeName } from 'libpg-query';
import { quoteIdent } from '../../catalog/helpers.js';
import type { Statement } from '../types.js';

export interface StubTable {
  schema: string;
  name: string;
  columns: Array<{ name: string; type: string }>;
  /** Referenced column sets: the first is the primary key, the others are unique. */
  keys: string[][];
}

export interface PartialPlan {
  /** Statements left out, with why (by index into the planned statements). */
  skipped: Array<{ index: number; reason: string }>;
  stubs: StubTable[];
  /** Schemas the doc uses but does not create (or creates after a stub needs them). */
  schemas: string[];
  /** Indexes of the doc's own CREATE SCHEMA statements replaced by the stubs' CREATE SCHEMA IF NOT EXISTS. */
  replacedSchemas: number[];
  /** Apply order (indexes into the planned statements, skipped ones left out) when the doc uses objects before defining them; null when its own order works. */
  order: number[] | null;
}

interface QName {
  schema: string | null;
  name: string;
}

interface Fk {
  from: QName;
  fromCols: string[];
  to: QName;
  toCols: string[];
  /** The referencing column's type when declared on the same column. */
  fromType: TypeName | null;
}

/** What one statement defines and uses, names not yet resolved against the search_path. */
interface Facts {
  node: string;
  path: string[];
  /** Fully qualified keys: `r:` relations, `t:` types, `s:` schemas. */
  defines: string[];
  rels: QName[];
  types: QName[];
  schemas: string[];
  /** The table a policy, trigger, rule, index, comment or ALTER is on. */
  target: QName | null;
  fks: Fk[];
  columns: Array<{ table: QName; name: string; type: TypeName }>;
  touched: Array<{ table: QName; name: string; type: TypeName | null }>;
  domain: { key: string; base: TypeName } | null;
  /** A plain `CREATE SCHEMA x` (no elements, no IF NOT EXISTS) that a stub in x would collide with. */
  plainSchema: string | null;
  /** Relations a DROP (without IF EXISTS) removes. */
  drops: QName[];
}

const SKIPPED_PATH = new Set(['$user', 'pg_catalog', 'pg_temp', '']);
const BUILTIN_SCHEMAS = new Set(['public', 'pg_catalog', 'information_schema']);
/** Relation keys of the system catalogs and information_schema views, which always exist. */
const SYSTEM_RELATIONS = /^r:(?:pg_catalog|information_schema)\./;
const SERIALS: Record<string, string> = { serial: 'integer', serial4: 'integer', bigserial: 'bigint', serial8: 'bigint', smallserial: 'smallint', serial2: 'smallint' };
/** Statements that hang off one table and mean nothing without its real columns. */
const ON_TABLE = new Set(['CreatePolicyStmt', 'AlterPolicyStmt', 'CreateTrigStmt', 'RuleStmt']);
const DROPPED_RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE']);
/** Statements whose query reads its tables' columns. */
const READERS = new Set(['ViewStmt', 'CreateTableAsStmt']);

function strings(nodes: Node[] | undefined): string[] {
  const out: string[] = [];
  for (const n of nodes ?? []) if ('String' in n && n.String.sval !== undefined) out.push(n.String.sval);
  return out;
}

function qname(rv: { schemaname?: string; relname?: string } | undefined): QName | null {
  return rv?.relname ? { schema: rv.schemaname ?? null, name: rv.relname } : null;
}

function listName(names: string[]): QName | null {
  const name = names.at(-1);
  if (name === undefined) return null;
  return { schema: names.length >= 2 ? (names.at(-2) as string) : null, name };
}

function creationSchema(path: string[]): string {
  return path.find((s) => !SKIPPED_PATH.has(s)) ?? 'public';
}

function isRangeVar(v: Record<string, unknown>): boolean {
  return typeof v['relname'] === 'string';
}

function isTypeName(v: Record<string, unknown>): boolean {
  return Array.isArray(v['names']) && 'typemod' in v;
}

/** Every RangeVar and TypeName in a tree except `skip` (the object a statement defines), and CTE names. */
function collect(tree: unknown, skip: ReadonlySet<object>, out: { rels: QName[]; types: QName[]; ctes: Set<string> }): void {
  if (Array.isArray(tree)) {
    for (const x of tree) collect(x, skip, out);
    return;
  }
  if (!tree || typeof tree !== 'object' || skip.has(tree)) return;
  const obj = tree as Record<string, unknown>;
  if (isRangeVar(obj)) {
    const q = qname(obj as { schemaname?: string; relname?: string });
    if (q) out.rels.push(q);
    return;
  }
  if (isTypeName(obj)) {
    const names = strings(obj['names'] as Node[]);
    if (names[0] !== 'pg_catalog') {
      const q = listName(names);
      if (q) out.types.push(q);
    }
  }
  const cte = (obj['CommonTableExpr'] as { ctename?: string } | undefined)?.ctename;
  if (cte) out.ctes.add(cte);
  for (const v of Object.values(obj)) if (v && typeof v === 'object') collect(v, skip, out);
}

function fkOf(c: { contype?: string; pktable?: { schemaname?: string; relname?: string }; fk_attrs?: Node[]; pk_attrs?: Node[] }, from: QName, column: { name: string; type: TypeName } | null): Fk | null {
  if (c.contype !== 'CONSTR_FOREIGN') return null;
  const to = qname(c.pktable);
  if (!to) return null;
  return {
    from,
    fromCols: c.fk_attrs ? strings(c.fk_attrs) : column ? [column.name] : [],
    to,
    toCols: strings(c.pk_attrs),
    fromType: column && !c.fk_attrs ? column.type : null,
  };
}

function emptyFacts(node: string, path: string[]): Facts {
  return { node, path, defines: [], rels: [], types: [], schemas: [], target: null, fks: [], columns: [], touched: [], domain: null, plainSchema: null, drops: [] };
}

/** Reads one statement (and, for CREATE SCHEMA … CREATE TABLE …, its elements) into facts. */
function factsOf(ast: Node, path: string[], schemaOverride: string | null = null): Facts {
  const node = Object.keys(ast)[0] ?? '';
  const f = emptyFacts(node, path);
  const here = schemaOverride ?? creationSchema(path);
  const skip = new Set<object>();
  const define = (prefix: string, q: QName | null) => {
    if (!q) return;
    const schema = q.schema ?? here;
    f.defines.push(`${prefix}${schema}.${q.name}`);
    if (q.schema) f.schemas.push(q.schema);
  };

  if ('CreateStmt' in ast) {
    const s = ast.CreateStmt;
    const table = qname(s.relation);
    if (s.relation) skip.add(s.relation);
    if (table) {
      const own: QName = { schema: table.schema ?? schemaOverride, name: table.name };
      define('r:', own);
      define('t:', own);
      for (const elt of s.tableElts ?? []) {
        if ('ColumnDef' in elt) {
          const def = elt.ColumnDef;
          if (!def.colname || !def.typeName) continue;
          f.columns.push({ table: own, name: def.colname, type: def.typeName });
          for (const c of def.constraints ?? []) {
            if (!('Constraint' in c)) continue;
            const fk = fkOf(c.Constraint, own, { name: def.colname, type: def.typeName });
            if (fk) f.fks.push(fk);
          }
        } else if ('Constraint' in elt) {
          const fk = fkOf(elt.Constraint, own, null);
          if (fk) f.fks.push(fk);
        }
      }
    }
  } else if ('CreateSchemaStmt' in ast) {
    const s = ast.CreateSchemaStmt;
    if (s.schemaname) {
      f.defines.push(`s:${s.schemaname}`);
      if (!s.if_not_exists && (s.schemaElts ?? []).length === 0) f.plainSchema = s.schemaname;
      for (const elt of s.schemaElts ?? []) {
        const inner = factsOf(elt, path, s.schemaname);
        f.defines.push(...inner.defines);
        f.rels.push(...inner.rels);
        f.types.push(...inner.types);
        f.fks.push(...inner.fks);
        f.columns.push(...inner.columns);
        f.touched.push(...inner.touched);
      }
      return f;
    }
  } else if ('ViewStmt' in ast) {
    const s = ast.ViewStmt;
    if (s.view) skip.add(s.view);
    define('r:', qname(s.view));
  } else if ('CreateTableAsStmt' in ast) {
    const rel = ast.CreateTableAsStmt.into?.rel;
    if (rel) skip.add(rel);
    define('r:', qname(rel));
  } else if ('CreateSeqStmt' in ast) {
    const seq = ast.CreateSeqStmt.sequence;
    if (seq) skip.add(seq);
    define('r:', qname(seq));
  } else if ('CreateEnumStmt' in ast) {
    define('t:', listName(strings(ast.CreateEnumStmt.typeName)));
  } else if ('CreateDomainStmt' in ast) {
    const s = ast.CreateDomainStmt;
    const q = listName(strings(s.domainname));
    define('t:', q);
    if (q && s.typeName) f.domain = { key: `t:${q.schema ?? here}.${q.name}`, base: s.typeName };
  } else if ('CompositeTypeStmt' in ast) {
    const rv = ast.CompositeTypeStmt.typevar;
    if (rv) skip.add(rv);
    define('t:', qname(rv));
  } else if ('CreateRangeStmt' in ast) {
    define('t:', listName(strings(ast.CreateRangeStmt.typeName)));
  } else if ('CreateFunctionStmt' in ast) {
    const q = listName(strings(ast.CreateFunctionStmt.funcname));
    if (q?.schema) f.schemas.push(q.schema);
  } else if ('AlterTableStmt' in ast) {
    const s = ast.AlterTableStmt;
    const table = qname(s.relation);
    const isTable = s.objtype === undefined || s.objtype === 'OBJECT_TABLE';
    // ALTER TABLE IF EXISTS of a table the doc leaves out is a no-op in Postgres: no stub needed.
    if (s.missing_ok && s.relation) skip.add(s.relation);
    if (table && isTable && !s.missing_ok) {
      f.target = table;
      for (const item of s.cmds ?? []) {
        if (!('AlterTableCmd' in item)) continue;
        const cmd = item.AlterTableCmd;
        const def = cmd.def;
        if (cmd.subtype === 'AT_AddColumn' && def && 'ColumnDef' in def) {
          const col = def.ColumnDef;
          if (!col.colname || !col.typeName) continue;
          f.columns.push({ table, name: col.colname, type: col.typeName });
          for (const c of col.constraints ?? []) {
            if (!('Constraint' in c)) continue;
            const fk = fkOf(c.Constraint, table, { name: col.colname, type: col.typeName });
            if (fk) f.fks.push(fk);
          }
        } else if (cmd.subtype === 'AT_AddConstraint' && def && 'Constraint' in def) {
          const c = def.Constraint;
          const fk = fkOf(c, table, null);
          if (fk) {
            f.fks.push(fk);
            for (const name of fk.fromCols) f.touched.push({ table, name, type: null });
          }
          for (const name of [...strings(c.keys), ...strings(c.including)]) f.touched.push({ table, name, type: null });
        } else if (cmd.name && cmd.subtype !== 'AT_DropConstraint' && cmd.subtype !== 'AT_ValidateConstraint' && cmd.subtype !== 'AT_AlterConstraint' && !cmd.missing_ok) {
          const type = cmd.subtype === 'AT_AlterColumnType' && def && 'ColumnDef' in def ? def.ColumnDef.typeName ?? null : null;
          f.touched.push({ table, name: cmd.name, type });
        }
      }
    }
  } else if ('IndexStmt' in ast) {
    const s = ast.IndexStmt;
    const table = qname(s.relation);
    if (table) {
      f.target = table;
      if (s.idxname) define('r:', { schema: table.schema, name: s.idxname });
      for (const p of [...(s.indexParams ?? []), ...(s.indexIncludingParams ?? [])]) {
        if ('IndexElem' in p && p.IndexElem.name) f.touched.push({ table, name: p.IndexElem.name, type: null });
      }
    }
  } else if ('CommentStmt' in ast) {
    const c = ast.CommentStmt;
    const names = c.object && 'List' in c.object ? strings(c.object.List.items) : [];
    if (c.objtype === 'OBJECT_COLUMN' && names.length >= 2) {
      const table = listName(names.slice(0, -1));
      if (table) {
        f.target = table;
        f.rels.push(table);
        f.touched.push({ table, name: names.at(-1) as string, type: null });
      }
    } else if (c.objtype === 'OBJECT_TABLE') {
      const table = listName(names);
      if (table) {
        f.target = table;
        f.rels.push(table);
      }
    }
  } else if ('RenameStmt' in ast) {
    const s = ast.RenameStmt;
    const table = qname(s.relation);
    if (table && s.renameType === 'OBJECT_TABLE' && s.newname) define('r:', { schema: table.schema, name: s.newname });
    if (table && s.renameType === 'OBJECT_COLUMN' && s.subname) f.touched.push({ table, name: s.subname, type: null });
  } else if ('DropStmt' in ast) {
    const s = ast.DropStmt;
    if (!s.missing_ok && s.removeType && DROPPED_RELATIONS.has(s.removeType)) {
      for (const o of s.objects ?? []) {
        const q = 'List' in o ? listName(strings(o.List.items)) : null;
        if (q) f.drops.push(q);
      }
    }
  } else if ('CreatePolicyStmt' in ast) {
    f.target = qname(ast.CreatePolicyStmt.table);
  } else if ('AlterPolicyStmt' in ast) {
    f.target = qname(ast.AlterPolicyStmt.table);
  } else if ('CreateTrigStmt' in ast) {
    f.target = qname(ast.CreateTrigStmt.relation);
  } else if ('RuleStmt' in ast) {
    f.target = qname(ast.RuleStmt.relation);
  }

  const found = { rels: [] as QName[], types: [] as QName[], ctes: new Set<string>() };
  collect(ast, skip, found);
  f.rels.push(...found.rels.filter((q) => q.schema !== null || !found.ctes.has(q.name)));
  f.types.push(...found.types);
  for (const q of [...f.rels, ...f.types]) if (q.schema) f.schemas.push(q.schema);
  return f;
}

/** The search_path a `SET search_path …` statement sets, or null for other statements. */
function searchPathSet(ast: Node): string[] | null {
  if (!('VariableSetStmt' in ast)) return null;
  const v = ast.VariableSetStmt;
  if (v.kind === 'VAR_RESET_ALL') return ['public'];
  if (v.name !== 'search_path') return null;
  if (v.kind !== 'VAR_SET_VALUE') return ['public'];
  const values: string[] = [];
  for (const a of v.args ?? []) {
    if ('A_Const' in a && a.A_Const.sval?.sval !== undefined) values.push(a.A_Const.sval.sval);
    else if ('String' in a && a.String.sval !== undefined) values.push(a.String.sval);
  }
  return values.length > 0 ? values : ['public'];
}

/** SQL for a type written in the doc, usable before the doc's own types exist. */
function typeSql(t: TypeName | null, domains: ReadonlyMap<string, TypeName>, depth = 0): string | null {
  if (!t || t.setof || t.pct_type) return null;
  const names = strings(t.names);
  const last = names.at(-1);
  if (last === undefined) return null;
  const arrays = '[]'.repeat((t.arrayBounds ?? []).length);
  if (names.length === 1 && SERIALS[last]) return `${SERIALS[last]}${arrays}`;
  if (names[0] !== 'pg_catalog') {
    // A domain the doc defines does not exist yet when stubs are created: use what it is based on.
    const key = `t:${names.length >= 2 ? names.at(-2) : 'public'}.${last}`;
    const base = domains.get(key);
    if (base && depth < 8) {
      const inner = typeSql(base, domains, depth + 1);
      return inner === null ? null : `${inner}${arrays}`;
    }
  }
  // interval's typmod is a bit mask, not something to print back.
  const mods = last === 'interval' ? [] : (t.typmods ?? []).map((m) => ('A_Const' in m ? m.A_Const.ival?.ival ?? 0 : null));
  if (mods.some((m) => m === null)) return null;
  const modText = mods.length > 0 ? `(${mods.join(', ')})` : '';
  const name = names[0] === 'pg_catalog' ? last : names.map(quoteIdent).join('.');
  return `${name}${modText}${arrays}`;
}

/** Plans the doc's statements; see PartialPlan. */
export function planPartial(statements: readonly Statement[]): PartialPlan {
  let path = ['public'];
  const facts: Facts[] = [];
  for (const st of statements) {
    const ast = st.ast as Node;
    const set = searchPathSet(ast);
    if (set) path = set;
    facts.push(factsOf(ast, path));
  }
  const defined = new Map<string, number>();
  facts.forEach((f, i) => {
    for (const k of f.defines) if (!defined.has(k)) defined.set(k, i);
  });
  const domains = new Map<string, TypeName>();
  for (const f of facts) if (f.domain) domains.set(f.domain.key, f.domain.base);

  const resolve = (prefix: string, q: QName, p: string[]): string => {
    if (q.schema) return `${prefix}${q.schema}.${q.name}`;
    // pg_class, pg_roles…: the system catalogs come first on every search_path.
    if (prefix === 'r:' && q.name.startsWith('pg_')) return `${prefix}pg_catalog.${q.name}`;
    for (const s of p) if (!SKIPPED_PATH.has(s) && defined.has(`${prefix}${s}.${q.name}`)) return `${prefix}${s}.${q.name}`;
    return `${prefix}${creationSchema(p)}.${q.name}`;
  };
  const missing = (key: string) => key.startsWith('r:') && !defined.has(key) && !SYSTEM_RELATIONS.test(key);

  // Statements that need the real columns of a table the doc leaves out, and (in turn) those that
  // use what a set-aside statement would have created.
  const skipped = new Map<number, string>();
  const unavailable = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    facts.forEach((f, i) => {
      if (skipped.has(i)) return;
      const rels = f.rels.map((q) => resolve('r:', q, f.path));
      const gone = rels.find((k) => unavailable.has(k));
      const absent = rels.find(missing);
      const target = f.target ? resolve('r:', f.target, f.path) : null;
      let reason: string | null = null;
      const dropped = f.drops.map((q) => resolve('r:', q, f.path)).find(missing);
      if (gone) reason = `it uses ${display(gone)}, which was set aside`;
      else if (dropped) reason = `it drops ${display(dropped)}, which the doc does not define`;
      else if (ON_TABLE.has(f.node) && target && missing(target)) reason = `it is on ${display(target)}, which the doc does not define`;
      else if (READERS.has(f.node) && absent) reason = `it reads ${display(absent)}, which the doc does not define (its columns are unknown)`;
      if (reason === null) return;
      skipped.set(i, reason);
      for (const k of f.defines) unavailable.add(k);
      changed = true;
    });
  }

  // Stubs: every table a kept statement references but the doc never defines.
  const stubs = new Map<string, StubTable>();
  const stubOf = (key: string): StubTable => {
    let s = stubs.get(key);
    if (!s) {
      const [schema, name] = splitKey(key);
      s = { schema, name, columns: [], keys: [] };
      stubs.set(key, s);
    }
    return s;
  };
  const columnTypes = new Map<string, Map<string, TypeName>>();
  const added = new Map<string, Set<string>>();
  facts.forEach((f, i) => {
    if (skipped.has(i)) return;
    for (const c of f.columns) {
      const key = resolve('r:', c.table, f.path);
      if (!columnTypes.has(key)) columnTypes.set(key, new Map());
      columnTypes.get(key)?.set(c.name, c.type);
      if (!added.has(key)) added.set(key, new Set());
      added.get(key)?.add(c.name);
    }
  });
  const typeOfColumn = (table: string, column: string): string | null => typeSql(columnTypes.get(table)?.get(column) ?? null, domains);
  const addColumn = (stub: StubTable, key: string, name: string, type: string) => {
    if (added.get(key)?.has(name)) return;
    if (!stub.columns.some((c) => c.name === name)) stub.columns.push({ name, type });
  };

  facts.forEach((f, i) => {
    if (skipped.has(i)) return;
    for (const q of f.rels) {
      const key = resolve('r:', q, f.path);
      if (missing(key)) stubOf(key);
    }
    if (f.target) {
      const key = resolve('r:', f.target, f.path);
      if (missing(key)) stubOf(key);
    }
  });
  // Referenced keys first, so a stub's primary key is what the doc points at.
  facts.forEach((f, i) => {
    if (skipped.has(i)) return;
    for (const fk of f.fks) {
      const to = resolve('r:', fk.to, f.path);
      const from = resolve('r:', fk.from, f.path);
      if (!missing(to)) continue;
      const stub = stubOf(to);
      const cols = fk.toCols.length > 0 ? fk.toCols : ['id'];
      cols.forEach((col, k) => {
        const fromCol = fk.fromCols[k];
        const type = (k === 0 ? typeSql(fk.fromType, domains) : null)
          ?? (fromCol !== undefined ? typeOfColumn(from, fromCol) ?? stubs.get(from)?.columns.find((c) => c.name === fromCol)?.type : undefined)
          ?? 'bigint';
        addColumn(stub, to, col, type);
      });
      if (!stub.keys.some((k) => k.join('\u0000') === cols.join('\u0000'))) stub.keys.push(cols);
    }
  });
  facts.forEach((f, i) => {
    if (skipped.has(i)) return;
    for (const fk of f.fks) {
      const from = resolve('r:', fk.from, f.path);
      if (!missing(from)) continue;
      const to = resolve('r:', fk.to, f.path);
      const stub = stubOf(from);
      fk.fromCols.forEach((col, k) => {
        const toCol = fk.toCols[k] ?? (fk.toCols.length === 0 && k === 0 ? 'id' : undefined);
        const type = (toCol !== undefined ? typeOfColumn(to, toCol) ?? stubs.get(to)?.columns.find((c) => c.name === toCol)?.type : undefined) ?? 'bigint';
        addColumn(stub, from, col, type);
      });
    }
    for (const t of f.touched) {
      const key = resolve('r:', t.table, f.path);
      if (!missing(key)) continue;
      // Text takes any default and any index; a column whose type the doc changes gets that type.
      addColumn(stubOf(key), key, t.name, typeSql(t.type, domains) ?? 'text');
    }
  });

  // Schemas: those the doc's objects and stubs live in that the doc does not create first.
  const schemas: string[] = [];
  const replacedSchemas: number[] = [];
  const needSchema = (s: string) => {
    if (!BUILTIN_SCHEMAS.has(s) && !schemas.includes(s)) schemas.push(s);
  };
  facts.forEach((f, i) => {
    if (skipped.has(i)) return;
    for (const s of f.schemas) if (!defined.has(`s:${s}`)) needSchema(s);
  });
  for (const stub of stubs.values()) {
    if (BUILTIN_SCHEMAS.has(stub.schema)) continue;
    const creator = defined.get(`s:${stub.schema}`);
    if (creator === undefined) needSchema(stub.schema);
    else if (facts[creator]?.plainSchema === stub.schema) {
      // The stub must exist before the doc's SQL, so its schema does too: the doc's own
      // CREATE SCHEMA would then fail, and is applied as IF NOT EXISTS with the stubs instead.
      needSchema(stub.schema);
      if (!replacedSchemas.includes(creator)) replacedSchemas.push(creator);
    }
  }

  return {
    skipped: [...skipped].map(([index, reason]) => ({ index, reason })).sort((a, b) => a.index - b.index),
    stubs: [...stubs.values()],
    schemas,
    replacedSchemas,
    order: applyOrder(facts, statements, skipped, replacedSchemas, defined, resolve),
  };
}

function splitKey(key: string): [string, string] {
  const body = key.slice(2);
  const dot = body.indexOf('.');
  return [body.slice(0, dot), body.slice(dot + 1)];
}

function display(key: string): string {
  const [schema, name] = splitKey(key);
  return schema === 'public' ? name : `${schema}.${name}`;
}

/**
 * Document order unless a statement uses a table, type or schema that a later statement defines;
 * then the stable topological order. SET and transaction statements are barriers: nothing moves
 * across them, since what follows them depends on the state they set.
 */
function applyOrder(
  facts: Facts[],
  statements: readonly Statement[],
  skipped: ReadonlyMap<number, string>,
  replaced: readonly number[],
  defined: ReadonlyMap<string, number>,
  resolve: (prefix: string, q: QName, path: string[]) => string,
): number[] | null {
  const kept = facts.map((_, i) => i).filter((i) => !skipped.has(i) && !replaced.includes(i));
  const deps = new Map<number, Set<number>>();
  let forward = false;
  let barrier = -1;
  for (const i of kept) {
    const f = facts[i] as Facts;
    const d = new Set<number>();
    const keys = [
      ...f.rels.map((q) => resolve('r:', q, f.path)),
      ...f.types.map((q) => resolve('t:', q, f.path)),
      ...(f.target ? [resolve('r:', f.target, f.path)] : []),
      ...f.fks.map((fk) => resolve('r:', fk.to, f.path)),
      ...f.schemas.map((s) => `s:${s}`),
    ];
    for (const k of keys) {
      const j = defined.get(k);
      if (j === undefined || j === i || skipped.has(j) || replaced.includes(j)) continue;
      d.add(j);
      if (j > i) forward = true;
    }
    const ast = statements[i]?.ast as Node;
    const isBarrier = 'VariableSetStmt' in ast || 'TransactionStmt' in ast;
    if (barrier >= 0) d.add(barrier);
    if (isBarrier) {
      for (const j of kept) if (j < i) d.add(j);
      barrier = i;
    }
    deps.set(i, d);
  }
  if (!forward) return null;
  const done = new Set<number>();
  const order: number[] = [];
  while (order.length < kept.length) {
    const next = kept.find((i) => !done.has(i) && [...(deps.get(i) ?? [])].every((j) => done.has(j)));
    // A cycle (two CREATE TABLEs referencing each other) cannot be ordered: keep the doc's order and let Postgres say why.
    const pick = next ?? kept.find((i) => !done.has(i));
    if (pick === undefined) break;
    done.add(pick);
    order.push(pick);
  }
  return order;
}

/** The stub SQL, applied before the doc's own. */
export function stubSql(plan: PartialPlan, doc: string): string {
  const lines = [
    `-- Stand-ins for what ${doc} uses but does not define, so its SQL applies; they are not reviewed.`,
    // A LANGUAGE sql function may read tables the doc leaves out, whose columns no stand-in has:
    // as in pg_dump output, bodies are checked when called, not when created.
    'SET check_function_bodies = off;',
  ];
  for (const s of plan.schemas) lines.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s)};`);
  for (const t of plan.stubs) {
    const parts = t.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`);
    t.keys.forEach((key, k) => {
      if (key.every((c) => t.columns.some((x) => x.name === c))) parts.push(`${k === 0 ? 'PRIMARY KEY' : 'UNIQUE'} (${key.map(quoteIdent).join(', ')})`);
    });
    lines.push(`CREATE TABLE IF NOT EXISTS ${quoteIdent(t.schema)}.${quoteIdent(t.name)} (${parts.join(', ')});`);
  }
  return `${lines.join('\n')}\n`;
}
