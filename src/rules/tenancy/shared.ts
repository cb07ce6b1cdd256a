/** Facts and DDL shared by the tenancy rules: which tables carry the key, how it is spelled in SQL, how a NOT NULL is added without a long lock. */
import type { Column, Constraint, Table } from '../../catalog/model.js';
import { qualify, quoteIdent } from '../../catalog/helpers.js';
import { tableLabel, truncateIdentifier } from '../keys/shared.js';
import type { RuleContext } from '../types.js';
import { inferTenant, type TenantInfo } from './tenant.js';

/** The tenant key for this review: configured, else inferred. Null means the schema is not multi-tenant. */
export function tenantFor(ctx: RuleContext): TenantInfo | null {
  const info = inferTenant(ctx.catalog, ctx.review.tenantColumn);
  return info && info.carriers.length + info.scoped.length > 0 ? info : null;
}

export function tableKey(t: { schema: string; name: string }): string {
  return `${t.schema}\u0000${t.name}`;
}

const carrierSets = new WeakMap<TenantInfo, Set<string>>();
const scopedSets = new WeakMap<TenantInfo, Set<string>>();

function setOf(cache: WeakMap<TenantInfo, Set<string>>, info: TenantInfo, tables: Table[]): Set<string> {
  let s = cache.get(info);
  if (!s) {
    s = new Set(tables.map(tableKey));
    cache.set(info, s);
  }
  return s;
}

export function isCarrier(info: TenantInfo, t: { schema: string; name: string }): boolean {
  return setOf(carrierSets, info, info.carriers).has(tableKey(t));
}

export function isScoped(info: TenantInfo, t: { schema: string; name: string }): boolean {
  return setOf(scopedSets, info, info.scoped).has(tableKey(t));
}

export function isParent(info: TenantInfo, schema: string, table: string): boolean {
  return info.parent !== null && info.parent.schema === schema && info.parent.table === table;
}

export function tenantColumn(info: TenantInfo, t: Table): Column | undefined {
  return t.columns.find((c) => c.name === info.column);
}

/** `organizations` / `billing.accounts`, for messages. */
export function parentLabel(info: TenantInfo): string {
  return info.parent ? tableLabel({ schema: info.parent.schema, name: info.parent.table }) : 'the tenant';
}

/** The sentence every tenancy message ends with, so a reader can check why this column is the key. */
export function tenantEvidence(info: TenantInfo): string {
  return info.source === 'config'
    ? `Tenant key: ${info.evidence}.`
    : `Tenant key inferred from the foreign-key graph: ${info.evidence} (set \`tenantColumn\` in the config to override).`;
}

/** The type new tenant columns get: the parent key's, else the carriers' own. */
export function tenantColumnType(info: TenantInfo): string {
  if (info.parentKey) return info.parentKey.type;
  for (const t of info.carriers) {
    const c = tenantColumn(info, t);
    if (c) return c.type;
  }
  return 'bigint';
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Expression helpers live beside the inference, which reads policies too; the rules import them from here.
export { calledFunctions, mentionsIdentifier } from './tenant.js';

/** Does a (validated) CHECK already forbid NULL in the column? */
export function hasNotNullCheck(t: Table, column: string): boolean {
  const re = new RegExp(`^CHECK \\(+"?${escapeRe(column)}"? IS NOT NULL\\)+$`);
  return t.constraints.some((c) => c.type === 'check' && c.validated && re.test(c.definition.trim()));
}

/** A constraint name free on this table. */
export function freeConstraintName(t: Table, base: string): string {
  const taken = new Set(t.constraints.map((c) => c.name));
  for (let n = 0; ; n++) {
    const tail = n === 0 ? '' : String(n);
    const name = `${truncateIdentifier(base, 63 - tail.length)}${tail}`;
    if (!taken.has(name)) return name;
  }
}

/**
 * NOT NULL without holding ACCESS EXCLUSIVE for a full scan: a CHECK added NOT VALID, validated under
 * SHARE UPDATE EXCLUSIVE, lets SET NOT NULL (PostgreSQL 12+) skip its own scan; the CHECK is then redundant.
 */
export function setNotNullSql(t: Table, column: string): string {
  const rel = qualify(t.schema, t.name);
  const col = quoteIdent(column);
  const check = quoteIdent(freeConstraintName(t, `${t.name}_${column}_not_null`));
  return [
    `ALTER TABLE ${rel} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;`,
    `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${check};`,
    `ALTER TABLE ${rel} ALTER COLUMN ${col} SET NOT NULL;`,
    `ALTER TABLE ${rel} DROP CONSTRAINT ${check};`,
  ].join('\n');
}

export const SET_NOT_NULL_NOTES =
  'ADD CONSTRAINT … NOT VALID takes a brief ACCESS EXCLUSIVE lock; VALIDATE scans the table under SHARE UPDATE EXCLUSIVE, ' +
  'which lets reads and writes through; SET NOT NULL then uses the validated CHECK instead of scanning again (PostgreSQL 12+), ' +
  'and the CHECK is dropped as redundant. Set a lock_timeout first.';

/** The foreign key of `t` on exactly the tenant column, pointing at the tenant table. */
export function tenantForeignKey(info: TenantInfo, t: Table): Constraint | undefined {
  return t.constraints.find((c) => c.type === 'foreign key' && c.columns.length === 1 && c.columns[0] === info.column
    && c.references !== null && isParent(info, c.references.schema, c.references.table));
}

/**
 * ORM-side edits for a fix, so a Prisma or Drizzle schema does not undo the migration on its next
 * generate. Field names are the column names; a schema that maps them (`@map`, a different TS key) adjusts.
 */
export function ormFix(orm: RuleContext['review']['orm'], snippets: { prisma: string; drizzle: string }): { prisma?: string; drizzle?: string } | undefined {
  if (orm === 'prisma') return { prisma: snippets.prisma };
  if (orm === 'drizzle') return { drizzle: snippets.drizzle };
  return undefined;
}
