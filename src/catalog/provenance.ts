/**
 * Provenance: which statement created each catalog object and which last altered it, read from
 * the statements' ASTs (no database needed) and then attached to an introspected Catalog.
 *
 * Objects are keyed the way Postgres resolves them: unqualified names go to the first schema of the
 * search_path in effect (tracked through SET search_path and set_config), RENAME moves a key,
 * DROP removes it. Constraints and indexes the user left unnamed are matched by table, type and
 * columns — and by the name Postgres would have chosen, so a later DROP or RENAME of that
 * generated name still finds them.
 */
import type {
  AlterTableStmt, ColumnDef, Constraint as PgConstraint, CreateStmt, IndexStmt, Node, ObjectType, RangeVar, RenameStmt,
} from 'libpg-query';
import type { Catalog, ConstraintType, Index, Location, ModelLocations, Provenance, Table } from './model.js';
import { nodeLocation } from '../sources/split.js';
import type { Statement } from '../sources/types.js';

export interface UnnamedConstraint {
  type: ConstraintType;
  columns: string[];
  /** The name Postgres generates for it (e.g. orders_customer_id_fkey). */
  name: string;
  provenance: Provenance;
}

export interface UnnamedIndex {
  /** Key columns in order; null for an expression key. */
  keys: Array<string | null>;
  name: string;
  provenance: Provenance;
}

export interface RelationRecord {
  kind: 'table' | 'view' | 'materialized view' | 'sequence' | 'index' | 'relation';
  provenance: Provenance;
  columns: Map<string, Provenance>;
  constraints: Map<string, Provenance>;
  unnamedConstraints: UnnamedConstraint[];
  unnamedIndexes: UnnamedIndex[];
  triggers: Map<string, Provenance>;
  policies: Map<string, Provenance>;
  /** For an index: the key of the relation it is on. */
  owner: string | null;
}

export interface ProvenanceIndex {
  /** Tables, views, materialized views, sequences and named indexes, by `key(schema, name)`. */
  relations: Map<string, RelationRecord>;
  /** Enums, domains and other types. */
  types: Map<string, Provenance>;
  /** Functions and procedures; overloads share one entry. */
  functions: Map<string, Provenance>;
  /** Extensions by name (they are database-wide, not schema-qualified). */
  extensions: Map<string, Provenance>;
}

/** Map key for a schema-qualified name. */
export function provenanceKey(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
}

function newRecord(kind: RelationRecord['kind'], owner: string | null = null): RelationRecord {
  return {
    kind, provenance: {}, columns: new Map(), constraints: new Map(), unnamedConstraints: [], unnamedIndexes: [],
    triggers: new Map(), policies: new Map(), owner,
  };
}

// ---- AST access ---------------------------------------------------------------------------------

function strings(nodes: Node[] | undefined): string[] {
  const out: string[] = [];
  for (const n of nodes ?? []) if ('String' in n && n.String.sval !== undefined) out.push(n.String.sval);
  return out;
}

function listItems(node: Node | undefined): string[] {
  if (!node) return [];
  if ('List' in node) return strings(node.List.items);
  if ('TypeName' in node) return strings(node.TypeName.names);
  if ('ObjectWithArgs' in node) return strings(node.ObjectWithArgs.objname);
  if ('String' in node) return node.String.sval !== undefined ? [node.String.sval] : [];
  return [];
}

/** Distinct column names referenced anywhere in an expression tree, in order of appearance. */
function referencedColumns(tree: unknown, out: string[] = []): string[] {
  if (Array.isArray(tree)) {
    for (const x of tree) referencedColumns(x, out);
  } else if (tree && typeof tree === 'object') {
    const ref = (tree as { ColumnRef?: { fields?: Node[] } }).ColumnRef;
    if (ref) {
      const name = strings(ref.fields).at(-1);
      if (name !== undefined && !out.includes(name)) out.push(name);
      return out;
    }
    for (const v of Object.values(tree)) if (v && typeof v === 'object') referencedColumns(v, out);
  }
  return out;
}

const RELATION_TYPES = new Set<ObjectType>(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE']);
const TYPE_TYPES = new Set<ObjectType>(['OBJECT_TYPE', 'OBJECT_DOMAIN']);
const FUNCTION_TYPES = new Set<ObjectType>(['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE', 'OBJECT_AGGREGATE']);
const COLUMN_ALTERATIONS = new Set<string>([
  'AT_AlterColumnType', 'AT_SetNotNull', 'AT_DropNotNull', 'AT_ColumnDefault', 'AT_AddIdentity', 'AT_SetIdentity', 'AT_DropIdentity',
  'AT_SetExpression', 'AT_DropExpression',
]);
const SKIPPED_PATH_ENTRIES = new Set(['$user', 'pg_catalog', 'pg_temp', '']);

// ---- Postgres's generated names (ChooseRelationName / ChooseConstraintName) --------------------

const MAX_NAME = 63;

function makeObjectName(name1: string, name2: string | null, label: string): string {
  let n1 = name1.length;
  let n2 = name2 ? name2.length : 0;
  const overhead = (name2 ? 1 : 0) + (label ? label.length + 1 : 0);
  const avail = MAX_NAME - overhead;
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  let name = name1.slice(0, n1);
  if (name2) name += `_${name2.slice(0, n2)}`;
  if (label) name += `_${label}`;
  return name;
}

function nameAddition(columns: Array<string | null>, expr = 'expr'): string {
  return columns.map((c) => c ?? expr).join('_').slice(0, MAX_NAME);
}

// ---- building ------------------------------------------------------------------------------------

class Builder {
  readonly index: ProvenanceIndex = { relations: new Map(), types: new Map(), functions: new Map(), extensions: new Map() };
  private searchPath: string[] = ['public'];
  /** Names taken per schema, so generated names get Postgres's numeric suffixes on collision. */
  private readonly taken = new Map<string, Set<string>>();
  private stmt!: Statement;
  private here!: Location;

  add(stmt: Statement): void {
    this.stmt = stmt;
    this.here = { file: stmt.file, line: stmt.line, column: stmt.column };
    this.node(stmt.ast as Node, null);
  }

  private creationSchema(): string {
    return this.searchPath.find((s) => !SKIPPED_PATH_ENTRIES.has(s)) ?? 'public';
  }

  /** Schema an unqualified name resolves to: the first on the path where we know the object. */
  private lookupSchema(name: string, map: Map<string, unknown>): string {
    for (const s of this.searchPath) if (map.has(provenanceKey(s, name))) return s;
    return this.creationSchema();
  }

  private relKey(rv: RangeVar | undefined, schema: string | null, creating = false): string | null {
    if (!rv?.relname) return null;
    const s = rv.schemaname ?? schema ?? (creating ? this.creationSchema() : this.lookupSchema(rv.relname, this.index.relations));
    return provenanceKey(s, rv.relname);
  }

  private nameKey(names: string[], map: Map<string, unknown>, schema: string | null = null): string | null {
    const name = names.at(-1);
    if (name === undefined) return null;
    const s = names.length >= 2 ? (names.at(-2) as string) : schema ?? this.lookupSchema(name, map);
    return provenanceKey(s, name);
  }

  private loc(location: number | undefined): Location {
    return nodeLocation(this.stmt, location);
  }

  private take(schema: string, name: string): void {
    let set = this.taken.get(schema);
    if (!set) this.taken.set(schema, (set = new Set()));
    set.add(name);
  }

  private release(schema: string, name: string): void {
    this.taken.get(schema)?.delete(name);
  }

  /** An index the user left unnamed, found by the name Postgres gave it. */
  private findUnnamedIndex(schema: string, name: string): { tableKey: string; rec: RelationRecord; entry: UnnamedIndex } | null {
    for (const [tableKey, rec] of this.index.relations) {
      if (splitKey(tableKey)[0] !== schema) continue;
      const entry = rec.unnamedIndexes.find((u) => u.name === name);
      if (entry) return { tableKey, rec, entry };
    }
    return null;
  }

  private chooseName(schema: string, name1: string, name2: string | null, label: string): string {
    const set = this.taken.get(schema);
    let name = makeObjectName(name1, name2, label);
    for (let pass = 1; set?.has(name); pass++) name = makeObjectName(name1, name2, `${label}${pass}`);
    this.take(schema, name);
    return name;
  }

  private relation(key: string, kind: RelationRecord['kind']): RelationRecord {
    let rec = this.index.relations.get(key);
    if (!rec) {
      rec = newRecord(kind);
      this.index.relations.set(key, rec);
    }
    return rec;
  }

  private node(node: Node | undefined, schema: string | null): void {
    if (!node) return;
    if ('CreateStmt' in node) this.createTable(node.CreateStmt, schema);
    else if ('AlterTableStmt' in node) this.alterTable(node.AlterTableStmt);
    else if ('IndexStmt' in node) this.createIndex(node.IndexStmt, schema);
    else if ('RenameStmt' in node) this.rename(node.RenameStmt);
    else if ('DropStmt' in node) this.drop(node.DropStmt.removeType, node.DropStmt.objects ?? []);
    else if ('ViewStmt' in node) {
      const key = this.relKey(node.ViewStmt.view, schema, true);
      if (key) this.created(key, 'view', node.ViewStmt.replace === true);
    } else if ('CreateTableAsStmt' in node) {
      const s = node.CreateTableAsStmt;
      const key = this.relKey(s.into?.rel, schema, true);
      if (key) this.created(key, s.objtype === 'OBJECT_MATVIEW' ? 'materialized view' : 'table', false, s.if_not_exists === true);
    } else if ('CreateSeqStmt' in node) {
      const key = this.relKey(node.CreateSeqStmt.sequence, schema, true);
      if (key) this.created(key, 'sequence', false, node.CreateSeqStmt.if_not_exists === true);
    } else if ('AlterSeqStmt' in node) {
      const key = this.relKey(node.AlterSeqStmt.sequence, null);
      if (key) this.relation(key, 'sequence').provenance.altered = this.here;
    } else if ('CreateExtensionStmt' in node) {
      const name = node.CreateExtensionStmt.extname;
      if (typeof name === 'string' && !(node.CreateExtensionStmt.if_not_exists === true && this.index.extensions.has(name))) {
        this.index.extensions.set(name, { created: this.here });
      }
    } else if ('AlterObjectSchemaStmt' in node && node.AlterObjectSchemaStmt.objectType === 'OBJECT_EXTENSION') {
      const obj = node.AlterObjectSchemaStmt.object as { String?: { sval?: string } } | undefined;
      const prov = obj?.String?.sval ? this.index.extensions.get(obj.String.sval) : undefined;
      if (prov) prov.altered = this.here;
    } else if ('CreateEnumStmt' in node) this.createType(strings(node.CreateEnumStmt.typeName), schema);
    else if ('CreateDomainStmt' in node) this.createType(strings(node.CreateDomainStmt.domainname), schema);
    else if ('CompositeTypeStmt' in node) {
      const rv = node.CompositeTypeStmt.typevar;
      if (rv?.relname) this.createType([...(rv.schemaname ? [rv.schemaname] : []), rv.relname], schema);
    } else if ('CreateRangeStmt' in node) this.createType(strings(node.CreateRangeStmt.typeName), schema);
    else if ('AlterEnumStmt' in node) this.alterType(strings(node.AlterEnumStmt.typeName));
    else if ('AlterDomainStmt' in node) this.alterType(strings(node.AlterDomainStmt.typeName));
    else if ('CreateFunctionStmt' in node) {
      const f = node.CreateFunctionStmt;
      const names = strings(f.funcname);
      const name = names.at(-1);
      if (name === undefined) return;
      const key = provenanceKey(names.length >= 2 ? (names.at(-2) as string) : schema ?? this.creationSchema(), name);
      const prev = this.index.functions.get(key);
      if (!prev) this.index.functions.set(key, { created: this.here });
      else if (f.replace) prev.altered = this.here;
    } else if ('AlterFunctionStmt' in node) {
      const key = this.nameKey(strings(node.AlterFunctionStmt.func?.objname), this.index.functions);
      const prev = key ? this.index.functions.get(key) : undefined;
      if (prev) prev.altered = this.here;
    } else if ('CreateTrigStmt' in node) {
      const t = node.CreateTrigStmt;
      const key = this.relKey(t.relation, null);
      if (key && t.trigname) this.member(this.relation(key, 'table').triggers, t.trigname, t.replace === true);
    } else if ('CreatePolicyStmt' in node) {
      const p = node.CreatePolicyStmt;
      const key = this.relKey(p.table, null);
      if (key && p.policy_name) this.member(this.relation(key, 'table').policies, p.policy_name, false);
    } else if ('AlterPolicyStmt' in node) {
      const p = node.AlterPolicyStmt;
      const key = this.relKey(p.table, null);
      const prev = key && p.policy_name ? this.index.relations.get(key)?.policies.get(p.policy_name) : undefined;
      if (prev) prev.altered = this.here;
    } else if ('CommentStmt' in node) this.comment(node.CommentStmt.objtype, node.CommentStmt.object);
    else if ('AlterObjectSchemaStmt' in node) {
      const s = node.AlterObjectSchemaStmt;
      if (s.newschema && s.objectType) this.setSchema(s.objectType, s.relation, s.object, s.newschema);
    } else if ('CreateSchemaStmt' in node) {
      const s = node.CreateSchemaStmt;
      for (const elt of s.schemaElts ?? []) this.node(elt, s.schemaname ?? null);
    } else if ('VariableSetStmt' in node) {
      const v = node.VariableSetStmt;
      if (v.kind === 'VAR_RESET_ALL' || (v.name === 'search_path' && (v.kind === 'VAR_SET_DEFAULT' || v.kind === 'VAR_RESET'))) this.searchPath = ['public'];
      else if (v.name === 'search_path' && v.kind === 'VAR_SET_VALUE') {
        const values: string[] = [];
        for (const a of v.args ?? []) {
          if ('A_Const' in a && a.A_Const.sval?.sval !== undefined) values.push(a.A_Const.sval.sval);
          else if ('String' in a && a.String.sval !== undefined) values.push(a.String.sval);
        }
        this.searchPath = values.length > 0 ? values : ['public'];
      }
    } else if ('SelectStmt' in node) this.setConfig(node);
  }

  private member(map: Map<string, Provenance>, name: string, replace: boolean): void {
    const prev = map.get(name);
    if (prev && replace) prev.altered = this.here;
    else map.set(name, { created: this.here });
  }

  /** pg_dump's `SELECT pg_catalog.set_config('search_path', '', false);` */
  private setConfig(node: Node): void {
    if (!('SelectStmt' in node)) return;
    for (const target of node.SelectStmt.targetList ?? []) {
      if (!('ResTarget' in target)) continue;
      const val = target.ResTarget.val;
      if (!val || !('FuncCall' in val) || strings(val.FuncCall.funcname).at(-1) !== 'set_config') continue;
      const [name, value] = (val.FuncCall.args ?? []).map((a) => ('A_Const' in a ? a.A_Const.sval?.sval : undefined));
      if (name !== 'search_path' || value === undefined) continue;
      const parts = value.split(',').map((p) => p.trim().replace(/^"(.*)"$/, '$1')).filter((p) => p !== '');
      this.searchPath = parts.length > 0 ? parts : ['public'];
    }
  }

  private created(key: string, kind: RelationRecord['kind'], replace: boolean, ifNotExists = false): RelationRecord {
    const prev = this.index.relations.get(key);
    if (prev && (ifNotExists || replace)) {
      if (replace) prev.provenance.altered = this.here;
      return prev;
    }
    const rec = newRecord(kind);
    rec.provenance.created = this.here;
    this.index.relations.set(key, rec);
    const [schema, name] = splitKey(key);
    this.take(schema, name);
    return rec;
  }

  private createTable(s: CreateStmt, schema: string | null): void {
    const key = this.relKey(s.relation, schema, true);
    if (!key) return;
    if (s.if_not_exists && this.index.relations.has(key)) return;
    const rec = this.created(key, 'table', false);
    const table = splitKey(key)[1];
    for (const elt of s.tableElts ?? []) {
      if ('ColumnDef' in elt) this.addColumn(key, rec, table, elt.ColumnDef);
      else if ('Constraint' in elt) this.addConstraint(key, rec, table, elt.Constraint, null);
    }
  }

  private addColumn(key: string, rec: RelationRecord, table: string, def: ColumnDef): void {
    if (!def.colname) return;
    rec.columns.set(def.colname, { created: this.loc(def.location) });
    for (const c of def.constraints ?? []) if ('Constraint' in c) this.addConstraint(key, rec, table, c.Constraint, def.colname);
  }

  private addConstraint(key: string, rec: RelationRecord, table: string, c: PgConstraint, column: string | null): void {
    const own = column ? [column] : [];
    let type: ConstraintType;
    let columns: string[];
    switch (c.contype) {
      case 'CONSTR_PRIMARY':
        type = 'primary key';
        columns = c.keys ? strings(c.keys) : own;
        break;
      case 'CONSTR_UNIQUE':
        type = 'unique';
        columns = c.keys ? strings(c.keys) : own;
        break;
      case 'CONSTR_FOREIGN':
        type = 'foreign key';
        columns = c.fk_attrs ? strings(c.fk_attrs) : own;
        break;
      case 'CONSTR_CHECK':
        type = 'check';
        columns = referencedColumns(c.raw_expr);
        if (columns.length === 0) columns = own;
        break;
      case 'CONSTR_EXCLUSION':
        type = 'exclusion';
        columns = [];
        for (const pair of c.exclusions ?? []) {
          const first = 'List' in pair ? pair.List.items?.[0] : undefined;
          if (first && 'IndexElem' in first && first.IndexElem.name) columns.push(first.IndexElem.name);
        }
        break;
      default:
        return;
    }
    const provenance: Provenance = { created: this.loc(c.location) };
    const schema = splitKey(key)[0];
    if (c.conname) {
      rec.constraints.set(c.conname, provenance);
      this.take(schema, c.conname);
      return;
    }
    let name: string;
    if (type === 'primary key') name = this.chooseName(schema, table, null, 'pkey');
    else if (type === 'unique') name = this.chooseName(schema, table, nameAddition(columns), 'key');
    else if (type === 'exclusion') name = this.chooseName(schema, table, nameAddition(columns), 'excl');
    else if (type === 'foreign key') name = this.chooseName(schema, table, nameAddition(columns), 'fkey');
    // Postgres names a CHECK after its column only when it references exactly one.
    else name = this.chooseName(schema, table, columns.length === 1 ? (columns[0] as string) : null, 'check');
    rec.unnamedConstraints.push({ type, columns, name, provenance });
  }

  private alterTable(s: AlterTableStmt): void {
    const key = this.relKey(s.relation, null);
    if (!key) return;
    if (s.objtype === 'OBJECT_INDEX' && !this.index.relations.has(key)) {
      const unnamed = this.findUnnamedIndex(...splitKey(key));
      if (unnamed) unnamed.entry.provenance.altered = this.here;
      return;
    }
    const kind: RelationRecord['kind'] = s.objtype === 'OBJECT_INDEX' ? 'index' : s.objtype === 'OBJECT_VIEW' ? 'view'
      : s.objtype === 'OBJECT_MATVIEW' ? 'materialized view' : s.objtype === 'OBJECT_SEQUENCE' ? 'sequence' : 'table';
    const rec = this.relation(key, kind);
    rec.provenance.altered = this.here;
    const table = splitKey(key)[1];
    for (const item of s.cmds ?? []) {
      if (!('AlterTableCmd' in item)) continue;
      const cmd = item.AlterTableCmd;
      const def = cmd.def;
      switch (cmd.subtype) {
        case 'AT_AddColumn':
        case 'AT_AddColumnToView':
          if (def && 'ColumnDef' in def) {
            if (cmd.missing_ok && def.ColumnDef.colname && rec.columns.has(def.ColumnDef.colname)) break;
            this.addColumn(key, rec, table, def.ColumnDef);
          }
          break;
        case 'AT_DropColumn':
          if (cmd.name) this.dropColumn(rec, cmd.name);
          break;
        case 'AT_AddConstraint':
          if (def && 'Constraint' in def) this.addConstraint(key, rec, table, def.Constraint, null);
          break;
        case 'AT_DropConstraint':
          if (cmd.name) {
            this.release(splitKey(key)[0], cmd.name);
            rec.constraints.delete(cmd.name);
            rec.unnamedConstraints = rec.unnamedConstraints.filter((u) => u.name !== cmd.name);
          }
          break;
        case 'AT_ValidateConstraint':
        case 'AT_AlterConstraint': {
          const name = cmd.name ?? (def && 'Constraint' in def ? def.Constraint.conname : undefined);
          const prev = name ? rec.constraints.get(name) ?? rec.unnamedConstraints.find((u) => u.name === name)?.provenance : undefined;
          if (prev) prev.altered = this.here;
          break;
        }
        default:
          if (cmd.subtype && COLUMN_ALTERATIONS.has(cmd.subtype) && cmd.name) {
            const at = def && 'ColumnDef' in def ? this.loc(def.ColumnDef.location) : this.here;
            const col = rec.columns.get(cmd.name);
            if (col) col.altered = at;
            else rec.columns.set(cmd.name, { altered: at });
          }
      }
    }
  }

  private dropColumn(rec: RelationRecord, column: string): void {
    rec.columns.delete(column);
    // Postgres drops single-table constraints and indexes that use the column along with it.
    rec.unnamedConstraints = rec.unnamedConstraints.filter((u) => !u.columns.includes(column));
    rec.unnamedIndexes = rec.unnamedIndexes.filter((u) => !u.keys.includes(column));
  }

  private createIndex(s: IndexStmt, schema: string | null): void {
    const tableKey = this.relKey(s.relation, schema);
    if (!tableKey) return;
    const [tableSchema, table] = splitKey(tableKey);
    const provenance: Provenance = { created: this.here };
    if (s.idxname) {
      const key = provenanceKey(tableSchema, s.idxname);
      if (s.if_not_exists && this.index.relations.has(key)) return;
      const rec = newRecord('index', tableKey);
      rec.provenance = provenance;
      this.index.relations.set(key, rec);
      this.take(tableSchema, s.idxname);
      return;
    }
    const keys: Array<string | null> = [];
    const forName: Array<string | null> = [];
    for (const p of [...(s.indexParams ?? []), ...(s.indexIncludingParams ?? [])]) {
      if (!('IndexElem' in p)) continue;
      const e = p.IndexElem;
      const expr = e.expr;
      const exprName = expr && 'FuncCall' in expr ? strings(expr.FuncCall.funcname).at(-1) ?? null : null;
      forName.push(e.indexcolname ?? e.name ?? exprName);
      if ((s.indexParams ?? []).includes(p)) keys.push(e.name ?? null);
    }
    const name = this.chooseName(tableSchema, table, nameAddition(forName), s.primary ? 'pkey' : s.isconstraint ? 'key' : 'idx');
    this.relation(tableKey, 'table').unnamedIndexes.push({ keys, name, provenance });
  }

  private rename(s: RenameStmt): void {
    const type = s.renameType;
    const newName = s.newname;
    if (!type || newName === undefined) return;
    if (RELATION_TYPES.has(type) && s.relation) {
      const key = this.relKey(s.relation, null);
      if (!key) return;
      const rec = this.index.relations.get(key);
      const [schema, oldName] = splitKey(key);
      const newKey = provenanceKey(schema, newName);
      if (!rec) {
        // ALTER INDEX on a name Postgres generated: from now on the index is known by name.
        const unnamed = this.findUnnamedIndex(schema, oldName);
        if (!unnamed) return;
        unnamed.rec.unnamedIndexes = unnamed.rec.unnamedIndexes.filter((u) => u !== unnamed.entry);
        const named = newRecord('index', unnamed.tableKey);
        named.provenance = { ...unnamed.entry.provenance, altered: this.here };
        this.index.relations.set(newKey, named);
        this.release(schema, oldName);
        this.take(schema, newName);
        return;
      }
      this.moveRelation(key, newKey);
      rec.provenance.altered = this.here;
      return;
    }
    if (type === 'OBJECT_COLUMN' || type === 'OBJECT_TABCONSTRAINT' || type === 'OBJECT_TRIGGER' || type === 'OBJECT_POLICY') {
      const key = this.relKey(s.relation, null);
      const rec = key ? this.index.relations.get(key) : undefined;
      const old = s.subname;
      if (!rec || old === undefined) return;
      if (type === 'OBJECT_COLUMN') {
        moveEntry(rec.columns, old, newName, this.here);
        for (const u of rec.unnamedConstraints) u.columns = u.columns.map((c) => (c === old ? newName : c));
        for (const u of rec.unnamedIndexes) u.keys = u.keys.map((c) => (c === old ? newName : c));
        rec.provenance.altered = this.here;
      } else if (type === 'OBJECT_TABCONSTRAINT') {
        if (rec.constraints.has(old)) moveEntry(rec.constraints, old, newName, this.here);
        else {
          const u = rec.unnamedConstraints.find((x) => x.name === old);
          if (u) {
            rec.unnamedConstraints = rec.unnamedConstraints.filter((x) => x !== u);
            rec.constraints.set(newName, { ...u.provenance, altered: this.here });
          }
        }
      } else moveEntry(type === 'OBJECT_TRIGGER' ? rec.triggers : rec.policies, old, newName, this.here);
      return;
    }
    if (TYPE_TYPES.has(type) || FUNCTION_TYPES.has(type)) {
      const map = TYPE_TYPES.has(type) ? this.index.types : this.index.functions;
      const key = this.nameKey(listItems(s.object), map);
      if (!key) return;
      const prev = map.get(key);
      if (!prev) return;
      map.delete(key);
      map.set(provenanceKey(splitKey(key)[0], newName), { ...prev, altered: this.here });
      return;
    }
    if (type === 'OBJECT_SCHEMA' && s.subname) this.renameSchema(s.subname, newName);
  }

  private moveRelation(key: string, newKey: string): void {
    const rec = this.index.relations.get(key);
    if (!rec) return;
    this.index.relations.delete(key);
    this.index.relations.set(newKey, rec);
    this.release(...splitKey(key));
    this.take(...splitKey(newKey));
    for (const other of this.index.relations.values()) if (other.owner === key) other.owner = newKey;
  }

  private renameSchema(from: string, to: string): void {
    const rekey = (key: string): string => {
      const [s, n] = splitKey(key);
      return s === from ? provenanceKey(to, n) : key;
    };
    for (const map of [this.index.relations, this.index.types, this.index.functions] as Array<Map<string, unknown>>) {
      for (const key of [...map.keys()]) {
        const next = rekey(key);
        if (next !== key) {
          map.set(next, map.get(key));
          map.delete(key);
        }
      }
    }
    for (const rec of this.index.relations.values()) if (rec.owner) rec.owner = rekey(rec.owner);
    this.searchPath = this.searchPath.map((s) => (s === from ? to : s));
  }

  private setSchema(type: ObjectType, relation: RangeVar | undefined, object: Node | undefined, newSchema: string): void {
    if (RELATION_TYPES.has(type) && relation) {
      const key = this.relKey(relation, null);
      const rec = key ? this.index.relations.get(key) : undefined;
      if (!key || !rec) return;
      const newKey = provenanceKey(newSchema, splitKey(key)[1]);
      this.moveRelation(key, newKey);
      rec.provenance.altered = this.here;
      // A table's indexes move with it.
      for (const [k, r] of [...this.index.relations]) {
        if (r.owner === newKey) this.moveRelation(k, provenanceKey(newSchema, splitKey(k)[1]));
      }
      return;
    }
    const map = TYPE_TYPES.has(type) ? this.index.types : FUNCTION_TYPES.has(type) ? this.index.functions : null;
    if (!map) return;
    const key = this.nameKey(listItems(object), map);
    const prev = key ? map.get(key) : undefined;
    if (!key || !prev) return;
    map.delete(key);
    map.set(provenanceKey(newSchema, splitKey(key)[1]), { ...prev, altered: this.here });
  }

  private drop(type: ObjectType | undefined, objects: Node[]): void {
    if (!type) return;
    for (const obj of objects) {
      const names = listItems(obj);
      if (RELATION_TYPES.has(type)) {
        const key = this.nameKey(names, this.index.relations);
        if (!key) continue;
        const [schema, name] = splitKey(key);
        const rec = this.index.relations.get(key);
        if (!rec) {
          const unnamed = type === 'OBJECT_INDEX' ? this.findUnnamedIndex(schema, name) : null;
          if (unnamed) unnamed.rec.unnamedIndexes = unnamed.rec.unnamedIndexes.filter((u) => u !== unnamed.entry);
          this.release(schema, name);
          continue;
        }
        this.index.relations.delete(key);
        this.release(schema, name);
        for (const n of [...rec.constraints.keys(), ...rec.unnamedConstraints.map((u) => u.name), ...rec.unnamedIndexes.map((u) => u.name)]) this.release(schema, n);
        for (const [k, r] of [...this.index.relations]) {
          if (r.owner !== key) continue;
          this.index.relations.delete(k);
          this.release(...splitKey(k));
        }
      } else if (TYPE_TYPES.has(type)) {
        const key = this.nameKey(names, this.index.types);
        if (key) this.index.types.delete(key);
      } else if (FUNCTION_TYPES.has(type)) {
        const key = this.nameKey(names, this.index.functions);
        if (key) this.index.functions.delete(key);
      } else if (type === 'OBJECT_TRIGGER' || type === 'OBJECT_POLICY') {
        const member = names.at(-1);
        const key = this.nameKey(names.slice(0, -1), this.index.relations);
        const rec = key ? this.index.relations.get(key) : undefined;
        if (rec && member !== undefined) (type === 'OBJECT_TRIGGER' ? rec.triggers : rec.policies).delete(member);
      } else if (type === 'OBJECT_SCHEMA') {
        const schema = names[0];
        if (schema === undefined) continue;
        for (const map of [this.index.relations, this.index.types, this.index.functions] as Array<Map<string, unknown>>) {
          for (const key of [...map.keys()]) if (splitKey(key)[0] === schema) map.delete(key);
        }
      }
    }
  }

  private comment(type: ObjectType | undefined, object: Node | undefined): void {
    if (!type) return;
    const names = listItems(object);
    if (RELATION_TYPES.has(type)) {
      const key = this.nameKey(names, this.index.relations);
      const rec = key ? this.index.relations.get(key) : undefined;
      if (rec) rec.provenance.altered = this.here;
    } else if (TYPE_TYPES.has(type) || FUNCTION_TYPES.has(type)) {
      const map = TYPE_TYPES.has(type) ? this.index.types : this.index.functions;
      const key = this.nameKey(names, map);
      const prev = key ? map.get(key) : undefined;
      if (prev) prev.altered = this.here;
    } else if (type === 'OBJECT_TRIGGER' || type === 'OBJECT_POLICY' || type === 'OBJECT_TABCONSTRAINT') {
      const key = this.nameKey(names.slice(0, -1), this.index.relations);
      const rec = key ? this.index.relations.get(key) : undefined;
      const member = names.at(-1);
      if (!rec || member === undefined) return;
      const map = type === 'OBJECT_TRIGGER' ? rec.triggers : type === 'OBJECT_POLICY' ? rec.policies : rec.constraints;
      const prev = map.get(member) ?? (type === 'OBJECT_TABCONSTRAINT' ? rec.unnamedConstraints.find((u) => u.name === member)?.provenance : undefined);
      if (prev) prev.altered = this.here;
    }
    // COMMENT ON COLUMN is deliberately not an alteration: column findings point at `altered`
    // first (where a type or default changed), and a comment is never what they are about.
  }

  private createType(names: string[], schema: string | null): void {
    const name = names.at(-1);
    if (name === undefined) return;
    const key = provenanceKey(names.length >= 2 ? (names.at(-2) as string) : schema ?? this.creationSchema(), name);
    this.index.types.set(key, { created: this.here });
  }

  private alterType(names: string[]): void {
    const key = this.nameKey(names, this.index.types);
    if (!key) return;
    const prev = this.index.types.get(key);
    if (prev) prev.altered = this.here;
    else this.index.types.set(key, { altered: this.here });
  }
}

function moveEntry(map: Map<string, Provenance>, from: string, to: string, here: Location): void {
  const prev = map.get(from);
  if (!prev) return;
  map.delete(from);
  map.set(to, { ...prev, altered: here });
}

/** Replays the statements' DDL over names only, recording where each object was created and altered. */
export function buildProvenanceIndex(statements: Statement[]): ProvenanceIndex {
  const builder = new Builder();
  for (const s of statements) builder.add(s);
  return builder.index;
}

// ---- applying ------------------------------------------------------------------------------------

function copy(p: Provenance): Provenance {
  const out: Provenance = {};
  if (p.created) out.created = p.created;
  if (p.altered) out.altered = p.altered;
  return out;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function applyIndexes(indexes: Index[], rec: RelationRecord | undefined, constraints: Table['constraints'], index: ProvenanceIndex): void {
  const used = new Set<UnnamedIndex>();
  const pending: Index[] = [];
  for (const i of indexes) {
    if (i.constraint) {
      const c = constraints.find((x) => x.name === i.constraint);
      if (c && (c.provenance.created || c.provenance.altered)) i.provenance = copy(c.provenance);
      continue;
    }
    const named = index.relations.get(provenanceKey(i.schema, i.name));
    if (named && named.kind === 'index') {
      i.provenance = copy(named.provenance);
      continue;
    }
    const byName = rec?.unnamedIndexes.find((u) => !used.has(u) && u.name === i.name);
    if (byName) {
      used.add(byName);
      i.provenance = copy(byName.provenance);
    } else pending.push(i);
  }
  for (const i of pending) {
    const keys = i.keys.map((k) => k.column);
    const match = rec?.unnamedIndexes.find((u) => !used.has(u) && u.keys.length === keys.length && u.keys.every((k, n) => k === keys[n]));
    if (match) {
      used.add(match);
      i.provenance = copy(match.provenance);
    }
  }
}

/** Sets the `provenance` of every catalog object the statements created or altered. */
export function applyProvenance(catalog: Catalog, index: ProvenanceIndex): void {
  for (const table of catalog.tables) {
    const rec = index.relations.get(provenanceKey(table.schema, table.name));
    if (rec) {
      table.provenance = copy(rec.provenance);
      for (const col of table.columns) {
        const p = rec.columns.get(col.name);
        if (p) col.provenance = copy(p);
      }
      const used = new Set<UnnamedConstraint>();
      const pending: Table['constraints'] = [];
      for (const c of table.constraints) {
        const named = rec.constraints.get(c.name);
        const generated = named ? undefined : rec.unnamedConstraints.find((u) => !used.has(u) && u.name === c.name);
        if (generated) used.add(generated);
        const p = named ?? generated?.provenance;
        if (p) c.provenance = copy(p);
        else pending.push(c);
      }
      // Names can differ from the ones predicted (collisions, truncation): fall back to the shape.
      for (const c of [...pending].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const u = rec.unnamedConstraints.find((x) => !used.has(x) && x.type === c.type && sameSet(x.columns, c.columns));
        if (u) {
          used.add(u);
          c.provenance = copy(u.provenance);
        }
      }
      for (const t of table.triggers) {
        const p = rec.triggers.get(t.name);
        if (p) t.provenance = copy(p);
      }
      for (const p of table.policies) {
        const q = rec.policies.get(p.name);
        if (q) p.provenance = copy(q);
      }
    }
    applyIndexes(table.indexes, rec, table.constraints, index);
  }
  for (const view of catalog.views) {
    const rec = index.relations.get(provenanceKey(view.schema, view.name));
    if (rec) view.provenance = copy(rec.provenance);
    applyIndexes(view.indexes, rec, [], index);
  }
  for (const e of catalog.enums) {
    const p = index.types.get(provenanceKey(e.schema, e.name));
    if (p) e.provenance = copy(p);
  }
  for (const d of catalog.domains) {
    const p = index.types.get(provenanceKey(d.schema, d.name));
    if (p) d.provenance = copy(p);
  }
  for (const f of catalog.functions) {
    const p = index.functions.get(provenanceKey(f.schema, f.name));
    if (p) f.provenance = copy(p);
  }
  for (const e of catalog.extensions) {
    const p = index.extensions.get(e.name);
    if (p) e.provenance = copy(p);
  }
  for (const s of catalog.sequences) {
    const rec = index.relations.get(provenanceKey(s.schema, s.name));
    if (rec) s.provenance = copy(rec.provenance);
    else if (s.ownedBy) {
      // serial / identity sequences come from their column's definition.
      const col = index.relations.get(provenanceKey(s.schema, s.ownedBy.table))?.columns.get(s.ownedBy.column);
      if (col?.created) s.provenance = { created: col.created };
    }
  }
}

/**
 * Generated sources (Prisma, Drizzle, DBML): the DDL is ours, the model is the user's. Point tables,
 * columns, constraints and indexes at the model/field lines the user wrote; a constraint or index
 * the user did not name points at its first column's field.
 */
export function applyModelLocations(catalog: Catalog, locations: ModelLocations): void {
  for (const t of catalog.tables) {
    const m = locations.tables[`${t.schema}.${t.name}`];
    if (!m) continue;
    t.provenance = { created: m.location };
    for (const c of t.columns) {
      const f = m.columns[c.name];
      c.provenance = { created: f ? f.location : m.location };
    }
    const fieldOf = (cols: string[]) => (cols[0] !== undefined ? m.columns[cols[0]]?.location : undefined);
    for (const k of t.constraints) {
      const at = m.constraints?.[k.name] ?? m.indexes?.[k.name] ?? (k.type === 'primary key' ? undefined : fieldOf(k.columns)) ?? m.location;
      k.provenance = { created: at };
    }
    for (const i of t.indexes) {
      const keyCols = i.keys.map((x) => x.column).filter((x): x is string => x !== null);
      const at = m.indexes?.[i.name] ?? m.constraints?.[i.constraint ?? ''] ?? (i.primary ? undefined : fieldOf(keyCols)) ?? m.location;
      i.provenance = { created: at };
    }
  }
}
