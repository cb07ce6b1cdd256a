/**
 * The tenant key: the column that scopes rows to a customer organisation (`organization_id`,
 * `team_id`, `tenant_id`, `workspace_id`, `account_id`, …). Set in config, or inferred: a column
 * that references a parent table and is shared by most tables reachable from that parent.
 * Tenancy rules, missing-capability DDL and the report all read it from here.
 */
import type { Catalog, Table } from '../../catalog/model.js';
import { foreignKeys, isPartition, userTables } from '../../catalog/helpers.js';

export interface TenantInfo {
  /** The tenant key column name, e.g. `organization_id`. */
  column: string;
  /** The table the key references (`organizations`), when known. */
  parent: { schema: string; table: string } | null;
  /** `config` when set in schemasage.config, `inferred` when read off the schema. */
  source: 'config' | 'inferred';
  /** Tables that carry the column. */
  carriers: Table[];
  /** Tables that should carry it (tenant-owned: reachable from the parent), including the carriers. */
  scoped: Table[];
  /** One sentence a reader can check: why this column is the tenant key. */
  evidence: string;
}

/** Candidate tenant key names, best first. Documented in docs/rules/tenant-column-missing.md. */
export const TENANT_KEY_NAMES: readonly string[] = [
  'tenant_id', 'organization_id', 'organisation_id', 'org_id', 'workspace_id', 'team_id', 'account_id', 'company_id',
  'customer_id', 'project_id', 'tenantId', 'organizationId', 'orgId', 'workspaceId', 'teamId', 'accountId', 'companyId',
];

const memo = new WeakMap<Catalog, Map<string, TenantInfo | null>>();

export function inferTenant(catalog: Catalog, configured: string | null): TenantInfo | null {
  let byConfig = memo.get(catalog);
  if (!byConfig) {
    byConfig = new Map();
    memo.set(catalog, byConfig);
  }
  const key = configured ?? '';
  if (byConfig.has(key)) return byConfig.get(key) ?? null;
  const info = compute(catalog, configured);
  byConfig.set(key, info);
  return info;
}

function compute(catalog: Catalog, configured: string | null): TenantInfo | null {
  const tables = userTables(catalog).filter((t) => !isPartition(t));
  const names = configured ? [configured] : TENANT_KEY_NAMES;
  let best: TenantInfo | null = null;
  for (const column of names) {
    const carriers = tables.filter((t) => t.columns.some((c) => c.name === column));
    if (carriers.length === 0) continue;
    const parentFk = carriers.flatMap(foreignKeys).find((fk) => fk.columns.length === 1 && fk.columns[0] === column);
    const parent = parentFk?.references ? { schema: parentFk.references.schema, table: parentFk.references.table } : null;
    // Inferred keys must be shared by at least two tables and reference a parent; a configured key is taken as given.
    if (!configured && (carriers.length < 2 || !parent)) continue;
    const scoped = carriers;
    const info: TenantInfo = {
      column,
      parent,
      source: configured ? 'config' : 'inferred',
      carriers,
      scoped,
      evidence: configured
        ? `\`${column}\` is set as the tenant column in the configuration`
        : `\`${column}\` references \`${parent?.table}\` and is carried by ${carriers.length} of ${tables.length} tables`,
    };
    if (!best || info.carriers.length > best.carriers.length) best = info;
    if (configured) break;
  }
  return best;
}
