import type { Catalog, Column, Table } from '../../catalog/model.js';
import { findTable, qualify, quoteIdent, tableRef } from '../../catalog/helpers.js';
import type { TenantInfo } from '../tenancy/tenant.js';
import { freePolicyName, isCarrier, isParent, tenantColumn, tenantFor, tenantPolicySql, tenantPolicyStyle } from '../tenancy/shared.js';
import { defineRule, type FindingDraft } from '../types.js';
import { ownerColumn, securedTables, sessionStyle } from './shared.js';

/**
 * The row check that keeps a tenant-owned table's rows to the caller's tenant, written the way the
 * schema's tenant policies write it: on the key itself, on a foreign key to the tenant under another
 * name, or through the table it references that carries the key. Null when the table reaches its
 * tenant only further away (an owner policy is the starter then).
 */
function tenantCheck(catalog: Catalog, info: TenantInfo, t: Table): { check: string; via: string } | null {
  const style = tenantPolicyStyle(catalog, info);
  const m = info.membership;
  if (isCarrier(info, t)) {
    const key = tenantColumn(info, t) as Column;
    // Without a helper of the schema's own, the check reads the membership table: on that table itself it would recurse.
    if (m && m.table === t && !style.fromSchema) {
      const userCol = t.columns.find((c) => c.name === m.userColumn);
      return { check: `${quoteIdent(m.userColumn)} = ${sessionStyle(catalog).user(userCol?.type ?? 'bigint')}`, via: `\`${m.userColumn}\`` };
    }
    return { check: style.check(quoteIdent(key.name), key.type), via: `\`${key.name}\`` };
  }
  for (const fk of t.constraints) {
    const ref = fk.references;
    if (fk.type !== 'foreign key' || fk.inherited || !ref) continue;
    if (fk.columns.length === 1 && isParent(info, ref.schema, ref.table) && info.parentKey && ref.columns[0] === info.parentKey.column) {
      const c = t.columns.find((x) => x.name === fk.columns[0]) as Column;
      return { check: style.check(quoteIdent(c.name), c.type), via: `\`${c.name}\`` };
    }
  }
  for (const fk of t.constraints) {
    const ref = fk.references;
    if (fk.type !== 'foreign key' || fk.inherited || !ref) continue;
    const parent = findTable(catalog, ref.schema, ref.table);
    if (!parent || parent === t || !isCarrier(info, parent)) continue;
    const key = tenantColumn(info, parent) as Column;
    const self = qualify(t.schema, t.name);
    const join = fk.columns.map((c, i) => `p.${quoteIdent(ref.columns[i] as string)} = ${self}.${quoteIdent(c)}`).join(' AND ');
    return {
      check: `EXISTS (SELECT 1 FROM ${qualify(parent.schema, parent.name)} p WHERE ${join} AND ${style.check(`p.${quoteIdent(key.name)}`, key.type)})`,
      via: `\`${parent.name}.${key.name}\``,
    };
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'rls-enabled-no-policy',
    category: 'security',
    severity: 'medium',
    title: 'Row level security enabled without any policy',
    rationale:
      'With RLS enabled and no policy, PostgreSQL denies by default: every SELECT by a role other than the owner (or a ' +
      'BYPASSRLS role) returns nothing and every write fails. That is either an intended lockdown (service-only table) or a ' +
      'policy that was never written, which shows up as "the app sees no data" rather than as an error.',
    enabledByDefault: true,
  },
  check(ctx) {
    const { catalog } = ctx;
    const out: FindingDraft[] = [];
    const info = tenantFor(ctx);
    const session = sessionStyle(catalog);
    for (const t of securedTables(catalog)) {
      if (!t.rlsEnabled || t.policies.length > 0) continue;
      const rel = qualify(t.schema, t.name);
      const owner = ownerColumn(catalog, t);
      const who = catalog.supabase ? 'anon and authenticated (the Data API roles)' : 'every role other than the owner';
      const tenant = info ? tenantCheck(catalog, info, t) : null;
      let sql: string | null = null;
      let notes = '';
      let on: string | null = null;
      if (tenant && info) {
        const style = tenantPolicyStyle(catalog, info);
        sql = tenantPolicySql(catalog, t, freePolicyName(t.name, style.suffix, []), tenant.check);
        on = tenant.via;
        notes =
          `A starter policy that keeps every row to the caller's tenant on ${tenant.via}, through ${style.how}; review it against how the ` +
          `table is used (per-role or per-action policies may follow). CREATE POLICY takes an ACCESS EXCLUSIVE lock briefly.`;
      } else if (owner) {
        const col = quoteIdent(owner.name);
        const name = quoteIdent(`${t.name}_owner`);
        const user = session.user(owner.type);
        sql = catalog.supabase
          ? `CREATE POLICY ${name} ON ${rel} FOR ALL${session.to}\n  USING (${col} = ${user}) WITH CHECK (${col} = ${user});`
          : `CREATE POLICY ${name} ON ${rel}${session.to ? ` FOR ALL${session.to}` : ''}\n  USING (${col} = ${user});`;
        on = `\`${owner.name}\``;
        notes =
          `A starter policy on the owner column \`${owner.name}\`, compared with ${session.userSource}: review it against how the table ` +
          `is used. CREATE POLICY takes an ACCESS EXCLUSIVE lock briefly.`;
      }
      out.push({
        objects: [tableRef(t)],
        message:
          `\`${rel}\` has row level security enabled but no policy: ${who} see no rows and cannot write` +
          `${t.rlsForced ? ' (FORCE ROW LEVEL SECURITY: not even the owner)' : '; only the owner and BYPASSRLS roles get through'}. ` +
          `If the table is service-only, say so in its comment (\`@schemasage-ignore rls-enabled-no-policy: service only\`); ` +
          `otherwise add a policy per role and action` + (on ? `, e.g. on ${on}.` : '.'),
        details: { ownerColumn: owner?.name ?? null, tenantColumn: tenant && info ? info.column : null, forced: t.rlsForced },
        fix: sql === null ? null : { sql, notes },
      });
    }
    return out;
  },
});
