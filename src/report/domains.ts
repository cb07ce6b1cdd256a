/**
 * Groups tables into domains for the inventory: "Orders" (orders, order_items, payments),
 * "Users" (users, profiles, user_settings), … Deterministic: the same catalog always gives the
 * same domains in the same order.
 *
 * Plain FK connectivity is useless on its own (almost everything references `users`, so one
 * component swallows the schema). Instead each table picks at most one table it belongs to, and
 * domains are the connected groups of those choices:
 *   1. name prefix: `order_items` belongs to `orders`, `user_settings` to `users` (longest match);
 *   2. shared prefix with no table of that name: `file_uploads`, `file_shares` form one group;
 *   3. otherwise a table that is not itself an anchor (no prefix children, referenced by < 2
 *      tables) joins a table its foreign keys point at, preferring one that is not a hub
 *      (referenced by 3+ tables: `users`, the tenant) — `subscriptions` → `plans`, not `teams` —
 *      then an owning reference (ON DELETE CASCADE, or a unique FK: `profiles.user_id`), then the
 *      deeper table in the FK hierarchy (`payments` → `orders`), then a NOT NULL reference, then
 *      the least referenced table. Only leaves (referenced by nothing) may join a hub.
 *   4. a lone table referenced by exactly one table joins that table's group.
 * A group is named after its most referenced table. Lone tables that nothing references go under
 * "Other"; a lone table referenced by several groups (a hub) keeps a domain of its own.
 */
import type { Catalog, Table } from '../catalog/model.js';
import { foreignKeys, isPartition, userTables } from '../catalog/helpers.js';
import { domainTitle, singular } from './words.js';

export interface Domain {
  name: string;
  /** The table the domain is named after; null for "Other". */
  root: Table | null;
  /** Root first, then by schema-qualified name. */
  tables: Table[];
}

export const OTHER_DOMAIN = 'Other';

/** Referenced by this many tables, a table is a hub (users, teams, accounts): joining it says little about a table. */
const HUB_IN_DEGREE = 3;

interface Reference {
  target: string;
  /** ON DELETE CASCADE or a unique FK (one-to-one): the referencing row is part of the target. */
  owned: boolean;
  notNull: boolean;
}

const keyOf = (t: { schema: string; name: string }): string => `${t.schema}.${t.name}`;
const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(k: string): string {
    let root = k;
    while ((this.parent.get(root) ?? root) !== root) root = this.parent.get(root) as string;
    // Path compression: long FK chains would otherwise make every find walk the whole chain.
    for (let node = k; node !== root; ) {
      const next = this.parent.get(node) as string;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // Deterministic representative: the smaller key wins.
    if (ra !== rb) compareKeys(ra, rb) < 0 ? this.parent.set(rb, ra) : this.parent.set(ra, rb);
  }
}

export function groupDomains(catalog: Catalog): Domain[] {
  const tables = userTables(catalog).filter((t) => !isPartition(t)).sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  const byKey = new Map(tables.map((t) => [keyOf(t), t]));

  const references = new Map<string, Reference[]>();
  const referencedBy = new Map<string, Set<string>>();
  for (const t of tables) {
    const k = keyOf(t);
    const refs: Reference[] = [];
    for (const c of foreignKeys(t)) {
      if (!c.references) continue;
      const target = `${c.references.schema}.${c.references.table}`;
      if (target === k || !byKey.has(target)) continue;
      const notNull = c.columns.every((name) => t.columns.find((col) => col.name === name)?.notNull === true);
      const oneToOne = t.indexes.some((i) => i.unique && i.predicate === null && i.keys.length === c.columns.length && i.keys.every((key) => key.column !== null && c.columns.includes(key.column)));
      refs.push({ target, owned: c.references.onDelete === 'cascade' || oneToOne, notNull });
      if (!referencedBy.has(target)) referencedBy.set(target, new Set());
      referencedBy.get(target)?.add(k);
    }
    references.set(k, refs);
  }
  const inDegree = (k: string): number => referencedBy.get(k)?.size ?? 0;

  // 1. Name-prefix parents.
  const prefixParent = new Map<string, string>();
  const prefixChildren = new Map<string, number>();
  // Index names and singular stems so each table only looks up its own prefixes (10,000 tables
  // would otherwise mean 100 million comparisons).
  const byPrefix = new Map<string, Table[]>();
  const addPrefix = (p: string, t: Table): void => {
    const k = `${t.schema}.${p}`;
    if (!byPrefix.has(k)) byPrefix.set(k, []);
    if (!byPrefix.get(k)?.includes(t)) byPrefix.get(k)?.push(t);
  };
  for (const n of tables) {
    addPrefix(n.name, n);
    addPrefix(singular(n.name), n);
  }
  for (const t of tables) {
    let best: Table | undefined;
    for (let i = t.name.indexOf('_'); i > 0; i = t.name.indexOf('_', i + 1)) {
      for (const n of byPrefix.get(`${t.schema}.${t.name.slice(0, i)}`) ?? []) {
        if (n === t) continue;
        if (!best || n.name.length > best.name.length || (n.name.length === best.name.length && n.name < best.name)) best = n;
      }
    }
    if (best) {
      prefixParent.set(keyOf(t), keyOf(best));
      prefixChildren.set(keyOf(best), (prefixChildren.get(keyOf(best)) ?? 0) + 1);
    }
  }

  const uf = new UnionFind();
  for (const [child, parent] of prefixParent) uf.union(child, parent);

  // 2. Shared prefixes with no table of that name (file_uploads, file_shares, file_versions).
  const grouped = new Set<string>();
  const byToken = new Map<string, Table[]>();
  for (const t of tables) {
    // A prefix parent may share a token too (billing_invoices, parent of billing_invoice_lines, is
    // still billing_); a prefix child already belongs to its parent.
    if (prefixParent.has(keyOf(t))) continue;
    const underscore = t.name.indexOf('_');
    // Two letters are enough for a domain token (hr_, qa_).
    if (underscore < 2) continue;
    const token = `${t.schema}.${t.name.slice(0, underscore)}`;
    if (!byToken.has(token)) byToken.set(token, []);
    byToken.get(token)?.push(t);
  }
  for (const group of byToken.values()) {
    // A prefix on most tables is a naming convention (tbl_, app_), not a domain.
    if (group.length < 2 || (group.length >= 4 && group.length > tables.length / 2)) continue;
    for (const t of group) {
      grouped.add(keyOf(t));
      uf.union(keyOf(t), keyOf(group[0] as Table));
    }
  }

  // 3. Foreign-key parents for tables that are not hubs themselves.
  const depthMemo = new Map<string, number>();
  const depth = (k: string, visiting: Set<string> = new Set()): number => {
    const known = depthMemo.get(k);
    if (known !== undefined) return known;
    visiting.add(k);
    let d = 0;
    for (const r of references.get(k) ?? []) if (!visiting.has(r.target)) d = Math.max(d, 1 + depth(r.target, visiting));
    visiting.delete(k);
    depthMemo.set(k, d);
    return d;
  };
  for (const t of tables) depth(keyOf(t));

  const isHub = (k: string): boolean => inDegree(k) >= HUB_IN_DEGREE;
  for (const t of tables) {
    const k = keyOf(t);
    if (prefixParent.has(k) || grouped.has(k) || prefixChildren.has(k) || inDegree(k) >= 2) continue;
    // A table others hang off (integrations ← webhook_deliveries) heads its own group rather
    // than folding into the tenant or user hub; only leaves join a hub.
    const candidates = [...(references.get(k) ?? [])].filter((r) => inDegree(k) === 0 || !isHub(r.target)).sort(
      (a, b) =>
        Number(isHub(a.target)) - Number(isHub(b.target)) ||
        Number(b.owned) - Number(a.owned) ||
        (depthMemo.get(b.target) ?? 0) - (depthMemo.get(a.target) ?? 0) ||
        Number(b.notNull) - Number(a.notNull) ||
        inDegree(a.target) - inDegree(b.target) ||
        compareKeys(a.target, b.target),
    );
    const chosen = candidates[0];
    if (chosen) uf.union(k, chosen.target);
  }

  // 4. A table only one other table references (a product catalogue used by order_items) joins
  //    that table's domain rather than sitting alone.
  const sizes = new Map<string, number>();
  for (const t of tables) sizes.set(uf.find(keyOf(t)), (sizes.get(uf.find(keyOf(t))) ?? 0) + 1);
  for (const t of tables) {
    const k = keyOf(t);
    const referrers = referencedBy.get(k);
    if (sizes.get(uf.find(k)) !== 1 || referrers?.size !== 1) continue;
    uf.union(k, [...referrers][0] as string);
  }

  const clusters = new Map<string, Table[]>();
  for (const t of tables) {
    const root = uf.find(keyOf(t));
    if (!clusters.has(root)) clusters.set(root, []);
    clusters.get(root)?.push(t);
  }

  const domains: Domain[] = [];
  const other: Table[] = [];
  for (const members of clusters.values()) {
    if (members.length === 1 && inDegree(keyOf(members[0] as Table)) < 2) {
      other.push(members[0] as Table);
      continue;
    }
    const memberKeys = new Set(members.map(keyOf));
    const within = new Map(members.map((t) => [t, (references.get(keyOf(t)) ?? []).filter((r) => memberKeys.has(r.target)).length +
      [...(referencedBy.get(keyOf(t)) ?? [])].filter((k) => memberKeys.has(k)).length]));
    const degreeWithin = (t: Table): number => within.get(t) ?? 0;
    const root = [...members].sort(
      (a, b) =>
        inDegree(keyOf(b)) - inDegree(keyOf(a)) ||
        degreeWithin(b) - degreeWithin(a) ||
        (prefixChildren.get(keyOf(b)) ?? 0) - (prefixChildren.get(keyOf(a)) ?? 0) ||
        a.name.length - b.name.length ||
        compareKeys(keyOf(a), keyOf(b)),
    )[0] as Table;
    const rest = members.filter((t) => t !== root);
    domains.push({ name: sharedTokenTitle(members) ?? domainTitle(root.name), root, tables: [root, ...rest] });
  }

  disambiguate(domains);
  domains.sort((a, b) => b.tables.length - a.tables.length || compareKeys(a.name, b.name));
  if (other.length > 0) domains.push({ name: OTHER_DOMAIN, root: null, tables: other });
  return domains;
}

/**
 * A group whose every table starts with the same token (billing_customers, billing_invoices, …) is
 * that token's domain: "Billing", "HR" — not "Billing Customers" after whichever table is most referenced.
 */
function sharedTokenTitle(members: readonly Table[]): string | null {
  if (members.length < 4) return null;
  const first = members[0] as Table;
  const underscore = first.name.indexOf('_');
  if (underscore < 2) return null;
  const token = first.name.slice(0, underscore + 1);
  if (!members.every((t) => t.name.startsWith(token))) return null;
  const word = token.slice(0, -1);
  // hr, crm, cms: acronyms.
  return word.length <= 2 || !/[aeiouy]/.test(word) ? word.toUpperCase() : word.charAt(0).toUpperCase() + word.slice(1);
}

/** Two roots can title the same ("order", "orders", or one name in two schemas). */
function disambiguate(domains: Domain[]): void {
  const counts = new Map<string, number>();
  for (const d of domains) counts.set(d.name, (counts.get(d.name) ?? 0) + 1);
  for (const d of domains) {
    if ((counts.get(d.name) ?? 0) > 1 || d.name === OTHER_DOMAIN) {
      const root = d.root as Table;
      d.name = `${d.name} (${root.schema === 'public' ? root.name : `${root.schema}.${root.name}`})`;
    }
  }
}
