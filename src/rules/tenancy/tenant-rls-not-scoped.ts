import type { Catalog, Policy, Table } from '../../catalog/model.js';
import { findTable, qualify, quoteIdent, quoteLiteral, tableRef } from '../../catalog/helpers.js';
import { detectConventions } from '../../catalog/conventions.js';
import type { ObjectRef } from '../../result.js';
import { tableLabel } from '../keys/shared.js';
import { lookup } from '../keys/lookup.js';
import { matchLexicon, nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import type { TenantInfo } from './tenant.js';
import { calledFunctions, isScoped, mentionsIdentifier, tenantColumn, tenantEvidence, tenantFor } from './shared.js';

type Command = 'select' | 'insert' | 'update' | 'delete';
const COMMANDS: readonly Command[] = ['select', 'insert', 'update', 'delete'];

/** How a policy expression ties a row to a tenant: strongly, only to its owner, or not at all. */
type Scope = 'tenant' | 'owner' | 'none';

/** Words of a table or function name that make it a membership check (`team_members`, `is_org_member()`). */
const MEMBERSHIP_WORDS: readonly string[] = ['member', 'members', 'membership', 'memberships', 'tenant', 'tenants'];

/** Roles that bypass RLS anyway (Supabase's service_role, superusers): their policies isolate nothing and leak nothing. */
const BYPASS_ROLE_NAMES: readonly string[] = ['service_role', 'supabase_admin', 'postgres'];

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const READ = new RegExp(String.raw`\b(?:FROM|JOIN)\s+(${IDENT}(?:\s*\.\s*${IDENT})?)`, 'gi');

function unquote(part: string): string {
  return part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase();
}

/** Tables read by a subquery of the expression (`FROM memberships m`, `JOIN public.projects p`). */
function tablesRead(catalog: Catalog, expr: string): Table[] {
  const out: Table[] = [];
  for (const m of expr.matchAll(READ)) {
    const parts = (m[1] as string).split(/\s*\.\s*(?=(?:[^"]*"[^"]*")*[^"]*$)/).map(unquote);
    const t = parts.length === 2
      ? findTable(catalog, parts[0] as string, parts[1] as string)
      : findTable(catalog, 'public', parts[0] as string) ?? lookup(catalog).tablesByName.get(parts[0] as string);
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/** Names of columns that hold the row's owner when no foreign key says so (`user_id`, `created_by`, `authorId`). */
const OWNER_WORDS: readonly string[] = ['user', 'owner', 'author', 'creator', 'created_by', 'assignee', 'profile'];

/**
 * Columns of `t` that name the user a row belongs to — a foreign key to a users table, or an owner-like
 * name: comparing them with the caller isolates by owner, not by tenant.
 */
function ownerColumns(catalog: Catalog, info: TenantInfo, t: Table): string[] {
  const users = detectConventions(catalog).userTable;
  const byFk = t.constraints.flatMap((c) => {
    const ref = c.references;
    if (c.type !== 'foreign key' || !ref || c.columns.length !== 1) return [];
    const toUsers = (ref.schema === 'auth' && ref.table === 'users')
      || (users !== null && users.schema === ref.schema && users.name === ref.table)
      || (info.membership !== null && info.membership.userTable.schema === ref.schema && info.membership.userTable.table === ref.table);
    return toUsers ? [c.columns[0] as string] : [];
  });
  const byName = t.columns.filter((c) => c.name !== info.column && matchLexicon(c.name, OWNER_WORDS).length > 0).map((c) => c.name);
  return [...new Set([...byFk, ...byName])];
}

function classify(catalog: Catalog, info: TenantInfo, t: Table, expr: string): Scope {
  if (mentionsIdentifier(expr, info.column)) return 'tenant';
  const m = info.membership;
  if (m && m.table === t && mentionsIdentifier(expr, m.userColumn)) return 'tenant';
  for (const r of tablesRead(catalog, expr)) {
    if (m && r === m.table) return 'tenant';
    if (nameWords(r.name).some((w) => MEMBERSHIP_WORDS.includes(w))) return 'tenant';
    // EXISTS (SELECT 1 FROM projects …): the subquery sees only rows projects' own policies allow.
    if (r !== t && r.rlsEnabled && isScoped(info, r)) return 'tenant';
  }
  for (const f of calledFunctions(catalog, expr)) {
    const words = nameWords(f.name);
    if (words.some((w) => MEMBERSHIP_WORDS.includes(w))) return 'tenant';
    if (f.source && (mentionsIdentifier(f.source, info.column) || (m && new RegExp(`\\b${escapeRe(m.table.name)}\\b`).test(f.source)))) return 'tenant';
  }
  if (ownerColumns(catalog, info, t).some((c) => mentionsIdentifier(expr, c))) return 'owner';
  return 'none';
}

/** The expressions a policy applies to rows of this command (USING for reads, WITH CHECK for writes). */
function expressionsFor(p: Policy, cmd: Command): string[] {
  const check = p.withCheck ?? (p.command === 'all' || p.command === 'update' ? p.using : null);
  switch (cmd) {
    case 'select':
    case 'delete':
      return p.using !== null ? [p.using] : [];
    case 'insert':
      return check !== null ? [check] : [];
    case 'update':
      return [p.using, check].filter((e): e is string => e !== null);
  }
}

function bypasses(catalog: Catalog, p: Policy): boolean {
  if (p.roles.length === 0 || p.roles.includes('public')) return false;
  return p.roles.every((r) => BYPASS_ROLE_NAMES.includes(r) || catalog.roles.some((x) => x.name === r && (x.bypassRls || x.superuser)));
}

interface Leak {
  policy: Policy;
  commands: Command[];
  scope: Scope;
}

/** Permissive policies that let rows through without a tenant check, per command; none when a restrictive policy isolates. */
export function leaks(catalog: Catalog, info: TenantInfo, t: Table): Leak[] {
  const byPolicy = new Map<Policy, Leak>();
  const scopeOf = (p: Policy, cmd: Command): Scope => {
    const exprs = expressionsFor(p, cmd);
    if (exprs.length === 0) return 'tenant';
    const scopes = exprs.map((e) => classify(catalog, info, t, e));
    return scopes.includes('none') ? 'none' : scopes.includes('owner') ? 'owner' : 'tenant';
  };
  for (const cmd of COMMANDS) {
    const applicable = t.policies.filter((p) => (p.command === cmd || p.command === 'all') && !bypasses(catalog, p));
    const restrictive = applicable.filter((p) => !p.permissive);
    if (restrictive.some((p) => expressionsFor(p, cmd).length > 0 && scopeOf(p, cmd) === 'tenant')) continue;
    for (const p of applicable.filter((x) => x.permissive)) {
      const scope = scopeOf(p, cmd);
      if (scope === 'tenant') continue;
      const leak = byPolicy.get(p);
      if (leak) {
        leak.commands.push(cmd);
        if (scope === 'none') leak.scope = 'none';
      } else {
        byPolicy.set(p, { policy: p, commands: [cmd], scope });
      }
    }
  }
  return [...byPolicy.values()];
}

function short(expr: string): string {
  const e = expr.replace(/\s+/g, ' ').trim();
  return e.length > 90 ? `${e.slice(0, 87)}...` : e;
}

function describeLeak(l: Leak): string {
  const p = l.policy;
  const cmds = l.commands.map((c) => c.toUpperCase()).join(', ');
  const exprs: string[] = [];
  if (p.using !== null) exprs.push(`USING (${short(p.using)})`);
  if (p.withCheck !== null) exprs.push(`WITH CHECK (${short(p.withCheck)})`);
  const open = [p.using, p.withCheck].some((e) => e !== null && /^\(?\s*true\s*\)?$/i.test(e.trim()));
  return `\`${p.name}\` (${cmds}: ${exprs.join(' ') || 'no expression'}${open ? ' — every row' : ''})`;
}

/** The restrictive policy that adds tenant isolation on top of whatever the permissive ones allow. */
function fixFor(catalog: Catalog, info: TenantInfo, t: Table): { sql: string; notes: string } {
  const rel = qualify(t.schema, t.name);
  const col = quoteIdent(info.column);
  const type = tenantColumn(info, t)?.type ?? 'bigint';
  const taken = new Set(t.policies.map((p) => p.name));
  let name = `${t.name}_tenant_isolation`;
  for (let n = 2; taken.has(name); n++) name = `${t.name}_tenant_isolation_${n}`;
  const m = info.membership;
  let expr: string;
  const notes: string[] = [
    'A RESTRICTIVE policy is ANDed with the permissive ones: they keep deciding what each role may do, and every row must also belong to ' +
      'one of the caller\'s tenants. CREATE POLICY takes a brief ACCESS EXCLUSIVE lock.',
  ];
  if (m) {
    const userCol = m.table.columns.find((c) => c.name === m.userColumn);
    const viaAuth = catalog.supabase && userCol?.typeName === 'uuid';
    const caller = viaAuth
      ? '(SELECT auth.uid())'
      : `(SELECT NULLIF(current_setting('app.user_id', true), '')::${userCol?.type ?? 'bigint'})`;
    if (m.table === t) {
      expr = `${quoteIdent(m.userColumn)} = ${caller}`;
      notes.push(
        `On the membership table itself a subquery on ${tableLabel(t)} would recurse, so callers see their own memberships only; ` +
          `to list teammates, read memberships through a SECURITY DEFINER function with a fixed search_path.`,
      );
    } else {
      expr = `${col} IN (SELECT m.${col} FROM ${qualify(m.table.schema, m.table.name)} m WHERE m.${quoteIdent(m.userColumn)} = ${caller})`;
      notes.push(
        `The subquery reads ${tableLabel(m.table)} with the caller's rights: it needs a policy letting users read their own rows, and none of its ` +
          `policies may read ${tableLabel(t)} (infinite recursion). An index on ${tableLabel(m.table)} (${m.userColumn}, ${info.column}) keeps it fast.`,
      );
    }
    if (!viaAuth) notes.push(`The application sets the caller per transaction: SET LOCAL app.user_id = '…'.`);
  } else if (catalog.supabase) {
    expr = `${col} = (SELECT ((auth.jwt() -> 'app_metadata') ->> ${quoteLiteral(info.column)})::${type})`;
    notes.push(`No membership table was found, so the tenant comes from the JWT's app_metadata.${info.column} claim (set it server-side, never from user_metadata).`);
  } else {
    expr = `${col} = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::${type})`;
    notes.push(`No membership table was found, so the application sets the tenant per transaction: SET LOCAL app.tenant_id = '…'. Unset, no row is visible.`);
  }
  return {
    sql: `CREATE POLICY ${quoteIdent(name)} ON ${rel} AS RESTRICTIVE FOR ALL\n  USING (${expr})\n  WITH CHECK (${expr});`,
    notes: notes.join(' '),
  };
}

function policyRef(p: Policy): ObjectRef {
  return { kind: 'policy', schema: p.schema, table: p.table, name: p.name };
}

export default defineRule({
  meta: {
    id: 'tenant-rls-not-scoped',
    category: 'tenancy',
    severity: 'high',
    title: 'Row level security does not isolate tenants',
    rationale:
      'Row level security is the database\'s last line between customers, but only if the policies check the tenant. A policy ' +
      'that is USING (true), checks only the role, or never mentions the tenant key or a membership lets any caller who passes it ' +
      'read or write every tenant\'s rows, while the table looks protected because RLS is on.',
    enabledByDefault: true,
  },
  check(ctx) {
    const info = tenantFor(ctx);
    if (!info) return [];
    const out: FindingDraft[] = [];
    for (const t of info.carriers) {
      if (!t.rlsEnabled || t.policies.length === 0) continue;
      const found = leaks(ctx.catalog, info, t);
      if (found.length === 0) continue;
      const ownerOnly = found.every((l) => l.scope === 'owner');
      const cmds = COMMANDS.filter((c) => found.some((l) => l.commands.includes(c))).map((c) => c.toUpperCase());
      const fix = fixFor(ctx.catalog, info, t);
      const list = found.map(describeLeak).join('; ');
      out.push({
        objects: [tableRef(t), ...found.map((l) => policyRef(l.policy))],
        severity: ownerOnly ? 'medium' : undefined,
        message: ownerOnly
          ? `\`${tableLabel(t)}\` has row level security, but for ${cmds.join(', ')} its policies check only the row's owner, never \`${info.column}\` ` +
            `or a membership: ${list}. A user keeps their rows after leaving the tenant and teammates cannot share them. ` +
            `Add a restrictive policy on \`${info.column}\`${info.membership ? ` through \`${tableLabel(info.membership.table)}\`` : ''}. ` + tenantEvidence(info)
          : `\`${tableLabel(t)}\` has row level security enabled, but for ${cmds.join(', ')} its policies never mention \`${info.column}\` or a ` +
            `membership check: ${list}. Any caller those policies admit reaches every tenant's rows, so RLS is on but tenants are not isolated. ` +
            `Add a restrictive policy on \`${info.column}\`${info.membership ? ` through \`${tableLabel(info.membership.table)}\`` : ''}. ` + tenantEvidence(info),
        details: {
          tenantColumn: info.column,
          commands: cmds,
          policies: found.map((l) => ({ name: l.policy.name, commands: l.commands, scope: l.scope })),
          membership: info.membership ? `${info.membership.table.schema}.${info.membership.table.name}` : null,
          evidence: info.evidence,
        },
        fix,
      });
    }
    return out;
  },
});
