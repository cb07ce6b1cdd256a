/**
 * Catalog × Catalog → the changes that take `base` to `head`. Pure and deterministic: the same two
 * catalogs always give the same list in the same order, dependency-friendly (schemas before the
 * types tables use, tables before their columns, constraints, indexes, then views, functions,
 * triggers, policies, sequences). Only objects the user wrote (origin 'user') are compared.
 */
import { describeRef } from '../catalog/helpers.js';
import type {
  Catalog, Column, Constraint, EnumType, FunctionInfo, Index, Policy, Sequence, Table, Trigger, View,
} from '../catalog/model.js';
import type { ObjectRef } from '../result.js';
import { constraintBody, indexMeaning, viewBody } from './ddl.js';
import type { CatalogChange, ChangeAction, RenamePair } from './types.js';

/**
 * A change plus what rollback needs to undo it: which aspect moved, and for objects matched by
 * meaning under a new name, the name they had in base.
 */
export interface DiffEntry {
  change: CatalogChange;
  /** For 'altered': rls, forced, comment, persistence, type, notNull, default, identity, generated, collation, rename, validated, values, definition, enabled, … */
  aspect?: string;
  /** The base object's name when a constraint/index was matched by meaning under another name. */
  baseName?: string;
}

const RANK: Record<string, number> = {
  schema: 0, extension: 1, enum: 2, table: 3, column: 4, constraint: 5, index: 6, view: 7, function: 8, trigger: 9, policy: 10, sequence: 11,
};
const ACTION_ORDER: Record<ChangeAction, number> = { dropped: 0, created: 1, altered: 2 };

const userOnly = <T extends { origin: string }>(xs: T[]): T[] => xs.filter((x) => x.origin === 'user');
const key = (...parts: string[]): string => parts.join('\u0000');

function byKey<T>(xs: T[], k: (x: T) => string): Map<string, T> {
  return new Map(xs.map((x) => [k(x), x]));
}

function show(v: string | null | undefined): string {
  return v === null || v === undefined ? 'none' : v;
}

export class Collector {
  readonly entries: Array<DiffEntry & { seq: number }> = [];
  add(action: ChangeAction, object: ObjectRef, detail: string, extra: Omit<DiffEntry, 'change'> = {}): void {
    this.entries.push({ change: { action, object, detail }, ...extra, seq: this.entries.length });
  }
}

/** Every change with rollback's bookkeeping; diffCatalogs is this without it. */
export function diffEntries(base: Catalog, head: Catalog): DiffEntry[] {
  const out = new Collector();
  diffSchemas(base, head, out);
  diffExtensions(base, head, out);
  diffEnums(base, head, out);
  diffTables(base, head, out);
  diffViews(base, head, out);
  diffFunctions(base, head, out);
  diffSequences(base, head, out);
  return out.entries
    .sort((a, b) => {
      const ra = RANK[a.change.object.kind] ?? 99;
      const rb = RANK[b.change.object.kind] ?? 99;
      if (ra !== rb) return ra - rb;
      for (const f of ['schema', 'table', 'name'] as const) {
        const x = a.change.object[f] ?? '';
        const y = b.change.object[f] ?? '';
        if (x !== y) return x < y ? -1 : 1;
      }
      const d = ACTION_ORDER[a.change.action] - ACTION_ORDER[b.change.action];
      return d !== 0 ? d : a.seq - b.seq;
    })
    .map(({ seq: _seq, ...e }) => e);
}

export function diffCatalogs(base: Catalog, head: Catalog): CatalogChange[] {
  return diffEntries(base, head).map((e) => e.change);
}

/** Verified when empty: the catalog after applying the rollback to head, compared with base. */
export function verifyRollback(base: Catalog, rolledBack: Catalog): CatalogChange[] {
  return diffCatalogs(base, rolledBack);
}

function diffSchemas(base: Catalog, head: Catalog, out: Collector): void {
  const b = byKey(userOnly(base.schemas), (s) => s.name);
  const h = byKey(userOnly(head.schemas), (s) => s.name);
  for (const [k, s] of b) if (!h.has(k)) out.add('dropped', { kind: 'schema', name: s.name }, `schema ${s.name} dropped`);
  for (const [k, s] of h) {
    const old = b.get(k);
    if (!old) out.add('created', { kind: 'schema', name: s.name }, `schema ${s.name} created`);
    else if (old.comment !== s.comment) out.add('altered', { kind: 'schema', name: s.name }, `comment ${show(old.comment)} → ${show(s.comment)}`, { aspect: 'comment' });
  }
}

function diffExtensions(base: Catalog, head: Catalog, out: Collector): void {
  const b = byKey(base.extensions, (e) => e.name);
  const h = byKey(head.extensions, (e) => e.name);
  const ref = (e: { name: string; schema: string }): ObjectRef => ({ kind: 'extension', schema: e.schema, name: e.name });
  for (const [k, e] of b) if (!h.has(k)) out.add('dropped', ref(e), `extension ${e.name} dropped`);
  for (const [k, e] of h) {
    const old = b.get(k);
    if (!old) out.add('created', ref(e), `extension ${e.name} ${e.version} created`);
    else if (old.version !== e.version) out.add('altered', ref(e), `version ${old.version} → ${e.version}`, { aspect: 'version' });
    else if (old.schema !== e.schema) out.add('altered', ref(e), `schema ${old.schema} → ${e.schema}`, { aspect: 'schema' });
  }
}

/** How an enum's value list moved: positional renames when the length is unchanged, else adds/removes. */
export function enumValueChanges(before: string[], after: string[]): string[] {
  const lits = (v: string): string => `'${v}'`;
  if (before.length === after.length) {
    const removed = before.filter((v) => !after.includes(v));
    const added = after.filter((v) => !before.includes(v));
    if (removed.length === 0 && added.length === 0) {
      return before.every((v, i) => v === after[i]) ? [] : ['values reordered'];
    }
    const out: string[] = [];
    before.forEach((v, i) => { if (after[i] !== v && !after.includes(v)) out.push(`value ${lits(v)} renamed to ${lits(after[i] ?? '')}`); });
    if (out.length === removed.length) return out;
  }
  return [
    ...after.filter((v) => !before.includes(v)).map((v) => `value ${lits(v)} added`),
    ...before.filter((v) => !after.includes(v)).map((v) => `value ${lits(v)} removed`),
  ];
}

function diffEnums(base: Catalog, head: Catalog, out: Collector): void {
  const b = byKey(userOnly(base.enums), (e) => key(e.schema, e.name));
  const h = byKey(userOnly(head.enums), (e) => key(e.schema, e.name));
  const ref = (e: EnumType): ObjectRef => ({ kind: 'enum', schema: e.schema, name: e.name });
  for (const [k, e] of b) if (!h.has(k)) out.add('dropped', ref(e), `enum dropped (${e.values.map((v) => `'${v}'`).join(', ')})`);
  for (const [k, e] of h) {
    const old = b.get(k);
    if (!old) {
      out.add('created', ref(e), `enum created (${e.values.map((v) => `'${v}'`).join(', ')})`);
      continue;
    }
    for (const d of enumValueChanges(old.values, e.values)) out.add('altered', ref(e), d, { aspect: 'values' });
    if (old.comment !== e.comment) out.add('altered', ref(e), `comment ${show(old.comment)} → ${show(e.comment)}`, { aspect: 'comment' });
  }
}

function tableSummary(t: Table): string {
  const n = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : 's'}`;
  const indexes = t.indexes.filter((i) => i.constraint === null).length;
  return [n(t.columns.length, 'column'), n(t.constraints.length, 'constraint'), n(indexes, 'index')].join(', ').replace(/indexs/, 'indexes');
}

function diffTables(base: Catalog, head: Catalog, out: Collector): void {
  const b = byKey(userOnly(base.tables), (t) => key(t.schema, t.name));
  const h = byKey(userOnly(head.tables), (t) => key(t.schema, t.name));
  const ref = (t: Table): ObjectRef => ({ kind: 'table', schema: t.schema, name: t.name });
  for (const [k, t] of b) if (!h.has(k)) out.add('dropped', ref(t), `table dropped (${tableSummary(t)}) — its rows go with it`);
  for (const [k, t] of h) {
    const old = b.get(k);
    if (!old) {
      out.add('created', ref(t), `table created (${tableSummary(t)})`);
      continue;
    }
    diffTableContents(old, t, out);
  }
}

/** Two versions of one table (or a renamed pair): table attributes, columns, constraints, indexes, triggers, policies. */
export function diffTableContents(old: Table, t: Table, out: Collector): void {
  const ref: ObjectRef = { kind: 'table', schema: t.schema, name: t.name };
  if (old.rlsEnabled !== t.rlsEnabled) out.add('altered', ref, `row level security ${t.rlsEnabled ? 'enabled' : 'disabled'}`, { aspect: 'rls' });
  if (old.rlsForced !== t.rlsForced) out.add('altered', ref, `row level security ${t.rlsForced ? 'forced' : 'no longer forced'}`, { aspect: 'forced' });
  if (old.comment !== t.comment) out.add('altered', ref, `comment ${show(old.comment)} → ${show(t.comment)}`, { aspect: 'comment' });
  if (old.persistence !== t.persistence) out.add('altered', ref, `${old.persistence} → ${t.persistence}`, { aspect: 'persistence' });
  // Partitions mirror their parent's columns and constraints: judged through the parent.
  if (t.partitionOf === null) {
    diffColumns(old, t, out);
    diffConstraints(old, t, out);
  }
  diffIndexes(old.indexes, t.indexes, out);
  diffTriggers(old, t, out);
  diffPolicies(old, t, out);
}

function columnAdded(c: Column): string {
  const bits = [c.type];
  if (c.identity) bits.push(`identity ${c.identity}`);
  if (c.generated) bits.push(`generated (${c.generated})`);
  if (c.default !== null) bits.push(`default ${c.default}`);
  if (c.notNull) bits.push('NOT NULL');
  return bits.join(' ');
}

/** The ways one column differs from another of the same name, as [aspect, detail]. */
export function columnDifferences(a: Column, b: Column): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (a.type !== b.type) out.push(['type', `type ${a.type} → ${b.type}`]);
  if (a.collation !== b.collation) out.push(['collation', `collation ${show(a.collation)} → ${show(b.collation)}`]);
  if (a.notNull !== b.notNull) out.push(['notNull', b.notNull ? 'NOT NULL added' : 'NOT NULL dropped']);
  if (a.default !== b.default) out.push(['default', `default ${show(a.default)} → ${show(b.default)}`]);
  if (a.identity !== b.identity) out.push(['identity', `identity ${show(a.identity)} → ${show(b.identity)}`]);
  if (a.generated !== b.generated) out.push(['generated', `generated ${show(a.generated)} → ${show(b.generated)}`]);
  if (a.comment !== b.comment) out.push(['comment', `comment ${show(a.comment)} → ${show(b.comment)}`]);
  return out;
}

function diffColumns(old: Table, t: Table, out: Collector): void {
  const b = byKey(old.columns, (c) => c.name);
  const h = byKey(t.columns, (c) => c.name);
  const ref = (c: Column): ObjectRef => ({ kind: 'column', schema: t.schema, table: t.name, name: c.name });
  for (const [k, c] of b) if (!h.has(k)) out.add('dropped', ref(c), `column dropped (${c.type}) — its values go with it`);
  for (const [k, c] of h) {
    const before = b.get(k);
    if (!before) {
      out.add('created', ref(c), `column added: ${columnAdded(c)}`);
      continue;
    }
    for (const [aspect, detail] of columnDifferences(before, c)) out.add('altered', ref(c), detail, { aspect });
  }
}

/** What a constraint *is*: type and definition (which names its columns and referenced table), not its name. */
export function constraintMeaning(c: Constraint): string {
  return key(c.type, constraintBody(c));
}

/**
 * Pairs base and head items that mean the same thing. Same name and meaning first, then same
 * meaning under another name (a rename, or two generators' names for one constraint).
 */
function matchByMeaning<T extends { name: string }>(before: T[], after: T[], meaning: (x: T) => string): {
  pairs: Array<[T, T]>; dropped: T[]; created: T[];
} {
  const left = [...before];
  const right = [...after];
  const pairs: Array<[T, T]> = [];
  for (const pass of [true, false]) {
    for (let i = 0; i < left.length; i++) {
      const a = left[i] as T;
      const j = right.findIndex((b) => meaning(a) === meaning(b) && (!pass || a.name === b.name));
      if (j >= 0) {
        pairs.push([a, right[j] as T]);
        left.splice(i--, 1);
        right.splice(j, 1);
      }
    }
  }
  return { pairs, dropped: left, created: right };
}

function diffConstraints(old: Table, t: Table, out: Collector): void {
  const local = (cs: Constraint[]): Constraint[] => cs.filter((c) => !c.inherited);
  const { pairs, dropped, created } = matchByMeaning(local(old.constraints), local(t.constraints), constraintMeaning);
  const ref = (c: Constraint): ObjectRef => ({ kind: 'constraint', schema: t.schema, table: t.name, name: c.name });
  for (const c of dropped) out.add('dropped', ref(c), `${c.type} dropped: ${constraintBody(c)}`);
  for (const c of created) out.add('created', ref(c), `${c.type} added: ${constraintBody(c)}${c.validated ? '' : ' NOT VALID'}`);
  for (const [a, b] of pairs) {
    if (a.name !== b.name) out.add('altered', ref(b), `renamed ${a.name} → ${b.name}`, { aspect: 'rename', baseName: a.name });
    if (a.validated !== b.validated) out.add('altered', ref(b), b.validated ? 'validated' : 'now NOT VALID', { aspect: 'validated', baseName: a.name });
    if (a.comment !== b.comment) out.add('altered', ref(b), `comment ${show(a.comment)} → ${show(b.comment)}`, { aspect: 'comment', baseName: a.name });
  }
}

/** Indexes backing a constraint change with the constraint; only stand-alone indexes are compared here. */
export function diffIndexes(before: Index[], after: Index[], out: Collector): void {
  const own = (xs: Index[]): Index[] => xs.filter((i) => i.constraint === null);
  const { pairs, dropped, created } = matchByMeaning(own(before), own(after), indexMeaning);
  const ref = (i: Index): ObjectRef => ({ kind: 'index', schema: i.schema, table: i.table, name: i.name });
  for (const i of dropped) out.add('dropped', ref(i), `index dropped: ${i.definition}`);
  for (const i of created) out.add('created', ref(i), `index created: ${i.definition}`);
  for (const [a, b] of pairs) {
    if (a.name !== b.name) out.add('altered', ref(b), `renamed ${a.name} → ${b.name}`, { aspect: 'rename', baseName: a.name });
    if (a.valid !== b.valid) out.add('altered', ref(b), b.valid ? 'now valid' : 'now INVALID (a failed CREATE INDEX CONCURRENTLY?)', { aspect: 'valid', baseName: a.name });
  }
}

function diffTriggers(old: Table, t: Table, out: Collector): void {
  const b = byKey(old.triggers, (x) => x.name);
  const h = byKey(t.triggers, (x) => x.name);
  const ref = (x: Trigger): ObjectRef => ({ kind: 'trigger', schema: t.schema, table: t.name, name: x.name });
  for (const [k, x] of b) if (!h.has(k)) out.add('dropped', ref(x), `trigger dropped: ${x.definition}`);
  for (const [k, x] of h) {
    const before = b.get(k);
    if (!before) out.add('created', ref(x), `trigger created: ${x.definition}`);
    else {
      // A renamed table prints its new name in the definition; that is the table's change, not the trigger's.
      const norm = (tr: Trigger, table: Table): string => tr.definition.split(` ON ${describeRef({ kind: 'table', schema: table.schema, name: table.name })} `).join(' ON <t> ');
      if (norm(before, old) !== norm(x, t)) out.add('altered', ref(x), `definition ${before.definition} → ${x.definition}`, { aspect: 'definition' });
      if (before.enabled !== x.enabled) out.add('altered', ref(x), x.enabled ? 'enabled' : 'disabled', { aspect: 'enabled' });
    }
  }
}

function policyText(p: Policy): string {
  return `${p.permissive ? '' : 'RESTRICTIVE '}FOR ${p.command.toUpperCase()} TO ${p.roles.join(', ')}${p.using !== null ? ` USING (${p.using})` : ''}${p.withCheck !== null ? ` WITH CHECK (${p.withCheck})` : ''}`;
}

function diffPolicies(old: Table, t: Table, out: Collector): void {
  const b = byKey(old.policies, (x) => x.name);
  const h = byKey(t.policies, (x) => x.name);
  const ref = (x: Policy): ObjectRef => ({ kind: 'policy', schema: t.schema, table: t.name, name: x.name });
  for (const [k, x] of b) if (!h.has(k)) out.add('dropped', ref(x), `policy dropped: ${policyText(x)}`);
  for (const [k, x] of h) {
    const before = b.get(k);
    if (!before) out.add('created', ref(x), `policy created: ${policyText(x)}`);
    else if (policyText(before) !== policyText(x)) out.add('altered', ref(x), `${policyText(before)} → ${policyText(x)}`, { aspect: 'definition' });
  }
}

function diffViews(base: Catalog, head: Catalog, out: Collector): void {
  const b = byKey(userOnly(base.views), (v) => key(v.schema, v.name));
  const h = byKey(userOnly(head.views), (v) => key(v.schema, v.name));
  const ref = (v: View): ObjectRef => ({ kind: 'view', schema: v.schema, name: v.name });
  const kind = (v: View): string => (v.materialized ? 'materialized view' : 'view');
  for (const [k, v] of b) if (!h.has(k)) out.add('dropped', ref(v), `${kind(v)} dropped`);
  for (const [k, v] of h) {
    const old = b.get(k);
    if (!old) {
      out.add('created', ref(v), `${kind(v)} created`);
      continue;
    }
    if (old.materialized !== v.materialized) out.add('altered', ref(v), `${kind(old)} → ${kind(v)}`, { aspect: 'definition' });
    else if (viewBody(old) !== viewBody(v)) out.add('altered', ref(v), 'definition changed', { aspect: 'definition' });
    else if (old.securityInvoker !== v.securityInvoker || old.securityBarrier !== v.securityBarrier) {
      out.add('altered', ref(v), `security_invoker ${old.securityInvoker} → ${v.securityInvoker}, security_barrier ${old.securityBarrier} → ${v.securityBarrier}`, { aspect: 'options' });
    }
    if (old.comment !== v.comment) out.add('altered', ref(v), `comment ${show(old.comment)} → ${show(v.comment)}`, { aspect: 'comment' });
    if (v.materialized && old.materialized) diffIndexes(old.indexes, v.indexes, out);
  }
}

/** The ways a function changed, as readable details. */
export function functionDifferences(a: FunctionInfo, b: FunctionInfo): string[] {
  const out: string[] = [];
  if (a.kind !== b.kind) out.push(`${a.kind} → ${b.kind}`);
  if (a.returns !== b.returns) out.push(`returns ${a.returns} → ${b.returns}`);
  if (a.language !== b.language) out.push(`language ${a.language} → ${b.language}`);
  if (a.source !== b.source) out.push('body changed');
  if (a.securityDefiner !== b.securityDefiner) out.push(b.securityDefiner ? 'SECURITY DEFINER added' : 'SECURITY DEFINER removed');
  if (a.volatility !== b.volatility) out.push(`volatility ${a.volatility} → ${b.volatility}`);
  if (a.config.join('\u0000') !== b.config.join('\u0000')) out.push(`config [${a.config.join('; ')}] → [${b.config.join('; ')}]`);
  return out;
}

function diffFunctions(base: Catalog, head: Catalog, out: Collector): void {
  const k = (f: FunctionInfo): string => key(f.schema, f.name, f.arguments);
  const b = byKey(userOnly(base.functions), k);
  const h = byKey(userOnly(head.functions), k);
  const ref = (f: FunctionInfo): ObjectRef => ({ kind: 'function', schema: f.schema, name: `${f.name}(${f.arguments})` });
  for (const [id, f] of b) if (!h.has(id)) out.add('dropped', ref(f), `${f.kind} dropped`);
  for (const [id, f] of h) {
    const old = b.get(id);
    if (!old) out.add('created', ref(f), `${f.kind} created (returns ${f.returns}, ${f.language})`);
    else {
      const diffs = functionDifferences(old, f);
      if (diffs.length > 0) out.add('altered', ref(f), diffs.join('; '), { aspect: 'definition' });
    }
  }
}

function diffSequences(base: Catalog, head: Catalog, out: Collector): void {
  // Owned sequences (serial, identity) come and go with their column.
  const standalone = (c: Catalog): Sequence[] => userOnly(c.sequences).filter((s) => s.ownedBy === null);
  const b = byKey(standalone(base), (s) => key(s.schema, s.name));
  const h = byKey(standalone(head), (s) => key(s.schema, s.name));
  const ref = (s: Sequence): ObjectRef => ({ kind: 'sequence', schema: s.schema, name: s.name });
  for (const [id, s] of b) if (!h.has(id)) out.add('dropped', ref(s), 'sequence dropped');
  for (const [id, s] of h) {
    const old = b.get(id);
    if (!old) out.add('created', ref(s), `sequence created (${s.dataType})`);
    else {
      const d: string[] = [];
      if (old.dataType !== s.dataType) d.push(`type ${old.dataType} → ${s.dataType}`);
      if (old.increment !== s.increment) d.push(`increment ${old.increment} → ${s.increment}`);
      if (old.maxValue !== s.maxValue) d.push(`maxvalue ${old.maxValue} → ${s.maxValue}`);
      if (d.length > 0) out.add('altered', ref(s), d.join('; '), { aspect: 'definition' });
    }
  }
}

/**
 * Dropped + created pairs that are probably renames: in one table, exactly one dropped and one
 * created column of the same type (and nullability); across the catalog, a dropped and a created
 * table in one schema with the same columns. Unambiguous pairs only: two candidates are a guess.
 */
export function likelyRenames(changes: CatalogChange[], base: Catalog, head: Catalog): RenamePair[] {
  const pairs: RenamePair[] = [];
  const tableOf = (c: Catalog, schema: string, name: string): Table | undefined => c.tables.find((t) => t.schema === schema && t.name === name);

  const droppedTables = changes.filter((c) => c.action === 'dropped' && c.object.kind === 'table');
  const createdTables = changes.filter((c) => c.action === 'created' && c.object.kind === 'table');
  const shape = (t: Table): string => t.columns.map((c) => key(c.name, c.type, String(c.notNull))).join('\u0001');
  for (const d of droppedTables) {
    const bt = tableOf(base, d.object.schema ?? '', d.object.name ?? '');
    if (!bt) continue;
    const candidates = createdTables.filter((c) => c.object.schema === d.object.schema).map((c) => tableOf(head, c.object.schema ?? '', c.object.name ?? ''))
      .filter((ht): ht is Table => ht !== undefined && shape(ht) === shape(bt));
    const rivals = droppedTables.filter((o) => o !== d).map((o) => tableOf(base, o.object.schema ?? '', o.object.name ?? ''))
      .filter((o) => o !== undefined && shape(o) === shape(bt));
    if (candidates.length === 1 && rivals.length === 0) {
      const ht = candidates[0] as Table;
      pairs.push({ kind: 'table', schema: bt.schema, table: bt.name, from: bt.name, to: ht.name, type: `${bt.columns.length} columns`, confident: true });
    }
  }

  const byTable = new Map<string, { dropped: CatalogChange[]; created: CatalogChange[] }>();
  for (const c of changes) {
    if (c.object.kind !== 'column' || c.action === 'altered') continue;
    const k = key(c.object.schema ?? '', c.object.table ?? '');
    const slot = byTable.get(k) ?? { dropped: [], created: [] };
    (c.action === 'dropped' ? slot.dropped : slot.created).push(c);
    byTable.set(k, slot);
  }
  for (const { dropped, created } of byTable.values()) {
    for (const d of dropped) {
      const bt = tableOf(base, d.object.schema ?? '', d.object.table ?? '');
      const ht = tableOf(head, d.object.schema ?? '', d.object.table ?? '');
      const bc = bt?.columns.find((c) => c.name === d.object.name);
      if (!bt || !ht || !bc) continue;
      const sameType = (c: CatalogChange): boolean => ht.columns.find((x) => x.name === c.object.name)?.type === bc.type;
      const candidates = created.filter(sameType);
      const rivals = dropped.filter((o) => o !== d && bt.columns.find((x) => x.name === o.object.name)?.type === bc.type);
      if (candidates.length === 1 && rivals.length === 0) {
        const to = (candidates[0] as CatalogChange).object.name ?? '';
        const hc = ht.columns.find((x) => x.name === to);
        pairs.push({ kind: 'column', schema: bt.schema, table: bt.name, from: bc.name, to, type: bc.type, confident: hc?.position === bc.position });
      }
    }
  }
  return pairs;
}
