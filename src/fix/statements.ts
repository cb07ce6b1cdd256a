/**
 * One statement of a finding's fix, read through the real parser: which phase it belongs in, what
 * it touches (so the plan can keep a fix's own order where it matters), what it claims (so two
 * fixes that drop or rename the same object are caught), and the lock-safe form of it when the
 * rule wrote a blocking one (CREATE INDEX on an existing table → CONCURRENTLY; CHECK or FOREIGN
 * KEY on an existing table → NOT VALID, then VALIDATE).
 */
import { parseSync } from 'libpg-query';
import type { Catalog } from '../catalog/model.js';
import { findTable, quoteIdent } from '../catalog/helpers.js';
import { alterCmds, arr, constValue, isNode, names, qualifiedName, rangeVar, relKey, stmtKind, str, type Node, type RelName } from '../migration/ast.js';
import type { FixPhase } from './types.js';

/** What the plan needs to know about the schema the fix is applied to. */
export interface SchemaView {
  /** The table existed before the migration (a lock on it blocks the application). */
  tableExists(rel: RelName): boolean;
  /** The table is partitioned: CONCURRENTLY is not available for its indexes. */
  isPartitioned(rel: RelName): boolean;
  /** The table an existing index belongs to. */
  indexTable(rel: RelName): RelName | null;
}

export function schemaView(catalog: Catalog): SchemaView {
  const indexes = new Map<string, RelName>();
  for (const t of catalog.tables) for (const i of t.indexes) indexes.set(`${i.schema}.${i.name}`, { schema: t.schema, name: t.name });
  for (const v of catalog.views) for (const i of v.indexes) indexes.set(`${i.schema}.${i.name}`, { schema: v.schema, name: v.name });
  return {
    tableExists: (rel) => findTable(catalog, rel.schema, rel.name) !== undefined,
    isPartitioned: (rel) => findTable(catalog, rel.schema, rel.name)?.kind === 'partitioned table',
    indexTable: (rel) => indexes.get(relKey(rel)) ?? null,
  };
}

/** A claim on an object: two fixes dropping, renaming or re-typing the same one collide. */
export interface Claim {
  action: 'create' | 'drop' | 'rename' | 'retype' | 'nullability';
  /** `constraint public.products.products_slug_key` */
  object: string;
  /** What it becomes: the new type, the new name, `set`/`drop`. */
  value: string;
}

export interface FixStatement {
  /** The owning finding's id. */
  finding: string;
  /** As it will be written (without the trailing `;`). */
  sql: string;
  ast: unknown;
  kind: string;
  /** The phase the statement belongs in by itself. */
  natural: FixPhase;
  /** The phase it runs in: never before a statement of its fix it depends on. */
  phase: FixPhase;
  /** Relations it acts on (`schema.name`), the main one first. */
  tables: string[];
  /** Every relation it mentions, FK targets and FROM items included (to attribute new findings). */
  mentions: string[];
  /** Tables its foreign keys reference. */
  references: string[];
  createsIndex: string | null;
  /** Indexes it names: USING INDEX, DROP INDEX, ALTER INDEX. */
  usesIndexes: string[];
  /** Drops or renames something. */
  destructive: boolean;
  /** DML, queries and statements the plan does not model: ordered against everything in its fix. */
  opaque: boolean;
  validates: boolean;
  /** ADD CONSTRAINT … NOT VALID. */
  addsNotValid: boolean;
  claims: Claim[];
  /** Why the text differs from the rule's, when the plan made it lock-safe. */
  rewritten: string | null;
}

const MODELLED = new Set([
  'CreateStmt', 'IndexStmt', 'AlterTableStmt', 'DropStmt', 'RenameStmt', 'CreateSchemaStmt', 'CreateExtensionStmt',
  'AlterObjectSchemaStmt', 'GrantStmt', 'CommentStmt', 'CreatePolicyStmt', 'AlterPolicyStmt', 'CreateFunctionStmt',
  'AlterFunctionStmt', 'CreateTrigStmt', 'AlterSeqStmt', 'CreateSeqStmt', 'CreateEnumStmt', 'AlterEnumStmt',
  'CompositeTypeStmt', 'CreateDomainStmt', 'ViewStmt', 'AlterOwnerStmt', 'AlterExtensionStmt',
]);

const PHASE_RANK: Record<FixPhase, number> = { transaction: 0, concurrent: 1, attach: 2, validate: 3, rename: 4 };

/** Renames other statements would trip over (they name tables and columns); sequence and index renames stay in place. */
const RENAMED_LAST = new Set(['OBJECT_TABLE', 'OBJECT_COLUMN', 'OBJECT_VIEW', 'OBJECT_MATVIEW']);

export function laterPhase(a: FixPhase, b: FixPhase): FixPhase {
  return PHASE_RANK[a] >= PHASE_RANK[b] ? a : b;
}

export function phaseRank(p: FixPhase): number {
  return PHASE_RANK[p];
}

function constraintOf(cmd: Node): Node | null {
  return isNode(cmd.def) && isNode(cmd.def.Constraint) ? cmd.def.Constraint : null;
}

/** `bigint`, `numeric(12,2)`, `text[]`: enough to tell two target types apart. */
function typeText(typeName: unknown): string {
  if (!isNode(typeName)) return '?';
  const n = names(typeName.names).filter((x) => x !== 'pg_catalog').join('.');
  const mods = arr(typeName.typmods).map((m) => String(constValue(m) ?? '?'));
  const array = arr(typeName.arrayBounds).length > 0 ? '[]' : '';
  return `${n}${mods.length > 0 ? `(${mods.join(',')})` : ''}${array}`;
}

function dropObjectKey(removeType: string, item: unknown): string {
  const parts = isNode(item) && isNode(item.List) ? names(item.List.items) : isNode(item) && isNode(item.String) ? [str(item.String.sval) ?? ''] : [];
  const rel = qualifiedName(parts);
  return `${removeType.replace(/^OBJECT_/, '').toLowerCase()} ${rel ? relKey(rel) : parts.join('.')}`;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Relations named anywhere in the statement (RangeVar nodes and `relation`/`table` fields). */
function mentionedRelations(ast: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (isNode(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'RangeVar' || k === 'relation' || k === 'table' || k === 'pktable') {
          const r = rangeVar(x);
          if (r) out.push(relKey(r));
        }
        visit(x);
      }
    }
  };
  visit(ast);
  return unique(out);
}

/** Parse one statement's text (it must hold exactly one statement). */
export function parseOne(sql: string): unknown {
  const stmts = parseSync(sql).stmts ?? [];
  return stmts[0]?.stmt ?? null;
}

/**
 * Reads one statement of a fix. `sql` is the rule's text without its `;`; the result's `sql` may be
 * the lock-safe form, with `rewritten` saying why, and `extra` holds statements the rewrite adds
 * (the VALIDATE after a constraint made NOT VALID).
 */
export function readStatement(finding: string, sql: string, schema: SchemaView): { statement: FixStatement; extra: string[] } {
  const extra: string[] = [];
  let rewritten: string | null = null;
  let text = sql;
  // Parsed alone, so node locations are offsets in this statement's own text (the pre-checks slice it).
  let tree = parseOne(sql);
  const s0 = stmtKind(tree);

  // Lock-safe forms of blocking statements on tables that already hold rows.
  if (s0?.kind === 'IndexStmt' && s0.body.concurrent !== true) {
    const rel = rangeVar(s0.body.relation);
    if (rel && schema.tableExists(rel) && !schema.isPartitioned(rel) && /^\s*CREATE\s+(UNIQUE\s+)?INDEX\b/i.test(text)) {
      text = text.replace(/^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX)\b/i, '$1 CONCURRENTLY');
      rewritten = `made CONCURRENTLY: ${rel.name} already exists, and a plain CREATE INDEX blocks its writes while it builds`;
    }
  } else if (s0?.kind === 'DropStmt' && str(s0.body.removeType) === 'OBJECT_INDEX' && s0.body.concurrent !== true) {
    const objects = arr(s0.body.objects);
    const parts = objects.length === 1 && isNode(objects[0]) && isNode(objects[0].List) ? names(objects[0].List.items) : [];
    const rel = qualifiedName(parts);
    const owner = rel ? schema.indexTable(rel) : null;
    if (owner && !schema.isPartitioned(owner) && str(s0.body.behavior) !== 'DROP_CASCADE' && /^\s*DROP\s+INDEX\b/i.test(text)) {
      text = text.replace(/^(\s*DROP\s+INDEX)\b/i, '$1 CONCURRENTLY');
      rewritten = `made CONCURRENTLY: a plain DROP INDEX blocks reads and writes of ${owner.name}`;
    }
  } else if (s0?.kind === 'AlterTableStmt') {
    const cmds = alterCmds(s0.body);
    const rel = rangeVar(s0.body.relation);
    const c = cmds.length === 1 && cmds[0] && str(cmds[0].subtype) === 'AT_AddConstraint' ? constraintOf(cmds[0]) : null;
    const contype = c ? str(c.contype) : undefined;
    const name = c ? str(c.conname) : undefined;
    if (c && rel && name && (contype === 'CONSTR_CHECK' || contype === 'CONSTR_FOREIGN') && c.skip_validation !== true && schema.tableExists(rel)) {
      text = `${text.replace(/\s+$/, '')} NOT VALID`;
      extra.push(`ALTER TABLE ${s0.body.relation && isNode(s0.body.relation) && str(s0.body.relation.schemaname) ? `${quoteIdent(rel.schema)}.` : ''}${quoteIdent(rel.name)} VALIDATE CONSTRAINT ${quoteIdent(name)}`);
      rewritten = `added NOT VALID and a separate VALIDATE: checking ${rel.name}'s existing rows would otherwise block its writes`;
    }
  }
  if (rewritten) tree = parseOne(text);

  const s = stmtKind(tree);
  const kind = s?.kind ?? 'unknown';
  const body: Node = s?.body ?? {};
  const facts: FixStatement = {
    finding, sql: text, ast: tree, kind, natural: 'transaction', phase: 'transaction', tables: [], mentions: mentionedRelations(tree),
    references: [], createsIndex: null, usesIndexes: [], destructive: false, opaque: !MODELLED.has(kind), validates: false,
    addsNotValid: false, claims: [], rewritten,
  };
  const onTable = (rel: RelName | null): void => {
    if (rel) facts.tables.push(relKey(rel));
  };

  switch (kind) {
    case 'IndexStmt': {
      const rel = rangeVar(body.relation);
      onTable(rel);
      const idx = str(body.idxname);
      if (idx && rel) {
        facts.createsIndex = `${rel.schema}.${idx}`;
        facts.claims.push({ action: 'create', object: `index ${rel.schema}.${idx}`, value: '' });
      }
      if (body.concurrent === true) facts.natural = 'concurrent';
      break;
    }
    case 'DropStmt': {
      const removeType = str(body.removeType) ?? 'OBJECT_UNKNOWN';
      facts.destructive = true;
      for (const item of arr(body.objects)) {
        facts.claims.push({ action: 'drop', object: dropObjectKey(removeType, item), value: '' });
        const parts = isNode(item) && isNode(item.List) ? names(item.List.items) : [];
        const rel = qualifiedName(parts);
        if (!rel) continue;
        if (removeType === 'OBJECT_INDEX') {
          facts.usesIndexes.push(relKey(rel));
          onTable(schema.indexTable(rel));
        } else if (removeType === 'OBJECT_TABLE' || removeType === 'OBJECT_VIEW' || removeType === 'OBJECT_MATVIEW') {
          onTable(rel);
        }
      }
      if (removeType === 'OBJECT_INDEX' && body.concurrent === true) facts.natural = 'concurrent';
      break;
    }
    case 'RenameStmt': {
      const rel = rangeVar(body.relation);
      const renameType = str(body.renameType) ?? '';
      facts.destructive = true;
      if (renameType === 'OBJECT_INDEX' && rel) {
        facts.usesIndexes.push(relKey(rel));
        onTable(schema.indexTable(rel));
      } else {
        onTable(rel);
      }
      const what = renameType.replace(/^OBJECT_/, '').toLowerCase();
      const sub = str(body.subname);
      const target = rel ? `${relKey(rel)}${sub ? `.${sub}` : ''}` : names(isNode(body.object) && isNode(body.object.List) ? body.object.List.items : []).join('.');
      facts.claims.push({ action: 'rename', object: `${what} ${target}`, value: str(body.newname) ?? '' });
      if (RENAMED_LAST.has(renameType)) facts.natural = 'rename';
      break;
    }
    case 'AlterTableStmt': {
      const rel = rangeVar(body.relation);
      onTable(rel);
      const key = rel ? relKey(rel) : '?';
      const cmds = alterCmds(body);
      if (cmds.length > 0 && cmds.every((c) => str(c.subtype) === 'AT_ValidateConstraint')) {
        facts.natural = 'validate';
        facts.validates = true;
      }
      for (const cmd of cmds) {
        const sub = str(cmd.subtype);
        const col = str(cmd.name);
        if (sub === 'AT_DropConstraint') {
          facts.destructive = true;
          facts.claims.push({ action: 'drop', object: `constraint ${key}.${col ?? ''}`, value: '' });
        } else if (sub === 'AT_DropColumn') {
          facts.destructive = true;
          facts.claims.push({ action: 'drop', object: `column ${key}.${col ?? ''}`, value: '' });
        } else if (sub === 'AT_AlterColumnType') {
          const def = isNode(cmd.def) && isNode(cmd.def.ColumnDef) ? cmd.def.ColumnDef : {};
          facts.claims.push({ action: 'retype', object: `column ${key}.${col ?? ''}`, value: typeText(def.typeName) });
        } else if (sub === 'AT_SetNotNull' || sub === 'AT_DropNotNull') {
          facts.claims.push({ action: 'nullability', object: `column ${key}.${col ?? ''}`, value: sub === 'AT_SetNotNull' ? 'set' : 'drop' });
        } else if (sub === 'AT_AddConstraint') {
          const c = constraintOf(cmd);
          if (!c) continue;
          const indexname = str(c.indexname);
          if (indexname && rel) {
            facts.usesIndexes.push(`${rel.schema}.${indexname}`);
            facts.natural = laterPhase(facts.natural, 'attach');
          }
          if (c.skip_validation === true) facts.addsNotValid = true;
          const conname = str(c.conname);
          if (conname) facts.claims.push({ action: 'create', object: `constraint ${key}.${conname}`, value: '' });
          const pk = rangeVar(c.pktable);
          if (pk) facts.references.push(relKey(pk));
        }
      }
      break;
    }
    case 'CreateStmt': {
      const rel = rangeVar(body.relation);
      onTable(rel);
      if (rel) facts.claims.push({ action: 'create', object: `table ${relKey(rel)}`, value: '' });
      break;
    }
    case 'CreateTrigStmt':
      onTable(rangeVar(body.relation));
      break;
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      onTable(rangeVar(body.table));
      break;
    case 'CommentStmt': {
      const parts = isNode(body.object) && isNode(body.object.List) ? names(body.object.List.items) : [];
      const objtype = str(body.objtype);
      const rel = objtype === 'OBJECT_COLUMN' ? qualifiedName(parts.slice(0, -1)) : objtype === 'OBJECT_TABLE' || objtype === 'OBJECT_VIEW' ? qualifiedName(parts) : null;
      onTable(rel);
      break;
    }
    default:
      for (const m of facts.mentions) facts.tables.push(m);
  }
  facts.tables = unique(facts.tables);
  facts.references = unique(facts.references);
  facts.mentions = unique([...facts.mentions, ...facts.tables, ...facts.references]);
  facts.phase = facts.natural;
  return { statement: facts, extra };
}

/**
 * Must `b` run after `a` (both of one fix, `a` written first)? Only matters when `a` runs after the
 * transaction: then `b` is held back to `a`'s phase. Index builds and validations only hold back what
 * needs them; everything else keeps the fix's order on the same table.
 */
export function dependsOn(b: FixStatement, a: FixStatement): boolean {
  if (a.opaque || b.opaque) return true;
  if (a.createsIndex && b.usesIndexes.includes(a.createsIndex)) return true;
  if (a.usesIndexes.some((i) => b.usesIndexes.includes(i) || b.createsIndex === i)) return true;
  const shared = b.tables.some((t) => a.tables.includes(t));
  // After a rename, the fix's later statements use the new names.
  if (a.kind === 'RenameStmt' && shared) return true;
  if (a.kind === 'IndexStmt') return (shared && b.destructive) || b.references.some((t) => a.tables.includes(t));
  if (b.kind === 'IndexStmt' || b.addsNotValid || b.validates) return false;
  return shared;
}
