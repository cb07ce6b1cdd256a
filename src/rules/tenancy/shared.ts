/**
 * Facts and DDL shared by the tenancy rules: which tables carry the key, how it is spelled in SQL, how a NOT NULL is
 * added without a long lock, and how the schema's own policies check the tenant (for new policies that read like theirs).
 */
import type { Catalog, Column, Constraint, Table } from '../../catalog/model.js';
import { qualify, quoteIdent, quoteLiteral } from '../../catalog/helpers.js';
import { nameWords } from '../lexicon.js';
import { SETTING_CALL, sessionStyle, settingSql, zeroArgFunctions } from '../security/shared.js';
import { tableLabel, truncateIdentifier } from '../keys/shared.js';
import type { RuleContext } from '../types.js';
import { inferTenant, mentionsIdentifier, type TenantInfo } from './tenant.js';

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

/** How the schema's own policies tie a row to the caller's tenant, so a new policy checks it the same way. */
export interface TenantPolicyStyle {
  /** The USING / WITH CHECK expression for a row whose tenant key is `column` (SQL, already quoted) of `type`. */
  check(column: string, type: string): string;
  /** Where the check comes from, for notes. */
  how: string;
  /** True when it is the schema's own (a helper or setting its tenant policies use), not our default. */
  fromSchema: boolean;
  /** What the schema's tenant policies add to the table name (`_clinic_isolation`, `_tenant`). */
  suffix: string;
}

/** `app.is_member(org_id)`: a boolean user function called with the tenant key alone. */
function memberCheckCalls(catalog: Catalog, expr: string, column: string): string[] {
  const out: string[] = [];
  const arg = `(?:"${escapeRe(column.replace(/"/g, '""'))}"|${escapeRe(column)})`;
  const re = new RegExp(`(?:("?)([A-Za-z_][A-Za-z0-9_$]*)\\1\\s*\\.\\s*)?("?)([A-Za-z_][A-Za-z0-9_$]*)\\3\\s*\\(\\s*(?:[A-Za-z_][A-Za-z0-9_$]*\\.)?${arg}\\s*\\)`, 'g');
  for (const m of expr.matchAll(re)) {
    const schema = m[2];
    const fn = catalog.functions.find((f) => f.name === m[4] && f.origin === 'user' && f.returns === 'boolean' && (schema === undefined || f.schema === schema));
    if (fn) out.push(qualify(fn.schema, fn.name));
  }
  return out;
}

/** The most frequent entry, first seen on ties; null for none. */
function mostCommon(values: string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  let n = 0;
  for (const [v, c] of counts) if (c > n) { best = v; n = c; }
  return best;
}

const policyStyleMemo = new WeakMap<TenantInfo, TenantPolicyStyle>();

/**
 * Read off the policies on tables that carry the key: a membership helper called with the key
 * (`is_team_member(team_id)`) first, then a helper returning the current tenant (`app.current_clinic_id()`),
 * then the session setting compared with the key (`current_setting('app.org_id')`). Without any: through
 * the membership table, else the JWT claim on Supabase, else `app.tenant_id`.
 */
export function tenantPolicyStyle(catalog: Catalog, info: TenantInfo): TenantPolicyStyle {
  let s = policyStyleMemo.get(info);
  if (!s) {
    s = computeTenantPolicyStyle(catalog, info);
    policyStyleMemo.set(info, s);
  }
  return s;
}

function computeTenantPolicyStyle(catalog: Catalog, info: TenantInfo): TenantPolicyStyle {
  const members: string[] = [];
  const current: string[] = [];
  const settings: Array<{ name: string; missingOk: boolean }> = [];
  const suffixes: string[] = [];
  for (const t of info.carriers) {
    for (const p of t.policies) {
      const exprs = [p.using, p.withCheck].filter((e): e is string => e !== null && mentionsIdentifier(e, info.column));
      if (exprs.length === 0) continue;
      if (p.name.startsWith(`${t.name}_`) && p.name.length > t.name.length + 1) suffixes.push(p.name.slice(t.name.length));
      for (const e of exprs) {
        members.push(...memberCheckCalls(catalog, e, info.column));
        current.push(...zeroArgFunctions(catalog, e).filter((f) => !nameWords(f.name).includes('user') && !nameWords(f.name).includes('uid')).map((f) => f.sql));
        for (const m of e.matchAll(SETTING_CALL)) {
          const name = (m[1] as string).replace(/''/g, "'");
          const words = nameWords(name);
          if (words.includes('user') || words.includes('uid') || words.includes('role')) continue;
          settings.push({ name, missingOk: m[2] === 'true' });
        }
      }
    }
  }
  const suffix = mostCommon(suffixes) ?? '_tenant_isolation';
  const member = mostCommon(members);
  if (member) return { check: (c) => `${member}(${c})`, how: `\`${member}()\`, the membership check the schema's policies call`, fromSchema: true, suffix };
  const fn = mostCommon(current);
  if (fn) return { check: (c) => `${c} = (SELECT ${fn})`, how: `\`${fn}\`, as the schema's tenant policies do`, fromSchema: true, suffix };
  const settingName = mostCommon(settings.map((x) => x.name));
  if (settingName) {
    const missingOk = settings.find((x) => x.name === settingName)?.missingOk ?? false;
    return {
      check: (c, type) => `${c} = ${settingSql(settingName, missingOk, type)}`,
      how: `\`current_setting('${settingName}')\`, as the schema's tenant policies read it`,
      fromSchema: true,
      suffix,
    };
  }
  const m = info.membership;
  if (m) {
    const userCol = m.table.columns.find((c) => c.name === m.userColumn);
    const user = sessionStyle(catalog).user(userCol?.type ?? 'bigint');
    const key = quoteIdent(info.column);
    return {
      check: (c) => `${c} IN (SELECT m.${key} FROM ${qualify(m.table.schema, m.table.name)} m WHERE m.${quoteIdent(m.userColumn)} = ${user})`,
      how: `membership in ${tableLabel(m.table)} (the subquery needs a policy letting users read their own memberships)`,
      fromSchema: false,
      suffix,
    };
  }
  if (catalog.supabase) {
    return {
      check: (c, type) => `${c} = (SELECT ((auth.jwt() -> 'app_metadata') ->> ${quoteLiteral(info.column)})::${type})`,
      how: `the JWT's app_metadata.${info.column} claim (set it server-side, never from user_metadata)`,
      fromSchema: false,
      suffix,
    };
  }
  return {
    check: (c, type) => `${c} = ${settingSql('app.tenant_id', true, type)}`,
    how: '`app.tenant_id`, which the application sets per transaction (SET LOCAL app.tenant_id = \'…\'); unset, no row is visible',
    fromSchema: false,
    suffix,
  };
}

/** A policy name free among `taken`: the table name and the suffix the schema's own policies use. */
export function freePolicyName(table: string, suffix: string, taken: readonly string[]): string {
  let name = `${table}${suffix}`;
  for (let n = 2; taken.includes(name); n++) name = `${table}${suffix}_${n}`;
  return name;
}

/**
 * `CREATE POLICY … USING (<tenant check>) WITH CHECK (<tenant check>)` for every command, for the roles
 * the schema's policies are for. `check` is the expression on the row (the key itself, or an EXISTS through
 * a parent that carries it).
 */
export function tenantPolicySql(catalog: Catalog, rel: { schema: string; name: string }, name: string, check: string): string {
  const to = sessionStyle(catalog).to;
  return `CREATE POLICY ${quoteIdent(name)} ON ${qualify(rel.schema, rel.name)}${to ? ` FOR ALL${to}` : ''}\n  USING (${check})\n  WITH CHECK (${check});`;
}
