/** Helpers shared by the type rules: which columns are reviewed and how a column type change is written. */
import type { Catalog, Column, Policy, Table, View } from '../../catalog/model.js';
import { isPartition, qualify, quoteIdent, quoteLiteral, userTables } from '../../catalog/helpers.js';

/** User tables judged directly: partitions inherit their parent's columns and are judged through it. */
export function reviewedTables(catalog: Catalog): Table[] {
  return userTables(catalog).filter((t) => !isPartition(t));
}

/** The column's type name, seeing through a domain to its base type. */
export function baseTypeName(c: Column): string {
  return c.domainBaseType ?? c.typeName;
}

const TEXTUAL = new Set(['text', 'varchar', 'bpchar', 'citext']);

/** Stored as free text (text, varchar, char, citext), arrays excluded. */
export function isTextual(c: Column): boolean {
  return !c.isArray && TEXTUAL.has(baseTypeName(c));
}

/**
 * Views whose definition mentions the table: ALTER COLUMN … TYPE fails on a column a view uses
 * ("cannot alter type of a column used by a view or rule"), so the fix must drop and recreate them.
 */
export function dependentViews(catalog: Catalog, t: Table): string[] {
  const name = t.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|[^A-Za-z0-9_$"])"?${name}"?($|[^A-Za-z0-9_$"])`);
  return catalog.views
    .filter((v) => v.origin === 'user' && re.test(v.definition))
    .map((v) => qualify(v.schema, v.name));
}

/**
 * The lock/rewrite paragraph for a type change that rewrites the table. `recreated`: the views the
 * fix drops and recreates itself (from typeChangeFixes); without it, the views that read the table
 * are named as a thing to handle by hand.
 */
export function rewriteNotes(catalog: Catalog, t: Table, recreated?: TypeChangeFix): string {
  const parts = [
    `Rewrites ${qualify(t.schema, t.name)} and rebuilds its indexes under an ACCESS EXCLUSIVE lock: reads and writes wait until it finishes. ` +
      `Set a lock_timeout first; on a large table add a new column, backfill it in batches and swap names instead.`,
  ];
  parts.push(viewsParagraph(catalog, t, recreated));
  return parts.filter((p) => p !== '').join(' ');
}

/** The lock paragraph for a type change Postgres can make without rewriting the table. */
export function noRewriteNotes(catalog: Catalog, t: Table, recreated?: TypeChangeFix): string {
  return [
    `Binary-compatible change: no table rewrite, but ALTER TABLE still takes an ACCESS EXCLUSIVE lock briefly; set a lock_timeout.`,
    viewsParagraph(catalog, t, recreated),
  ].filter((p) => p !== '').join(' ');
}

function viewsParagraph(catalog: Catalog, t: Table, recreated?: TypeChangeFix): string {
  if (recreated) return recreatedNote(recreated);
  const views = dependentViews(catalog, t);
  return views.length > 0
    ? `The views ${views.join(', ')} read this table; if they use the column, drop them before the change and recreate them after.`
    : '';
}

/** `CHECK … NOT VALID` then `VALIDATE`: the validation scan takes only SHARE UPDATE EXCLUSIVE. */
export function addCheckSql(t: Table, name: string, expression: string): string {
  const rel = qualify(t.schema, t.name);
  return `ALTER TABLE ${rel} ADD CONSTRAINT ${quoteIdent(name)} CHECK (${expression}) NOT VALID;\n` +
    `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${quoteIdent(name)};`;
}

/** A constraint name that fits in 63 bytes. */
export function constraintName(t: Table, column: string, suffix: string): string {
  const n = `${t.name}_${column}_${suffix}`;
  return n.length <= 63 ? n : n.slice(0, 63);
}

/**
 * A query listing values that will not cast to `type`, for the notes of a text → typed change.
 * pg_input_is_valid exists from PostgreSQL 16; older servers get a DO block that stops at the first bad value.
 */
export function castPrecheck(serverVersionNum: number, t: Table, column: string, type: string): string {
  const rel = qualify(t.schema, t.name);
  const col = `${quoteIdent(column)}::text`;
  if (serverVersionNum >= 160000) {
    return `SELECT ${col} AS bad_value FROM ${rel} WHERE btrim(${col}) <> '' AND NOT pg_input_is_valid(btrim(${col}), '${type}') LIMIT 20;`;
  }
  return `DO $$ DECLARE v text; BEGIN FOR v IN SELECT ${col} FROM ${rel} WHERE btrim(${col}) <> '' LOOP ` +
    `BEGIN PERFORM btrim(v)::${type}; EXCEPTION WHEN others THEN RAISE EXCEPTION 'not a ${type}: %', v; END; END LOOP; END $$;`;
}

/** One column's type change: the statements around it belong to it (a session setting before, a CHECK after). */
export interface TypeChange {
  column: string;
  type: string;
  using?: string;
  /** Statements that must run before the ALTER, e.g. `SET timezone = 'UTC';`. */
  before?: string[];
  /** Statements that follow it, e.g. a CHECK that needs the new type. */
  after?: string[];
}

/** The fix for one column: its SQL, and the views and policies it drops and recreates (none when nothing reads the column). */
export interface TypeChangeFix {
  sql: string;
  views: View[];
  policies: Policy[];
  /** The columns the SQL changes: more than this one when views read several of the table's flagged columns. */
  columns: string[];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Does deparsed SQL name this relation? pg_get_viewdef prints it bare when it needs no quotes, else
 * in double quotes, and qualified when it is not on the search_path: one qualified by another schema does not count.
 */
function mentions(text: string, name: string, schema: string): boolean {
  const printed = quoteIdent(name);
  const re = new RegExp(
    printed.startsWith('"') ? `()${escapeRe(printed)}()` : `(^|[^A-Za-z0-9_$"])${escapeRe(printed)}($|[^A-Za-z0-9_$"])`,
    'g',
  );
  for (const m of text.matchAll(re)) {
    const head = text.slice(0, (m.index ?? 0) + (m[1] as string).length);
    const qualifier = /("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\.$/.exec(head);
    if (!qualifier) return true;
    const q = qualifier[1] as string;
    const unquoted = q.startsWith('"') ? q.slice(1, -1).replace(/""/g, '"') : q;
    if (unquoted === schema) return true;
  }
  return false;
}

/** Identifiers in deparsed SQL, as Postgres names them (quotes removed); keywords and words in literals come along harmlessly. */
function identifiers(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)/g)) out.add(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] as string));
  return out;
}

/** Who might read a relation, by the identifiers their text holds: built once per catalog, so each column costs a lookup. */
interface Readers {
  views: View[];
  words: Map<View | Policy, Set<string>>;
  viewsByWord: Map<string, View[]>;
  policiesByWord: Map<string, Policy[]>;
  /** Catalog order of policies, to list them deterministically. */
  policyOrder: Map<Policy, number>;
}

const readersOf = new WeakMap<Catalog, Readers>();

function readers(catalog: Catalog): Readers {
  const known = readersOf.get(catalog);
  if (known) return known;
  const r: Readers = { views: catalog.views.filter((v) => v.origin === 'user'), words: new Map(), viewsByWord: new Map(), policiesByWord: new Map(), policyOrder: new Map() };
  for (const v of r.views) {
    const words = identifiers(v.definition);
    r.words.set(v, words);
    for (const w of words) r.viewsByWord.set(w, [...(r.viewsByWord.get(w) ?? []), v]);
  }
  for (const t of catalog.tables) {
    if (t.origin !== 'user') continue;
    for (const p of t.policies) {
      r.policyOrder.set(p, r.policyOrder.size);
      const words = identifiers([p.using, p.withCheck].filter((x): x is string => x !== null).join('\n'));
      r.words.set(p, words);
      for (const w of words) r.policiesByWord.set(w, [...(r.policiesByWord.get(w) ?? []), p]);
    }
  }
  readersOf.set(catalog, r);
  return r;
}

function textOf(x: View | Policy): string {
  return 'definition' in x ? x.definition : [x.using, x.withCheck].filter((e): e is string => e !== null).join('\n');
}

/**
 * Does a view (or a policy on another table) read these columns of the table? The catalog has no
 * column-level dependencies (pg_depend is not introspected), so this reads the deparsed text: the
 * table is named (bare, or qualified by its own schema), and so is one of the columns or a whole
 * row (`t.*`, which pg_get_viewdef prints for `row_to_json(t)` and for `SELECT t`). A same-named
 * column of another table costs a needless drop and recreate; since the deparsed text names every
 * column it uses, nothing it reads is missed.
 */
function readsColumns(r: Readers, x: View | Policy, t: Table, columns: readonly string[]): boolean {
  const words = r.words.get(x);
  if (!words || !words.has(t.name) || !mentions(textOf(x), t.name, t.schema)) return false;
  return columns.some((c) => words.has(c)) || textOf(x).includes('.*');
}

function readsView(r: Readers, v: View, other: View): boolean {
  return v !== other && (r.words.get(v)?.has(other.name) ?? false) && mentions(v.definition, other.name, other.schema);
}

/**
 * The views to drop before changing these columns' types, in the order they are recreated: views
 * that read the columns, then every view built on one of those (DROP VIEW without CASCADE refuses
 * while another view reads it), each after the views it reads.
 */
export function viewsReadingColumns(catalog: Catalog, uses: ReadonlyArray<{ table: Table; columns: readonly string[] }>): View[] {
  const r = readers(catalog);
  const chosen = new Set<View>();
  for (const u of uses) {
    if (u.columns.length === 0) continue;
    for (const v of r.viewsByWord.get(u.table.name) ?? []) if (readsColumns(r, v, u.table, u.columns)) chosen.add(v);
  }
  for (const queue = [...chosen]; queue.length > 0;) {
    const c = queue.pop() as View;
    for (const v of r.viewsByWord.get(c.name) ?? []) {
      if (!chosen.has(v) && readsView(r, v, c)) {
        chosen.add(v);
        queue.push(v);
      }
    }
  }
  const depth = new Map<View, number>();
  const depthOf = (v: View, seen: Set<View>): number => {
    const known = depth.get(v);
    if (known !== undefined) return known;
    seen.add(v);
    const reads = [...chosen].filter((c) => !seen.has(c) && readsView(r, v, c));
    const d = reads.length === 0 ? 0 : 1 + Math.max(...reads.map((c) => depthOf(c, seen)));
    seen.delete(v);
    depth.set(v, d);
    return d;
  };
  const key = (v: View) => `${v.schema}\u0000${v.name}`;
  return [...chosen]
    .map((v) => ({ v, d: depthOf(v, new Set()) }))
    .sort((a, b) => a.d - b.d || (key(a.v) < key(b.v) ? -1 : key(a.v) > key(b.v) ? 1 : 0))
    .map((x) => x.v);
}

function viewKind(v: View): string {
  return v.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
}

function grantee(name: string): string {
  return name === 'public' ? 'PUBLIC' : quoteIdent(name);
}

/**
 * Row-level security policies whose expressions use these columns: PostgreSQL refuses the type
 * change under them too ("cannot alter type of a column used in a policy definition"). A policy on
 * the table names the column bare; one on another table must also name the table (a subquery).
 */
export function policiesReadingColumns(catalog: Catalog, uses: ReadonlyArray<{ table: Table; columns: readonly string[] }>): Policy[] {
  const r = readers(catalog);
  const out = new Set<Policy>();
  for (const { table, columns } of uses) {
    if (columns.length === 0) continue;
    for (const p of table.policies) if (columns.some((c) => r.words.get(p)?.has(c))) out.add(p);
    for (const p of r.policiesByWord.get(table.name) ?? []) {
      if ((p.schema !== table.schema || p.table !== table.name) && readsColumns(r, p, table, columns)) out.add(p);
    }
  }
  return [...out].sort((a, b) => (r.policyOrder.get(a) ?? 0) - (r.policyOrder.get(b) ?? 0));
}

function createPolicy(p: Policy): string {
  const roles = p.roles.length === 0 || (p.roles.length === 1 && p.roles[0] === 'public') ? '' : ` TO ${p.roles.map(grantee).join(', ')}`;
  return `CREATE POLICY ${quoteIdent(p.name)} ON ${qualify(p.schema, p.table)}${p.permissive ? '' : ' AS RESTRICTIVE'}` +
    `${p.command === 'all' ? '' : ` FOR ${p.command.toUpperCase()}`}${roles}` +
    `${p.using !== null ? ` USING (${p.using})` : ''}${p.withCheck !== null ? ` WITH CHECK (${p.withCheck})` : ''};`;
}

/**
 * The statements that bring a dropped view back as the catalog describes it: definition, options,
 * a materialized view's indexes, comments and grants. A new view gets the default privileges of
 * the role creating it (Supabase grants everything to anon and authenticated), so the ACL is put
 * back exactly: the roles that hold grants in the view's schema (its owner aside) lose everything
 * on the new view, then get back what they had on the old one.
 */
function recreateView(catalog: Catalog, v: View): string[] {
  const rel = qualify(v.schema, v.name);
  const options = [v.securityInvoker ? 'security_invoker = true' : null, v.securityBarrier ? 'security_barrier = true' : null]
    .filter((o): o is string => o !== null);
  const definition = v.definition.trim().replace(/;\s*$/, '');
  const out = [`CREATE ${viewKind(v)} ${rel}${!v.materialized && options.length > 0 ? ` WITH (${options.join(', ')})` : ''} AS\n${definition};`];
  for (const i of v.indexes) {
    out.push(`${i.definition};`);
    if (i.comment !== null) out.push(`COMMENT ON INDEX ${qualify(i.schema, i.name)} IS ${quoteLiteral(i.comment)};`);
  }
  if (v.comment !== null) out.push(`COMMENT ON ${viewKind(v)} ${rel} IS ${quoteLiteral(v.comment)};`);
  const owner = catalog.schemas.find((s) => s.name === v.schema)?.owner;
  const roles = [...new Set(catalog.grants.filter((g) => g.schema === v.schema && g.grantee !== owner).map((g) => g.grantee))].sort();
  if (roles.length > 0) out.push(`REVOKE ALL ON ${rel} FROM ${roles.map(grantee).join(', ')};`);
  // Roles with the same privileges share one GRANT.
  const byPrivileges = new Map<string, string[]>();
  for (const g of catalog.grants) {
    if (g.schema !== v.schema || g.table !== v.name) continue;
    const key = g.privileges.join(', ');
    byPrivileges.set(key, [...(byPrivileges.get(key) ?? []), grantee(g.grantee)]);
  }
  for (const [privileges, to] of byPrivileges) out.push(`GRANT ${privileges} ON ${rel} TO ${to.join(', ')};`);
  return out;
}

/**
 * ALTER COLUMN … TYPE for tables' columns, wrapped in the drop and recreation of the views and
 * policies that read them: PostgreSQL refuses the change while a view, rule or policy uses the column.
 */
export function typeChangeSql(
  catalog: Catalog, parts: ReadonlyArray<{ table: Table; changes: readonly TypeChange[] }>,
): { sql: string; views: View[]; policies: Policy[] } {
  const uses = parts.map((p) => ({ table: p.table, columns: p.changes.map((c) => c.column) }));
  const views = viewsReadingColumns(catalog, uses);
  const policies = policiesReadingColumns(catalog, uses);
  const lines: string[] = [];
  for (const p of policies) lines.push(`DROP POLICY ${quoteIdent(p.name)} ON ${qualify(p.schema, p.table)};`);
  for (const v of [...views].reverse()) lines.push(`DROP ${viewKind(v)} ${qualify(v.schema, v.name)};`);
  const before = [...new Set(parts.flatMap((p) => p.changes.flatMap((c) => c.before ?? [])))];
  lines.push(...before);
  for (const p of parts) {
    const clauses = p.changes.map((c) => `ALTER COLUMN ${quoteIdent(c.column)} TYPE ${c.type}${c.using ? ` USING ${c.using}` : ''}`);
    lines.push(`ALTER TABLE ${qualify(p.table.schema, p.table.name)} ${clauses.join(',\n  ')};`);
  }
  for (const v of views) lines.push(...recreateView(catalog, v));
  for (const p of policies) lines.push(createPolicy(p));
  for (const p of parts) for (const c of p.changes) lines.push(...(c.after ?? []));
  return { sql: lines.join('\n'), views, policies };
}

/**
 * Each flagged column's fix. A column no view or policy reads gets its own ALTER. The columns they
 * read are changed together in one ALTER TABLE, between one drop and one recreation of those views
 * and policies, and every finding among them carries that same SQL: two fixes dropping one view
 * would collide in `schemasage fix`, while a fix whose statements an earlier one already has counts
 * as done by it (and the table is rewritten once).
 */
export function typeChangeFixes(catalog: Catalog, t: Table, changes: readonly TypeChange[]): Map<string, TypeChangeFix> {
  const out = new Map<string, TypeChangeFix>();
  const viewed = changes.filter((c) => {
    const use = [{ table: t, columns: [c.column] }];
    return viewsReadingColumns(catalog, use).length > 0 || policiesReadingColumns(catalog, use).length > 0;
  });
  const together = viewed.length > 0 ? typeChangeSql(catalog, [{ table: t, changes: viewed }]) : null;
  for (const c of changes) {
    if (together && viewed.includes(c)) out.set(c.column, { ...together, columns: viewed.map((x) => x.column) });
    else out.set(c.column, { ...typeChangeSql(catalog, [{ table: t, changes: [c] }]), columns: [c.column] });
  }
  return out;
}

/** What the notes say about the views and policies the fix drops and recreates; '' when there are none. */
export function recreatedNote(fix: { views: readonly View[]; policies: readonly Policy[]; columns?: readonly string[] }): string {
  const { views, policies } = fix;
  if (views.length === 0 && policies.length === 0) return '';
  const columns = fix.columns ?? [];
  const viewNames = views.map((v) => `${qualify(v.schema, v.name)}${v.materialized ? ' (materialized)' : ''}`);
  const policyNames = policies.map((p) => `the policy ${quoteIdent(p.name)} on ${qualify(p.schema, p.table)}`);
  const all = [...viewNames, ...policyNames];
  const them = all.length === 1 ? 'it' : 'them';
  const parts = [
    `PostgreSQL refuses to change the type of a column that a ${views.length > 0 ? 'view' : 'policy'}${views.length > 0 && policies.length > 0 ? ' or policy' : ''} uses, ` +
      `so the fix drops ${all.join(', ')} first and recreates ${them} after, in the same transaction (readers never see ${them} missing)` +
      (views.length > 0 ? `; views come back from the definition pg_get_viewdef printed, with security_invoker/security_barrier, comments, indexes and grants as the catalog has them.` : '.'),
  ];
  if (columns.length > 1) parts.push(`They read ${columns.join(', ')}, so those columns change in the same statement and the ${views.length > 0 ? 'views are' : 'policies are'} rebuilt once.`);
  if (views.length > 0) {
    parts.push(`The recreated views belong to the role that runs the migration; WITH CHECK OPTION, column comments and triggers on the views ` +
      `are not in the catalog: restore them if the old views had them.`);
  }
  if (views.some((v) => v.materialized)) parts.push('A materialized view is filled again by its query inside the transaction.');
  return parts.join(' ');
}
