/** Helpers shared by the security rules: who can reach a relation through the API, owner columns, view references. */
import type { Catalog, Column, Table, View } from '../../catalog/model.js';
import { isPartition, userTables } from '../../catalog/helpers.js';
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
