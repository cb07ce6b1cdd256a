/**
 * SQL that takes head back to base, generated from the catalog diff. Undoing happens in two
 * passes: first remove what head added (policies, triggers and views before the FKs, indexes,
 * tables and columns they hang on), then re-create what head removed from base's own definitions
 * (types and functions before tables, tables before FKs, indexes, views, triggers, policies).
 * Steps that cannot bring back data are marked irreversible with the reason.
 */
import { describeRef, qualify, quoteIdent, quoteLiteral } from '../catalog/helpers.js';
import type { Catalog, Column, Constraint, EnumType, FunctionInfo, Index, Table, View } from '../catalog/model.js';
import {
  addConstraintSql, canRecreateFunction, columnDefinition, commentSql, createEnumSql, createFunctionSql, createIndexSql,
  createPolicySql, createSequenceSql, createTableSql, createTriggerSql, createViewSql, dropConstraintSql, dropFunctionSql,
  dropIndexSql, dropPolicySql, dropTriggerSql, dropViewSql, serialSequence, tableExtrasSql, tableName,
} from './ddl.js';
import { Collector, diffEntries, diffTableContents, likelyRenames, type DiffEntry } from './diff.js';
import type { CatalogChange, RollbackPlan, RollbackStep } from './types.js';

const k2 = (a: string, b: string): string => `${a}\u0000${b}`;

interface Draft extends RollbackStep { phase: number }

/** Phases, in the order the script runs them. */
const P = {
  renameTable: 0, renameColumn: 1,
  dropPolicy: 10, dropTrigger: 11, dropView: 12, dropFk: 13, dropIndex: 14, dropConstraint: 15, dropTable: 16, dropColumn: 17,
  dropFunction: 18, dropSequence: 19, dropEnum: 20, dropExtension: 21, dropSchema: 22,
  createSchema: 30, createExtension: 31, createEnum: 32, sequence: 34, function: 35, createTable: 36, column: 37, enumValues: 38,
  constraint: 39, fk: 40, index: 41, view: 42, trigger: 44, policy: 45, tableAttrs: 46,
} as const;

function topo<T>(items: T[], id: (x: T) => string, deps: (x: T) => string[]): T[] {
  const byId = new Map(items.map((x) => [id(x), x]));
  const done = new Set<string>();
  const out: T[] = [];
  const visit = (x: T, path: Set<string>): void => {
    const k = id(x);
    if (done.has(k) || path.has(k)) return;
    path.add(k);
    for (const d of deps(x)) { const y = byId.get(d); if (y) visit(y, path); }
    done.add(k);
    out.push(x);
  };
  for (const x of items) visit(x, new Set());
  return out;
}

/** The table a constraint or FK hangs on depends on these tables (FK targets, partition parents, inheritance parents). */
function tableDeps(t: Table): string[] {
  return [
    ...t.constraints.filter((c) => c.references).map((c) => k2(c.references?.schema ?? '', c.references?.table ?? '')),
    ...(t.partitionOf ? [k2(t.partitionOf.schema, t.partitionOf.table)] : []),
    ...t.inherits.map((p) => k2(p.schema, p.table)),
  ].filter((d) => d !== k2(t.schema, t.name));
}

const WIDER: Record<string, number> = { int2: 1, int4: 2, int8: 3, numeric: 4 };

/** Going from `from` to `to` keeps every value (so the step loses nothing and cannot fail). */
export function isWidening(from: Column, to: Column): boolean {
  if (from.isArray !== to.isArray) return false;
  const f = from.typeName;
  const t = to.typeName;
  if (WIDER[f] !== undefined && WIDER[t] !== undefined) {
    if (f === 'numeric' && t === 'numeric') return to.typeModifier === null || (from.typeModifier !== null && to.typeModifier >= from.typeModifier && to.type.endsWith(from.type.replace(/^numeric\(\d+/, '')));
    return (WIDER[t] as number) >= (WIDER[f] as number) && !(t === 'numeric' && to.typeModifier !== null);
  }
  if (f === 'float4' && t === 'float8') return true;
  if (t === 'text' && (from.typeCategory === 'S' || from.typeCategory === 'N' || from.typeCategory === 'E' || from.typeCategory === 'D' || from.typeCategory === 'B')) return true;
  if ((f === 'varchar' || f === 'bpchar') && t === 'varchar') return to.typeModifier === null || (from.typeModifier !== null && to.typeModifier >= from.typeModifier);
  if (f === 'timestamp' && t === 'timestamptz') return true;
  if (f === t && from.typeModifier === to.typeModifier) return true;
  return false;
}

/** A USING clause when Postgres has no assignment cast between the two types. */
function usingClause(column: string, from: Column, to: Column): string {
  const sameFamily = from.typeCategory === to.typeCategory && ['N', 'S', 'D', 'B'].includes(from.typeCategory) && from.isArray === to.isArray;
  if (sameFamily) return '';
  const viaText = from.typeCategory === 'E' || to.typeCategory === 'E' || (from.typeCategory !== 'S' && to.typeCategory !== 'S');
  return ` USING ${quoteIdent(column)}${viaText ? (from.isArray ? '::text[]' : '::text') : ''}::${to.type}`;
}

export function rollbackSql(base: Catalog, head: Catalog): RollbackPlan {
  const entries = diffEntries(base, head);
  const changes = entries.map((e) => e.change);
  const renames = likelyRenames(changes, base, head);
  const drafts: Draft[] = [];
  const add = (phase: number, change: CatalogChange, sql: string[], irreversible = false, note?: string): void => {
    drafts.push({ phase, change, sql: sql.join('\n'), irreversible, ...(note ? { note } : {}) });
  };

  const baseTable = (schema: string, name: string): Table | undefined => base.tables.find((t) => t.schema === schema && t.name === name);
  const headTable = (schema: string, name: string): Table | undefined => head.tables.find((t) => t.schema === schema && t.name === name);

  // Renamed tables go back first, so every later statement can name tables as base does.
  const tableRenames = renames.filter((r) => r.kind === 'table');
  const renamedHead = new Map<string, string>(); // head name → base name
  const skip = new Set<CatalogChange>();
  const pairEntries: DiffEntry[] = [];
  for (const r of tableRenames) {
    const bt = baseTable(r.schema, r.from);
    const ht = headTable(r.schema, r.to);
    if (!bt || !ht) continue;
    renamedHead.set(k2(r.schema, r.to), r.from);
    const created = changes.find((c) => c.action === 'created' && c.object.kind === 'table' && c.object.schema === r.schema && c.object.name === r.to);
    const dropped = changes.find((c) => c.action === 'dropped' && c.object.kind === 'table' && c.object.schema === r.schema && c.object.name === r.from);
    if (created) skip.add(created);
    if (dropped) skip.add(dropped);
    add(P.renameTable, created ?? { action: 'altered', object: { kind: 'table', schema: r.schema, name: r.to }, detail: `renamed ${r.from} → ${r.to}` },
      [`ALTER TABLE ${qualify(r.schema, r.to)} RENAME TO ${quoteIdent(r.from)};`], false,
      `${r.to} is treated as ${r.from} renamed (same columns); if it was not a rename, drop ${r.to} and re-create ${r.from} instead`);
    const inner = new Collector();
    diffTableContents(bt, ht, inner);
    pairEntries.push(...inner.entries.map(({ seq: _s, ...e }) => e));
  }
  const baseNameOf = (schema: string | undefined, table: string | undefined): string => renamedHead.get(k2(schema ?? '', table ?? '')) ?? table ?? '';
  const onBase = <T extends { schema: string; table: string }>(x: T): T => ({ ...x, table: baseNameOf(x.schema, x.table) });
  const tref = (schema: string | undefined, table: string | undefined): { schema: string; name: string } => ({ schema: schema ?? 'public', name: baseNameOf(schema, table) });

  // Column renames: one dropped and one created column of one type in one table.
  const columnRenames = new Map<string, string>(); // schema\0table\0headName → baseName
  for (const r of renames.filter((x) => x.kind === 'column' && x.confident)) {
    const created = changes.find((c) => c.action === 'created' && c.object.kind === 'column' && c.object.schema === r.schema && c.object.table === r.table && c.object.name === r.to);
    const dropped = changes.find((c) => c.action === 'dropped' && c.object.kind === 'column' && c.object.schema === r.schema && c.object.table === r.table && c.object.name === r.from);
    const bt = baseTable(r.schema, r.table);
    const ht = headTable(r.schema, r.table);
    const bc = bt?.columns.find((c) => c.name === r.from);
    const hc = ht?.columns.find((c) => c.name === r.to);
    if (!created || !dropped || !bt || !bc || !hc) continue;
    skip.add(created);
    skip.add(dropped);
    columnRenames.set(`${k2(r.schema, r.table)}\u0000${r.to}`, r.from);
    add(P.renameColumn, created, [`ALTER TABLE ${tableName(bt)} RENAME COLUMN ${quoteIdent(r.to)} TO ${quoteIdent(r.from)};`], false,
      `${r.to} is treated as ${r.from} renamed (same type ${r.type}, same position); if it was not a rename, drop ${r.to} and re-add ${r.from} instead`);
    alterColumnBack(bt, hc, bc, created, add);
  }

  const all = [...entries.filter((e) => !skip.has(e.change)), ...pairEntries];
  const handledEnums = new Set<string>();
  const createdTables: Table[] = [];
  const droppedTables: Table[] = [];
  const columnDone = new Set<string>();

  for (const e of all) {
    const c = e.change;
    const o = c.object;
    switch (o.kind) {
      case 'schema':
        if (c.action === 'created') add(P.dropSchema, c, [`DROP SCHEMA ${quoteIdent(o.name ?? '')};`]);
        else if (c.action === 'dropped') add(P.createSchema, c, [`CREATE SCHEMA ${quoteIdent(o.name ?? '')};`]);
        else add(P.tableAttrs, c, [commentSql(`SCHEMA ${quoteIdent(o.name ?? '')}`, base.schemas.find((s) => s.name === o.name)?.comment ?? null)]);
        break;
      case 'extension': {
        const be = base.extensions.find((x) => x.name === o.name);
        if (c.action === 'created') add(P.dropExtension, c, [`DROP EXTENSION ${quoteIdent(o.name ?? '')};`]);
        else if (c.action === 'dropped') add(P.createExtension, c, [`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(o.name ?? '')} WITH SCHEMA ${quoteIdent(be?.schema ?? 'public')};`]);
        else if (e.aspect === 'version' && be) add(P.createExtension, c, [`ALTER EXTENSION ${quoteIdent(be.name)} UPDATE TO ${quoteLiteral(be.version)};`], false, 'fails when the extension ships no downgrade script');
        else if (be) add(P.createExtension, c, [`ALTER EXTENSION ${quoteIdent(be.name)} SET SCHEMA ${quoteIdent(be.schema)};`]);
        break;
      }
      case 'enum': {
        const be = base.enums.find((x) => x.schema === o.schema && x.name === o.name);
        const he = head.enums.find((x) => x.schema === o.schema && x.name === o.name);
        if (c.action === 'created') add(P.dropEnum, c, [`DROP TYPE ${qualify(o.schema, o.name ?? '')};`]);
        else if (c.action === 'dropped' && be) add(P.createEnum, c, [createEnumSql(be)]);
        else if (e.aspect === 'comment' && be) add(P.tableAttrs, c, [commentSql(`TYPE ${qualify(be.schema, be.name)}`, be.comment)]);
        else if (be && he && !handledEnums.has(k2(be.schema, be.name))) {
          handledEnums.add(k2(be.schema, be.name));
          enumBack(be, he, base, c, add);
        }
        break;
      }
      case 'table': {
        const t = c.action === 'created' ? headTable(o.schema ?? '', o.name ?? '') : baseTable(o.schema ?? '', o.name ?? '');
        if (c.action === 'created' && t) createdTables.push(t);
        else if (c.action === 'dropped' && t) droppedTables.push(t);
        else if (c.action === 'altered') {
          const bt = baseTable(o.schema ?? '', baseNameOf(o.schema, o.name));
          if (!bt) break;
          const name = tableName(bt);
          if (e.aspect === 'rls') add(P.tableAttrs, c, [`ALTER TABLE ${name} ${bt.rlsEnabled ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`]);
          else if (e.aspect === 'forced') add(P.tableAttrs, c, [`ALTER TABLE ${name} ${bt.rlsForced ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY;`]);
          else if (e.aspect === 'comment') add(P.tableAttrs, c, [commentSql(`TABLE ${name}`, bt.comment)]);
          else if (e.aspect === 'persistence') add(P.tableAttrs, c, [`ALTER TABLE ${name} SET ${bt.persistence === 'unlogged' ? 'UNLOGGED' : 'LOGGED'};`], false, 'rewrites the table under an ACCESS EXCLUSIVE lock');
        }
        break;
      }
      case 'column': {
        const t = tref(o.schema, o.table);
        const bt = baseTable(t.schema, t.name);
        const ht = headTable(o.schema ?? '', o.table ?? '');
        if (c.action === 'created') {
          add(P.dropColumn, c, [`ALTER TABLE ${tableName(t)} DROP COLUMN ${quoteIdent(o.name ?? '')};`], true,
            `dropping ${describeRef(o)} loses every value written to it since the change`);
        } else if (c.action === 'dropped') {
          const bc = bt?.columns.find((x) => x.name === o.name);
          if (bt && bc) readdColumn(base, bt, bc, c, add);
        } else {
          const id = `${k2(t.schema, t.name)}\u0000${o.name ?? ''}`;
          if (columnDone.has(id)) break;
          columnDone.add(id);
          const bc = bt?.columns.find((x) => x.name === o.name);
          const hc = ht?.columns.find((x) => x.name === o.name);
          if (bt && bc && hc) alterColumnBack(bt, hc, bc, c, add);
        }
        break;
      }
      case 'constraint': {
        const t = tref(o.schema, o.table);
        const bt = baseTable(t.schema, t.name);
        const ht = headTable(o.schema ?? '', o.table ?? '');
        if (c.action === 'created') {
          const hc = ht?.constraints.find((x) => x.name === o.name);
          add(hc?.type === 'foreign key' ? P.dropFk : P.dropConstraint, c, [dropConstraintSql(t, o.name ?? '')]);
        } else if (c.action === 'dropped') {
          const bc = bt?.constraints.find((x) => x.name === o.name);
          if (bt && bc) add(bc.type === 'foreign key' ? P.fk : P.constraint, c, restoreConstraint(bt, bc), false,
            bc.type === 'foreign key' || bc.type === 'check' ? 'VALIDATE fails if rows written since break the constraint: find them first' : undefined);
        } else {
          const bc = bt?.constraints.find((x) => x.name === (e.baseName ?? o.name));
          if (!bt || !bc) break;
          if (e.aspect === 'rename') add(P.constraint, c, [`ALTER TABLE ${tableName(t)} RENAME CONSTRAINT ${quoteIdent(o.name ?? '')} TO ${quoteIdent(bc.name)};`]);
          else if (e.aspect === 'comment') add(P.tableAttrs, c, [commentSql(`CONSTRAINT ${quoteIdent(bc.name)} ON ${tableName(t)}`, bc.comment)]);
          else if (e.aspect === 'validated') {
            add(P.tableAttrs, c, bc.validated
              ? [`ALTER TABLE ${tableName(t)} VALIDATE CONSTRAINT ${quoteIdent(bc.name)};`]
              : [dropConstraintSql(t, bc.name), ...addConstraintSql(t, bc, { lockAware: false })]);
          }
        }
        break;
      }
      case 'index': {
        const owner = tref(o.schema, o.table);
        const bi = findIndex(base, owner.schema, owner.name, e.baseName ?? o.name ?? '');
        const hi = findIndex(head, o.schema ?? '', o.table ?? '', o.name ?? '');
        if (c.action === 'created' && hi) add(P.dropIndex, c, [dropIndexSql(hi, { concurrently: true })]);
        else if (c.action === 'dropped' && bi) add(P.index, c, [createIndexSql(bi, { concurrently: true })], false, 'CONCURRENTLY: run outside a transaction block');
        else if (e.aspect === 'rename' && bi) add(P.index, c, [`ALTER INDEX ${qualify(o.schema, o.name ?? '')} RENAME TO ${quoteIdent(bi.name)};`]);
        else if (e.aspect === 'valid' && bi) add(P.index, c, [`REINDEX INDEX CONCURRENTLY ${qualify(bi.schema, bi.name)};`]);
        break;
      }
      case 'trigger': {
        const bt = base.tables.find((t) => t.schema === o.schema && t.name === baseNameOf(o.schema, o.table))?.triggers.find((x) => x.name === o.name);
        const htr = head.tables.find((t) => t.schema === o.schema && t.name === o.table)?.triggers.find((x) => x.name === o.name);
        if (c.action === 'created' && htr) add(P.dropTrigger, c, [dropTriggerSql(onBase(htr))]);
        else if (c.action === 'dropped' && bt) add(P.trigger, c, createTriggerSql(bt));
        else if (e.aspect === 'enabled' && bt) add(P.trigger, c, [`ALTER TABLE ${qualify(bt.schema, bt.table)} ${bt.enabled ? 'ENABLE' : 'DISABLE'} TRIGGER ${quoteIdent(bt.name)};`]);
        else if (htr && bt) {
          add(P.dropTrigger, c, [dropTriggerSql(onBase(htr))]);
          add(P.trigger, c, createTriggerSql(bt));
        }
        break;
      }
      case 'policy': {
        const bp = base.tables.find((t) => t.schema === o.schema && t.name === baseNameOf(o.schema, o.table))?.policies.find((x) => x.name === o.name);
        const hp = head.tables.find((t) => t.schema === o.schema && t.name === o.table)?.policies.find((x) => x.name === o.name);
        if (hp && c.action !== 'dropped') add(P.dropPolicy, c, [dropPolicySql(onBase(hp))]);
        if (bp && c.action !== 'created') add(P.policy, c, [createPolicySql(bp)]);
        break;
      }
      case 'view': {
        const bv = base.views.find((v) => v.schema === o.schema && v.name === o.name);
        const hv = head.views.find((v) => v.schema === o.schema && v.name === o.name);
        if (c.action === 'created' && hv) add(P.dropView, c, [dropViewSql(hv)]);
        else if (c.action === 'dropped' && bv) {
          add(P.view, c, [createViewSql(bv), ...bv.indexes.map((i) => createIndexSql(i, { concurrently: false })),
            ...(bv.comment !== null ? [commentSql(`${bv.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${qualify(bv.schema, bv.name)}`, bv.comment)] : [])],
          bv.materialized, bv.materialized ? 'the materialized view comes back populated from the current tables, not as it was' : undefined);
        } else if (bv && hv) viewBack(bv, hv, e, c, add);
        break;
      }
      case 'function': {
        const sig = (f: FunctionInfo): string => `${f.name}(${f.arguments})`;
        const bf = base.functions.find((f) => f.schema === o.schema && sig(f) === o.name);
        const hf = head.functions.find((f) => f.schema === o.schema && sig(f) === o.name);
        if (c.action === 'created' && hf) add(P.dropFunction, c, [dropFunctionSql(hf)]);
        else if (bf && !canRecreateFunction(bf)) {
          add(P.function, c, [`-- ${describeRef(o)}: re-create by hand from the base schema`], true,
            `${bf.kind} ${bf.name} cannot be re-created from the catalog (aggregate, SQL-standard body or body over 20k characters)`);
        } else if (c.action === 'dropped' && bf) add(P.function, c, [createFunctionSql(bf, false)], false, 'argument defaults are not carried by the catalog: add them back if the base had any');
        else if (bf && hf) {
          const replaceable = bf.kind === hf.kind && bf.returns === hf.returns;
          if (!replaceable) add(P.dropFunction, c, [dropFunctionSql(hf)]);
          add(P.function, c, [createFunctionSql(bf, replaceable)]);
        }
        break;
      }
      case 'sequence': {
        const bs = base.sequences.find((s) => s.schema === o.schema && s.name === o.name);
        if (c.action === 'created') add(P.dropSequence, c, [`DROP SEQUENCE ${qualify(o.schema, o.name ?? '')};`]);
        else if (c.action === 'dropped' && bs) add(P.sequence, c, [createSequenceSql(bs)], true, 'the sequence restarts at its start value, not where it was');
        else if (bs) add(P.sequence, c, [`ALTER SEQUENCE ${qualify(bs.schema, bs.name)} AS ${bs.dataType} INCREMENT BY ${bs.increment} MAXVALUE ${bs.maxValue};`]);
        break;
      }
      default:
        break;
    }
  }

  // Tables head created: referencing tables (and partitions) before the tables they point at.
  const createdKeys = new Set(createdTables.map((t) => k2(t.schema, t.name)));
  const dropOrder = topo(createdTables, (t) => k2(t.schema, t.name), (t) => tableDeps(t).filter((d) => createdKeys.has(d))).reverse();
  for (const t of dropOrder) {
    const change = changes.find((c) => c.object.kind === 'table' && c.action === 'created' && c.object.schema === t.schema && c.object.name === t.name) as CatalogChange;
    add(P.dropTable, change, [`DROP TABLE ${tableName(t)};`], true, `dropping ${tableName(t)} loses every row written to it since the change`);
  }
  // Tables head dropped: parents first; FKs once every table exists.
  for (const t of topo(droppedTables, (x) => k2(x.schema, x.name), tableDeps)) {
    const change = changes.find((c) => c.object.kind === 'table' && c.action === 'dropped' && c.object.schema === t.schema && c.object.name === t.name) as CatalogChange;
    const sequences = t.columns.map((col) => serialSequence(base, t, col)).filter((s) => s !== undefined);
    add(P.createTable, change, [
      ...sequences.map(createSequenceSql),
      createTableSql(t),
      ...sequences.map((s) => `ALTER SEQUENCE ${qualify(s.schema, s.name)} OWNED BY ${tableName(t)}.${quoteIdent(s.ownedBy?.column ?? '')};`),
    ], true, `re-creating ${tableName(t)} brings back its shape, not its rows: restore them from a backup`);
    const fks = t.constraints.filter((x) => x.type === 'foreign key' && !x.inherited);
    if (fks.length > 0) add(P.fk, change, fks.flatMap((fk) => addConstraintSql(t, fk, { lockAware: false })));
    const extras = tableExtrasSql(t);
    if (extras.length > 0) add(P.index, change, extras);
  }

  // Views in dependency order among themselves: a view naming another comes after it.
  const viewDrafts = drafts.filter((d) => d.phase === P.view);
  const viewOf = (d: Draft): string => d.change.object.name ?? '';
  const sortedViews = topo(viewDrafts, (d) => `${viewOf(d)}\u0000${drafts.indexOf(d)}`, (d) =>
    viewDrafts.filter((o) => o !== d && new RegExp(`\\b${viewOf(o)}\\b`).test(d.sql.split(' AS\n')[1] ?? '')).map((o) => `${viewOf(o)}\u0000${drafts.indexOf(o)}`));
  const ordered = drafts
    .map((d, i) => ({ d, i: d.phase === P.view ? sortedViews.indexOf(d) + drafts.length : i }))
    .sort((a, b) => a.d.phase - b.d.phase || a.i - b.i)
    .map(({ d }) => d);

  const steps: RollbackStep[] = ordered.map(({ phase: _p, ...s }) => s);
  const header = [
    '-- Rollback: takes the database from head back to base.',
    '-- Run outside a transaction block (CREATE/DROP INDEX CONCURRENTLY). Steps marked IRREVERSIBLE cannot bring data back.',
    // Function bodies may name tables this script re-creates further down.
    'SET check_function_bodies = false;',
  ];
  const body = steps.map((s) => {
    const lines = [`-- ${s.change.action} ${s.change.object.kind} ${describeRef(s.change.object)}: ${s.change.detail}`];
    if (s.irreversible) lines.push(`-- IRREVERSIBLE: ${s.note ?? ''}`);
    else if (s.note) lines.push(`-- note: ${s.note}`);
    lines.push(s.sql);
    return lines.join('\n');
  });
  return {
    sql: steps.length === 0 ? '-- Nothing to roll back: head and base have the same schema.\n' : `${[...header, '', ...body.flatMap((b) => [b, ''])].join('\n')}`,
    steps,
    irreversible: steps.filter((s) => s.irreversible).map((s) => `${describeRef(s.change.object)}: ${s.note ?? s.change.detail}`),
  };
}

type Add = (phase: number, change: CatalogChange, sql: string[], irreversible?: boolean, note?: string) => void;

function findIndex(c: Catalog, schema: string, owner: string, name: string): Index | undefined {
  const t = c.tables.find((x) => x.schema === schema && x.name === owner);
  const v = c.views.find((x) => x.schema === schema && x.name === owner);
  return (t?.indexes ?? v?.indexes ?? []).find((i) => i.name === name);
}

function restoreConstraint(t: Table, c: Constraint): string[] {
  const idx = t.indexes.find((i) => i.constraint === c.name);
  // PK/UNIQUE without the long lock: build the index concurrently, then attach it.
  if ((c.type === 'primary key' || c.type === 'unique') && idx && idx.method === 'btree' && idx.predicate === null && !c.deferrable
    && idx.keys.every((k) => k.column !== null) && idx.include.length === 0) {
    return [
      `${createIndexSql(idx, { concurrently: true })}`,
      `ALTER TABLE ${tableName(t)} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.type === 'primary key' ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quoteIdent(idx.name)};`,
    ];
  }
  return addConstraintSql(t, c, { lockAware: true });
}

function readdColumn(base: Catalog, t: Table, c: Column, change: CatalogChange, add: Add): void {
  const name = tableName(t);
  const seq = serialSequence(base, t, c);
  const needsBackfill = c.notNull && c.default === null && c.identity === null && c.generated === null;
  const sql = [
    ...(seq ? [createSequenceSql(seq)] : []),
    `ALTER TABLE ${name} ADD COLUMN ${columnDefinition(needsBackfill ? { ...c, notNull: false } : c)};`,
    ...(seq ? [`ALTER SEQUENCE ${qualify(seq.schema, seq.name)} OWNED BY ${name}.${quoteIdent(c.name)};`] : []),
    ...(needsBackfill ? [`ALTER TABLE ${name} ALTER COLUMN ${quoteIdent(c.name)} SET NOT NULL;`] : []),
    ...(c.comment !== null ? [commentSql(`COLUMN ${name}.${quoteIdent(c.name)}`, c.comment)] : []),
  ];
  add(P.column, change, sql, true,
    `re-adding ${t.name}.${c.name} brings back the column, not its values${needsBackfill ? '; SET NOT NULL fails on existing rows until they are backfilled' : ''}`);
}

/** Statements that turn column `h` (head) back into `b` (base), both named b.name by now. */
function alterColumnBack(t: Table, h: Column, b: Column, change: CatalogChange, add: Add): void {
  const name = tableName(t);
  const col = `ALTER TABLE ${name} ALTER COLUMN ${quoteIdent(b.name)}`;
  if (h.generated !== b.generated) {
    add(P.column, change, [`ALTER TABLE ${name} DROP COLUMN ${quoteIdent(b.name)};`, `ALTER TABLE ${name} ADD COLUMN ${columnDefinition(b)};`], true,
      `a column's generation expression cannot be changed in place: ${t.name}.${b.name} is dropped and re-added (its stored values are recomputed or lost)`);
    return;
  }
  const sql: string[] = [];
  const notes: string[] = [];
  let irreversible = false;
  if (h.identity && !b.identity) sql.push(`${col} DROP IDENTITY;`);
  const typeChanged = h.type !== b.type || h.collation !== b.collation;
  if (h.default !== null && !h.identity && (typeChanged || b.default === null || b.identity) && h.default !== b.default) sql.push(`${col} DROP DEFAULT;`);
  else if (h.default !== null && typeChanged && h.default === b.default) sql.push(`${col} DROP DEFAULT;`);
  if (typeChanged) {
    sql.push(`${col} TYPE ${b.type}${b.collation ? ` COLLATE ${quoteIdent(b.collation)}` : ''}${usingClause(b.name, h, b)};`);
    if (!isWidening(h, b)) {
      irreversible = true;
      notes.push(`changing ${t.name}.${b.name} back from ${h.type} to ${b.type} can fail or truncate values written since`);
    } else notes.push(`${h.type} → ${b.type} keeps every value`);
  }
  if (b.identity && !h.identity) sql.push(`${col} ADD GENERATED ${b.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY;`);
  else if (b.identity && h.identity && b.identity !== h.identity) sql.push(`${col} SET GENERATED ${b.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'};`);
  if (b.default !== null && !b.identity && (b.default !== h.default || typeChanged)) sql.push(`${col} SET DEFAULT ${b.default};`);
  if (b.notNull !== h.notNull) {
    sql.push(`${col} ${b.notNull ? 'SET' : 'DROP'} NOT NULL;`);
    if (b.notNull) notes.push(`SET NOT NULL scans the table and fails on NULLs written since: SELECT count(*) FROM ${name} WHERE ${quoteIdent(b.name)} IS NULL`);
  }
  if (b.comment !== h.comment) sql.push(commentSql(`COLUMN ${name}.${quoteIdent(b.name)}`, b.comment));
  if (sql.length > 0) add(P.column, change, sql, irreversible, notes.length > 0 ? notes.join('; ') : undefined);
}

/**
 * Enum values cannot be dropped in place. Renames go back with RENAME VALUE, values head removed
 * come back with ADD VALUE; anything else rebuilds the type: rename, re-create, re-type every column.
 */
function enumBack(b: EnumType, h: EnumType, base: Catalog, change: CatalogChange, add: Add): void {
  const type = qualify(b.schema, b.name);
  if (b.values.length === h.values.length && b.values.every((v, i) => v === h.values[i] || !h.values.includes(v))
    && h.values.every((v, i) => v === b.values[i] || !b.values.includes(v))) {
    add(P.enumValues, change, b.values.flatMap((v, i) => (v === h.values[i] ? [] : [`ALTER TYPE ${type} RENAME VALUE ${quoteLiteral(h.values[i] ?? '')} TO ${quoteLiteral(v)};`])));
    return;
  }
  const headIsSubsequence = h.values.every((v) => b.values.includes(v))
    && h.values.every((v, i) => i === 0 || b.values.indexOf(v) > b.values.indexOf(h.values[i - 1] ?? ''));
  if (headIsSubsequence) {
    const sql: string[] = [];
    b.values.forEach((v, i) => {
      if (h.values.includes(v)) return;
      sql.push(i === 0 ? `ALTER TYPE ${type} ADD VALUE ${quoteLiteral(v)} BEFORE ${quoteLiteral(b.values[1] ?? '')};` : `ALTER TYPE ${type} ADD VALUE ${quoteLiteral(v)} AFTER ${quoteLiteral(b.values[i - 1] ?? '')};`);
    });
    add(P.enumValues, change, sql, true, `rows moved off the removed values of ${b.name} stay where the change put them`);
    return;
  }
  const old = `${b.name}__schemasage_old`;
  const sql = [`ALTER TYPE ${type} RENAME TO ${quoteIdent(old)};`, createEnumSql(b)];
  for (const t of base.tables.filter((x) => x.origin === 'user' && x.partitionOf === null)) {
    for (const c of t.columns.filter((x) => x.typeName === b.name && x.typeSchema === b.schema)) {
      const col = `ALTER TABLE ${tableName(t)} ALTER COLUMN ${quoteIdent(c.name)}`;
      if (c.default !== null) sql.push(`${col} DROP DEFAULT;`);
      sql.push(`${col} TYPE ${c.type} USING ${quoteIdent(c.name)}::text${c.isArray ? '[]' : ''}::${c.type};`);
      if (c.default !== null) sql.push(`${col} SET DEFAULT ${c.default};`);
    }
  }
  sql.push(`DROP TYPE ${qualify(b.schema, old)};`);
  const added = h.values.filter((v) => !b.values.includes(v));
  add(P.enumValues, change, sql, true,
    `an enum value cannot be dropped in place, so ${b.name} is rebuilt and every column re-typed (a table rewrite); rows holding ${added.map((v) => `'${v}'`).join(', ') || 'moved values'} fail the cast: update them first. Views and functions using the type must be dropped and re-created around it`);
}

function viewBack(b: View, h: View, e: DiffEntry, change: CatalogChange, add: Add): void {
  const target = `${b.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${qualify(b.schema, b.name)}`;
  if (e.aspect === 'comment') { add(P.tableAttrs, change, [commentSql(target, b.comment)]); return; }
  if (e.aspect === 'options') {
    add(P.view, change, [`ALTER VIEW ${qualify(b.schema, b.name)} SET (security_invoker = ${b.securityInvoker}, security_barrier = ${b.securityBarrier});`]);
    return;
  }
  // CREATE OR REPLACE VIEW may only append columns: head's columns must lead base's, with the same types.
  const replaceable = !b.materialized && !h.materialized && h.columns.every((c, i) => b.columns[i]?.name === c.name && b.columns[i]?.type === c.type);
  if (replaceable) { add(P.view, change, [createViewSql(b, true)]); return; }
  add(P.dropView, change, [dropViewSql(h)]);
  add(P.view, change, [createViewSql(b), ...b.indexes.map((i) => createIndexSql(i, { concurrently: false }))], false,
    `dropping and re-creating ${b.name}: views that depend on it must be dropped first${b.materialized ? '; the materialized view is repopulated from the current tables' : ''}`);
}

