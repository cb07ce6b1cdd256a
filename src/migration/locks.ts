/**
 * Which lock each kind of DDL takes and whether it rewrites or scans the table, by PostgreSQL
 * major version. The rules quote this table in their findings, so it is the single source of truth
 * for "what does this statement do to a busy table".
 */
import type { Catalog } from '../catalog/model.js';
import { findTable } from '../catalog/helpers.js';
import {
  alterCmds, arr, findNodes, isNode, names, qualifiedName, rangeVar, stmtKind, str, type Node, type RelName,
} from './ast.js';

export type LockMode =
  | 'ACCESS SHARE' | 'ROW SHARE' | 'ROW EXCLUSIVE' | 'SHARE UPDATE EXCLUSIVE' | 'SHARE' | 'SHARE ROW EXCLUSIVE' | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE' | 'none';

export interface LockInfo {
  lock: LockMode;
  /** The table (and its indexes) is rewritten: time and disk grow with its size. */
  rewrites: boolean;
  /** The whole table is read while the lock is held (validation, index build). */
  scans: boolean;
  /** What blocks, for the reader. */
  note: string;
}

export type Operation =
  | 'create-index' | 'create-index-concurrently' | 'drop-index' | 'drop-index-concurrently' | 'reindex' | 'reindex-concurrently'
  | 'add-column' | 'add-column-constant-default' | 'add-column-volatile-default' | 'set-not-null' | 'set-not-null-with-check'
  | 'alter-column-type' | 'alter-column-type-coercible' | 'add-check' | 'add-check-not-valid' | 'add-foreign-key'
  | 'add-foreign-key-not-valid' | 'validate-constraint' | 'add-unique' | 'add-primary-key' | 'add-constraint-using-index'
  | 'drop-table' | 'drop-column' | 'rename' | 'truncate' | 'vacuum-full' | 'cluster' | 'alter-table-other' | 'alter-enum' | 'dml';

const BLOCKS_ALL = 'blocks every read and write of the table';
const BLOCKS_WRITES = 'blocks INSERT, UPDATE and DELETE; reads continue';
const BLOCKS_DDL = 'blocks other DDL and VACUUM only; reads and writes continue';

function info(lock: LockMode, rewrites: boolean, scans: boolean, note: string): LockInfo {
  return { lock, rewrites, scans, note };
}

/** Entries by the first major version they apply to; the latest entry ≤ the target version wins. */
export const LOCK_TABLE: Readonly<Record<Operation, ReadonlyArray<{ since: number; info: LockInfo }>>> = {
  'create-index': [{ since: 0, info: info('SHARE', false, true, `${BLOCKS_WRITES} while the index is built`) }],
  'create-index-concurrently': [{ since: 0, info: info('SHARE UPDATE EXCLUSIVE', false, true, `${BLOCKS_DDL}; two scans, cannot run in a transaction block`) }],
  'drop-index': [{ since: 0, info: info('ACCESS EXCLUSIVE', false, false, `${BLOCKS_ALL} until the drop commits`) }],
  'drop-index-concurrently': [{ since: 0, info: info('SHARE UPDATE EXCLUSIVE', false, false, `${BLOCKS_DDL}; cannot run in a transaction block`) }],
  reindex: [{ since: 0, info: info('SHARE', false, true, `${BLOCKS_WRITES}; reads using the index wait`) }],
  'reindex-concurrently': [
    { since: 0, info: info('SHARE', false, true, `${BLOCKS_WRITES}; REINDEX CONCURRENTLY needs PostgreSQL 12`) },
    { since: 12, info: info('SHARE UPDATE EXCLUSIVE', false, true, `${BLOCKS_DDL}; cannot run in a transaction block`) },
  ],
  'add-column': [{ since: 0, info: info('ACCESS EXCLUSIVE', false, false, `${BLOCKS_ALL}, briefly (catalog-only change)`) }],
  'add-column-constant-default': [
    { since: 0, info: info('ACCESS EXCLUSIVE', true, false, `${BLOCKS_ALL} while every row is rewritten (before PostgreSQL 11 a default is written into each row)`) },
    { since: 11, info: info('ACCESS EXCLUSIVE', false, false, `${BLOCKS_ALL}, briefly: since PostgreSQL 11 a constant default is stored in the catalog`) },
  ],
  'add-column-volatile-default': [{ since: 0, info: info('ACCESS EXCLUSIVE', true, false, `${BLOCKS_ALL} while every row is rewritten with its own default value`) }],
  'set-not-null': [{ since: 0, info: info('ACCESS EXCLUSIVE', false, true, `${BLOCKS_ALL} while every row is checked for NULL`) }],
  'set-not-null-with-check': [
    { since: 0, info: info('ACCESS EXCLUSIVE', false, true, `${BLOCKS_ALL} while every row is checked (PostgreSQL < 12 ignores a CHECK (col IS NOT NULL))`) },
    { since: 12, info: info('ACCESS EXCLUSIVE', false, false, `${BLOCKS_ALL}, briefly: a validated CHECK (col IS NOT NULL) proves it without a scan`) },
  ],
  'alter-column-type': [{ since: 0, info: info('ACCESS EXCLUSIVE', true, false, `${BLOCKS_ALL} while the table is rewritten and its indexes rebuilt`) }],
  'alter-column-type-coercible': [{ since: 0, info: info('ACCESS EXCLUSIVE', false, false, `${BLOCKS_ALL}, briefly (binary-coercible: no rewrite)`) }],
  'add-check': [{ since: 0, info: info('ACCESS EXCLUSIVE', false, true, `${BLOCKS_ALL} while every row is validated`) }],
  'add-check-not-valid': [{ since: 0, info: info('ACCESS EXCLUSIVE', false, false, `${BLOCKS_ALL}, briefly (existing rows are not checked)`) }],
  'add-foreign-key': [{ since: 0, info: info('SHARE ROW EXCLUSIVE', false, true, `${BLOCKS_WRITES} on both tables while every row is validated`) }],
  'add-foreign-key-not-valid': [{ since: 0, info: info('SHARE ROW EXCLUSIVE', false, false, `${BLOCKS_WRITES} on both tables, briefly`) }],
  'validate-constraint': [{ since: 0, info: info('SHARE UPDATE EXCLUSIVE', false, true, BLOCKS_DDL) }],
  'add-unique': [{ since: 0, info: info('ACCESS EXCLUSIVE', false, true, `${BLOCKS_ALL} while the unique index is built`) }],
  'add-primary-key': [{ since: 0, info: info('ACCESS EXCLUSIVE', false, true, `${BLOCKS_ALL} while the index is built (and NOT NULL checked)`) }],
  'add-constraint-using-index': [{ since: 0, info: info('ACCESS EXCLUSIVE', false, false, `${BLOCKS_ALL}, briefly (the index already exists)`) }],
  'drop-table': [{ since: 0, info: info('ACCESS EXCLUSIVE', false, false, BLOCKS_ALL) }],
  'drop-column': [{ since: 0, info: info('ACCESS EXCLUSIVE', false, false, `${BLOCKS_ALL}, briefly (the column is only marked dropped)`) }],
  rename: [{ since: 0, info: info('ACCESS EXCLUSIVE', false, false, `${BLOCKS_ALL}, briefly`) }],
  truncate: [{ since: 0, info: info('ACCESS EXCLUSIVE', false, false, BLOCKS_ALL) }],
  'vacuum-full': [{ since: 0, info: info('ACCESS EXCLUSIVE', true, false, `${BLOCKS_ALL} while the table is copied`) }],
  cluster: [{ since: 0, info: info('ACCESS EXCLUSIVE', true, false, `${BLOCKS_ALL} while the table is copied in index order`) }],
  'alter-table-other': [{ since: 0, info: info('ACCESS EXCLUSIVE', false, false, `${BLOCKS_ALL}, briefly`) }],
  'alter-enum': [
    { since: 0, info: info('none', false, false, 'ALTER TYPE … ADD VALUE cannot run in a transaction block before PostgreSQL 12') },
    { since: 12, info: info('none', false, false, 'a value added in a transaction cannot be used until it commits') },
  ],
  dml: [{ since: 0, info: info('ROW EXCLUSIVE', false, false, 'row locks on every row changed; blocks concurrent writers of those rows') }],
};

/** The lock an operation takes on the target major version. */
export function lockFor(op: Operation, pgVersion: number): LockInfo {
  const entries = LOCK_TABLE[op];
  let pick = entries[0] as { since: number; info: LockInfo };
  for (const e of entries) if (e.since <= pgVersion) pick = e;
  return pick.info;
}

/** Functions whose value differs per row: a default calling one is evaluated for every existing row. */
const VOLATILE_FUNCTIONS = new Set([
  'random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'uuidv4', 'uuidv7', 'nextval',
  'clock_timestamp', 'timeofday', 'statement_timestamp', 'txid_current', 'gen_random_bytes', 'random_normal', 'setseed',
]);

/** The default expression would be evaluated per row (volatile), so ADD COLUMN rewrites the table on every version. */
export function isVolatileDefault(expr: unknown, catalog: Catalog): boolean {
  for (const call of findNodes(expr, 'FuncCall')) {
    const fn = names(call.funcname);
    const name = (fn[fn.length - 1] ?? '').toLowerCase();
    if (VOLATILE_FUNCTIONS.has(name)) return true;
    const user = catalog.functions.find((f) => f.name === name && f.origin === 'user');
    if (user && user.volatility === 'volatile') return true;
  }
  return false;
}

/** The column definition's DEFAULT expression, identity or stored generation, as ADD COLUMN sees it. */
export function columnDefault(def: Node): { expr: unknown; identity: boolean; generated: boolean; notNull: boolean } {
  let expr: unknown;
  let identity = false;
  let generated = false;
  let notNull = false;
  for (const c of arr(def.constraints)) {
    if (!isNode(c) || !isNode(c.Constraint)) continue;
    const k = str(c.Constraint.contype);
    if (k === 'CONSTR_DEFAULT') expr = c.Constraint.raw_expr;
    else if (k === 'CONSTR_IDENTITY') identity = true;
    else if (k === 'CONSTR_GENERATED') generated = true;
    else if (k === 'CONSTR_NOTNULL' || k === 'CONSTR_PRIMARY') notNull = true;
  }
  if (isNode(def.raw_default)) expr = def.raw_default;
  // serial types are a nextval() default in disguise
  const typeNames = names(isNode(def.typeName) ? def.typeName.names : undefined);
  const last = (typeNames[typeNames.length - 1] ?? '').toLowerCase();
  if (['serial', 'bigserial', 'smallserial', 'serial4', 'serial8', 'serial2'].includes(last)) identity = true;
  return { expr, identity, generated, notNull };
}

/** The ADD COLUMN operation for a column definition. */
export function addColumnOperation(def: Node, catalog: Catalog): Operation {
  const d = columnDefault(def);
  if (d.identity || d.generated) return 'add-column-volatile-default';
  if (d.expr === undefined) return 'add-column';
  const nullConst = isNode(d.expr) && isNode(d.expr.A_Const) && d.expr.A_Const.isnull === true;
  if (nullConst) return 'add-column';
  return isVolatileDefault(d.expr, catalog) ? 'add-column-volatile-default' : 'add-column-constant-default';
}

export interface TableLock extends LockInfo {
  table: RelName;
  op: Operation;
}

function alterCmdOperation(cmd: Node, catalog: Catalog): Operation {
  const sub = str(cmd.subtype);
  switch (sub) {
    case 'AT_AddColumn':
      return isNode(cmd.def) && isNode(cmd.def.ColumnDef) ? addColumnOperation(cmd.def.ColumnDef, catalog) : 'add-column';
    case 'AT_SetNotNull': return 'set-not-null';
    case 'AT_AlterColumnType': return 'alter-column-type';
    case 'AT_DropColumn': return 'drop-column';
    case 'AT_ValidateConstraint': return 'validate-constraint';
    case 'AT_AddConstraint': {
      const c = isNode(cmd.def) && isNode(cmd.def.Constraint) ? cmd.def.Constraint : null;
      if (!c) return 'alter-table-other';
      const kind = str(c.contype);
      const notValid = c.skip_validation === true;
      if (kind === 'CONSTR_FOREIGN') return notValid ? 'add-foreign-key-not-valid' : 'add-foreign-key';
      if (kind === 'CONSTR_CHECK') return notValid ? 'add-check-not-valid' : 'add-check';
      if ((kind === 'CONSTR_UNIQUE' || kind === 'CONSTR_PRIMARY') && str(c.indexname)) return 'add-constraint-using-index';
      if (kind === 'CONSTR_UNIQUE') return 'add-unique';
      if (kind === 'CONSTR_PRIMARY') return 'add-primary-key';
      return 'alter-table-other';
    }
    default: return 'alter-table-other';
  }
}

/** The index `schema.name` (or `name` in public) and the table it is on, from the catalog before the drop. */
export function indexTable(catalog: Catalog, idx: RelName): RelName | null {
  for (const t of catalog.tables) {
    if (t.schema !== idx.schema) continue;
    if (t.indexes.some((i) => i.name === idx.name)) return { schema: t.schema, name: t.name };
  }
  return null;
}

/**
 * The table-level locks a statement takes, one per table and operation. `catalog` is the state
 * just before the statement (to find an index's table, a function's volatility).
 */
export function statementLocks(ast: unknown, pgVersion: number, catalog: Catalog): TableLock[] {
  const s = stmtKind(ast);
  if (!s) return [];
  const out: TableLock[] = [];
  const push = (table: RelName | null, op: Operation): void => {
    if (table) out.push({ table, op, ...lockFor(op, pgVersion) });
  };
  const b = s.body;
  switch (s.kind) {
    case 'IndexStmt':
      push(rangeVar(b.relation), b.concurrent === true ? 'create-index-concurrently' : 'create-index');
      break;
    case 'AlterTableStmt': {
      if (str(b.objtype) !== 'OBJECT_TABLE') break;
      const rel = rangeVar(b.relation);
      for (const cmd of alterCmds(b)) push(rel, alterCmdOperation(cmd, catalog));
      break;
    }
    case 'DropStmt': {
      const type = str(b.removeType);
      for (const o of arr(b.objects)) {
        const n = qualifiedName(isNode(o) && isNode(o.List) ? names(o.List.items) : []);
        if (!n) continue;
        if (type === 'OBJECT_TABLE') push(n, 'drop-table');
        else if (type === 'OBJECT_INDEX') push(indexTable(catalog, n), b.concurrent === true ? 'drop-index-concurrently' : 'drop-index');
      }
      break;
    }
    case 'RenameStmt': {
      const type = str(b.renameType);
      if (type === 'OBJECT_TABLE' || type === 'OBJECT_COLUMN' || type === 'OBJECT_TABCONSTRAINT') push(rangeVar(b.relation), 'rename');
      break;
    }
    case 'TruncateStmt':
      for (const r of arr(b.relations)) push(rangeVar(isNode(r) ? r.RangeVar : null), 'truncate');
      break;
    case 'VacuumStmt': {
      const full = arr(b.options).some((o) => isNode(o) && isNode(o.DefElem) && str(o.DefElem.defname) === 'full');
      if (!full) break;
      for (const r of arr(b.rels)) push(rangeVar(isNode(r) && isNode(r.VacuumRelation) ? r.VacuumRelation.relation : null), 'vacuum-full');
      break;
    }
    case 'ClusterStmt':
      push(rangeVar(b.relation), 'cluster');
      break;
    case 'ReindexStmt': {
      const concurrently = arr(b.params).some((o) => isNode(o) && isNode(o.DefElem) && str(o.DefElem.defname) === 'concurrently');
      const rel = rangeVar(b.relation);
      const table = str(b.kind) === 'REINDEX_OBJECT_INDEX' && rel ? indexTable(catalog, rel) : rel;
      push(table, concurrently ? 'reindex-concurrently' : 'reindex');
      break;
    }
    case 'InsertStmt': case 'UpdateStmt': case 'DeleteStmt':
      push(rangeVar(b.relation), 'dml');
      break;
    default:
      break;
  }
  // A lock on a missing table means the statement will fail anyway; the apply step reports that.
  return out.filter((l) => findTable(catalog, l.table.schema, l.table.name) !== undefined);
}
