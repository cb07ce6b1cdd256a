/**
 * Helpers shared by the security rules: who can reach a relation through the API, owner columns, view references,
 * and how the schema's own policies name the caller.
 */
import type { Catalog, Column, Table, View } from '../../catalog/model.js';
import { isPartition, qualify, quoteIdent, quoteLiteral, userTables } from '../../catalog/helpers.js';
import { USER_TABLE_WORDS, nameWords } from '../lexicon.js';

/** Roles PostgREST (Supabase's Data API) runs client requests as. */
export const API_ROLES: readonly string[] = ['anon', 'authenticated'];

const DML = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ALL', 'ALL PRIVILEGES']);

/** User tables judged directly (partitions are reached through their parent); foreign tables have no RLS. */
export function securedTables(catalog: Catalog): Table[] {
  return userTables(catalog).filter((t) => !isPartition(t) && t.kind !== 'foreign table');
}

/** The API roles holding a DML privilege on a relation. */
const apiGrantIndex = new WeakMap<Catalog['grants'], Map<string, Set<string>>>();

/** API roles holding DML on each relation, indexed once per catalog (rules ask per table). */
function apiGrantsByRelation(catalog: Catalog): Map<string, Set<string>> {
  let index = apiGrantIndex.get(catalog.grants);
  if (!index) {
    index = new Map();
    for (const g of catalog.grants) {
      if (!API_ROLES.includes(g.grantee) || !g.privileges.some((p) => DML.has(p.toUpperCase()))) continue;
      const key = `${g.schema}\u0000${g.table}`;
      const roles = index.get(key) ?? new Set<string>();
      roles.add(g.grantee);
      index.set(key, roles);
    }
    apiGrantIndex.set(catalog.grants, index);
  }
  return index;
}

export function apiGrantees(catalog: Catalog, schema: string, name: string): string[] {
  const roles = apiGrantsByRelation(catalog).get(`${schema}\u0000${name}`);
  return roles ? API_ROLES.filter((r) => roles.has(r)) : [];
}

const publicGrants = new WeakMap<Catalog['grants'], boolean>();
function hasPublicGrants(catalog: Catalog): boolean {
  let v = publicGrants.get(catalog.grants);
  if (v === undefined) {
    v = catalog.grants.some((g) => g.schema === 'public');
    publicGrants.set(catalog.grants, v);
  }
  return v;
}

export interface Exposure {
  exposed: boolean;
  /** Why it is reachable, for the message: "granted to anon, authenticated". */
  reason: string;
  grantees: string[];
}

/**
 * Is a relation reachable by API clients? Yes when anon/authenticated hold a privilege on it, or on
 * Supabase when it sits in `public` and the catalog carries no grants for that schema at all (a catalog
 * read without grants: Supabase's default privileges grant everything in public to both roles).
 * A public relation whose API grants were revoked is not exposed.
 */
export function exposure(catalog: Catalog, schema: string, name: string): Exposure {
  const grantees = apiGrantees(catalog, schema, name);
  if (grantees.length > 0) {
    return { exposed: true, reason: `${grantees.join(' and ')} ${grantees.length > 1 ? 'hold' : 'holds'} privileges on it`, grantees };
  }
  // No grant rows at all for the schema means the catalog carries no grant information (Supabase's default
  // privileges always leave some, at least for service_role), not that everything was revoked.
  if (catalog.supabase && schema === 'public' && !hasPublicGrants(catalog)) {
    return { exposed: true, reason: 'it is in `public` on Supabase, which the Data API serves to the anon and authenticated roles', grantees: [...API_ROLES] };
  }
  return { exposed: false, reason: '', grantees: [] };
}

const OWNER_NAMES = ['user_id', 'owner_id', 'profile_id', 'author_id', 'created_by', 'creator_id', 'owner', 'user'];

/**
 * The column that ties a row to the user who owns it, for a starter policy: an FK to auth.users or a
 * users-like table first, then a conventional name. On Supabase it must be a uuid to compare with auth.uid().
 */
export function ownerColumn(catalog: Catalog, t: Table): Column | undefined {
  const usable = (c: Column | undefined): c is Column => c !== undefined && (!catalog.supabase || c.typeName === 'uuid') && !c.isArray;
  for (const k of t.constraints) {
    if (k.type !== 'foreign key' || k.columns.length !== 1 || !k.references) continue;
    const ref = k.references;
    const usersLike = (ref.schema === 'auth' && ref.table === 'users') ||
      (!catalog.supabase && nameWords(ref.table).some((w) => USER_TABLE_WORDS.includes(w)));
    const c = t.columns.find((x) => x.name === k.columns[0]);
    if (usersLike && usable(c)) return c;
  }
  for (const n of OWNER_NAMES) {
    const c = t.columns.find((x) => x.name === n);
    if (usable(c)) return c;
  }
  return undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Tables a view's definition reads. pg_get_viewdef qualifies a name only when it is not on the
 * search_path, so public tables appear bare and others as schema.name; we look for them after FROM,
 * JOIN or a comma in a FROM list.
 */
export function viewReferences(catalog: Catalog, v: View): Table[] {
  return catalog.tables.filter((t) => {
    const name = `"?${escapeRe(t.name)}"?`;
    const qualified = `"?${escapeRe(t.schema)}"?\\.${name}`;
    const ref = t.schema === 'public' ? `(?:(?:"?public"?\\.)?${name})` : `(?:${qualified})`;
    return new RegExp(`(?:\\bFROM|\\bJOIN|,)\\s*\\(*\\s*${ref}(?=[\\s),;]|$)`, 'i').test(v.definition);
  });
}

/**
 * How the schema's own policies name the caller, so a generated policy reads like its siblings and
 * asks the application for nothing new: the session setting or helper function they compare with a
 * user id, and the roles they are written for.
 */
export interface SessionStyle {
  /** The caller's user id as SQL of `type`, wrapped in a scalar subquery so it is evaluated once per statement. */
  user(type: string): string;
  /** Where `user` came from, for notes: "`current_setting('app.current_user_id')`, as the schema's policies read it". */
  userSource: string;
  /** True when `user` is the schema's own (a setting or function its policies use), not our default. */
  userFromSchema: boolean;
  /** ` TO app_user`, or '' for PUBLIC. */
  to: string;
}

/** A `current_setting('name'[, missing_ok])` call as pg_get_expr prints it (`'name'::text`). */
export const SETTING_CALL = /current_setting\(\s*'((?:[^']|'')+)'(?:::text)?\s*(?:,\s*(true|false)\s*)?\)/gi;

/** `schema.fn()` / `fn()` with no arguments, as pg_get_expr prints it. */
const ZERO_ARG_CALL = /(?:("?)([A-Za-z_][A-Za-z0-9_$]*)\1\s*\.\s*)?("?)([A-Za-z_][A-Za-z0-9_$]*)\3\s*\(\s*\)/g;

/** Policy expressions of the schema's own tables, in catalog order (the only input, so the style is deterministic). */
function policyExpressions(catalog: Catalog): Array<{ table: Table; expr: string }> {
  const out: Array<{ table: Table; expr: string }> = [];
  for (const t of securedTables(catalog)) {
    for (const p of t.policies) for (const e of [p.using, p.withCheck]) if (e) out.push({ table: t, expr: e });
  }
  return out;
}

/**
 * A setting read the way the schema reads it: without `missing_ok` it errors when the application forgot
 * to set it, like its siblings; with it, unset or reset ('') means no row. The call is the whole target of
 * its scalar subquery, so it runs once per statement (rls-policy-per-row-auth-call reads it that way).
 */
export function settingSql(name: string, missingOk: boolean, type: string): string {
  const lit = quoteLiteral(name);
  return missingOk ? `NULLIF((SELECT current_setting(${lit}, true)), '')::${type}` : `(SELECT current_setting(${lit})::${type})`;
}

/** User functions with no arguments an expression calls, as `schema.name` SQL. */
export function zeroArgFunctions(catalog: Catalog, expr: string): Array<{ sql: string; name: string; fn: Catalog['functions'][number] }> {
  const out: Array<{ sql: string; name: string; fn: Catalog['functions'][number] }> = [];
  for (const m of expr.matchAll(ZERO_ARG_CALL)) {
    const schema = m[2];
    const name = m[4] as string;
    const fn = catalog.functions.find((f) => f.name === name && f.arguments === '' && f.origin === 'user' && (schema === undefined || f.schema === schema));
    if (fn) out.push({ sql: `${qualify(fn.schema, fn.name)}()`, name: fn.name, fn });
  }
  return out;
}

function isUserWord(words: string[]): boolean {
  return words.includes('uid') || (words.includes('user') && (words.includes('id') || words.length === 1));
}

const styleMemo = new WeakMap<Catalog, SessionStyle>();

export function sessionStyle(catalog: Catalog): SessionStyle {
  let s = styleMemo.get(catalog);
  if (!s) {
    s = computeSessionStyle(catalog);
    styleMemo.set(catalog, s);
  }
  return s;
}

function computeSessionStyle(catalog: Catalog): SessionStyle {
  const exprs = policyExpressions(catalog);
  let user: SessionStyle['user'] | null = null;
  let userSource = '';
  if (catalog.supabase) {
    user = () => '(SELECT auth.uid())';
    userSource = '`auth.uid()`';
  }
  // A helper function the policies call (`app.current_user_id()`) beats the setting it reads.
  for (const { expr } of exprs) {
    if (user) break;
    const fn = zeroArgFunctions(catalog, expr).find((f) => isUserWord(nameWords(f.name)));
    if (fn) {
      user = () => `(SELECT ${fn.sql})`;
      userSource = `\`${fn.sql}\`, as the schema's policies do`;
    }
  }
  for (const { expr } of exprs) {
    if (user) break;
    for (const m of expr.matchAll(SETTING_CALL)) {
      const name = (m[1] as string).replace(/''/g, "'");
      if (!isUserWord(nameWords(name))) continue;
      const missingOk = m[2] === 'true';
      user = (type) => settingSql(name, missingOk, type);
      userSource = `\`current_setting('${name}')\`, as the schema's policies read it`;
      break;
    }
  }
  const fromSchema = user !== null;
  return {
    user: user ?? ((type) => settingSql('app.user_id', true, type)),
    userSource: fromSchema ? userSource : '`app.user_id`, which the application sets per transaction (SET LOCAL app.user_id = \'…\')',
    userFromSchema: fromSchema,
    to: policyRoles(catalog),
  };
}

/** Roles that bypass row level security anyway: policies for them say nothing about the application's role. */
const BYPASS_ROLES: readonly string[] = ['service_role', 'supabase_admin', 'postgres'];

/** The roles most of the schema's policies are for; on Supabase `authenticated` unless they name another. */
function policyRoles(catalog: Catalog): string {
  const counts = new Map<string, number>();
  for (const t of securedTables(catalog)) {
    for (const p of t.policies) {
      if (p.roles.length > 0 && p.roles.every((r) => BYPASS_ROLES.includes(r))) continue;
      const k = [...p.roles].sort().join(', ');
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  let best: string | null = null;
  let n = 0;
  for (const [k, c] of counts) if (c > n) { best = k; n = c; }
  if (best === null || best === 'public' || best === '') return catalog.supabase ? ' TO authenticated' : '';
  return ` TO ${best.split(', ').map(quoteIdent).join(', ')}`;
}

/** Does the schema turn row level security on anywhere? Then rls-disabled names every table without it. */
export function schemaUsesRls(catalog: Catalog, schema: string): boolean {
  return securedTables(catalog).some((t) => t.schema === schema && t.rlsEnabled);
}
