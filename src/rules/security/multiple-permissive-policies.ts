import type { Policy, Table } from '../../catalog/model.js';
import { qualify, quoteIdent, tableRef } from '../../catalog/helpers.js';
import type { ObjectRef } from '../../result.js';
import { defineRule, type FindingDraft } from '../types.js';
import { securedTables } from './shared.js';

type Action = 'select' | 'insert' | 'update' | 'delete';
const ACTIONS: readonly Action[] = ['select', 'insert', 'update', 'delete'];

interface Overlap { role: string; action: Action; policies: Policy[] }

function appliesTo(p: Policy, role: string, action: Action): boolean {
  return (p.command === 'all' || p.command === action) && (p.roles.includes(role) || p.roles.includes('public'));
}

/** The expression that decides access for an action: WITH CHECK for INSERT, USING otherwise. */
function decidingExpr(p: Policy, action: Action): string | null {
  return action === 'insert' ? p.withCheck ?? p.using : p.using;
}

function unconditional(expr: string | null): boolean {
  return expr !== null && /^\(*\s*true\s*\)*$/i.test(expr.trim());
}

/** Role × action groups where two or more permissive policies apply. `public` policies apply to every role named on the table. */
export function overlaps(t: Table): Overlap[] {
  const permissive = t.policies.filter((p) => p.permissive);
  const named = [...new Set(permissive.flatMap((p) => p.roles).filter((r) => r !== 'public'))];
  const roles = named.length > 0 ? named : ['public'];
  const out: Overlap[] = [];
  for (const role of roles) {
    for (const action of ACTIONS) {
      const ps = permissive.filter((p) => appliesTo(p, role, action));
      if (ps.length > 1) out.push({ role, action, policies: ps });
    }
  }
  return out;
}

/**
 * A merge is mechanical only when the policies have the same command and roles (dropping them
 * affects nobody else) and every expression the command needs is present.
 */
function mergeSql(t: Table, o: Overlap): string | null {
  const first = o.policies[0];
  if (!first) return null;
  const sameShape = o.policies.every((p) => p.command === first.command && [...p.roles].sort().join() === [...first.roles].sort().join());
  if (!sameShape) return null;
  const cmd = first.command;
  const needsUsing = cmd !== 'insert';
  const needsCheck = cmd === 'insert' || cmd === 'update' || cmd === 'all';
  const usings = o.policies.map((p) => p.using);
  const checks = o.policies.map((p) => p.withCheck ?? (cmd === 'insert' ? null : p.using));
  if (needsUsing && usings.some((u) => u === null)) return null;
  if (needsCheck && checks.some((c) => c === null)) return null;
  const rel = qualify(t.schema, t.name);
  const name = quoteIdent(`${t.name}_${cmd}_${first.roles.join('_')}`.slice(0, 63));
  const or = (xs: Array<string | null>) => xs.map((x) => `(${x as string})`).join('\n      OR ');
  const lines = [
    'BEGIN;',
    ...o.policies.map((p) => `DROP POLICY ${quoteIdent(p.name)} ON ${rel};`),
    `CREATE POLICY ${name} ON ${rel} AS PERMISSIVE FOR ${cmd.toUpperCase()} TO ${first.roles.map((r) => (r === 'public' ? 'PUBLIC' : quoteIdent(r))).join(', ')}` +
      (needsUsing ? `\n  USING (${or(usings)})` : '') +
      (needsCheck ? `\n  WITH CHECK (${or(checks)})` : '') + ';',
    'COMMIT;',
  ];
  return lines.join('\n');
}

function policyRef(p: Policy): ObjectRef {
  return { kind: 'policy', schema: p.schema, table: p.table, name: p.name };
}

export default defineRule({
  meta: {
    id: 'multiple-permissive-policies',
    category: 'security',
    severity: 'low',
    title: 'Several permissive policies for the same role and action',
    rationale:
      'Permissive policies are OR-ed: for every query PostgreSQL evaluates each one that applies to the role and action, ' +
      'so two policies cost two checks per row, and the combined filter is harder to read and to index. A broad policy ' +
      'also silently overrides a narrow one. One policy per role and action, with the conditions OR-ed, says the same thing once.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of securedTables(catalog)) {
      const groups = overlaps(t);
      if (groups.length === 0) continue;
      const rel = qualify(t.schema, t.name);
      const involved = [...new Set(groups.flatMap((g) => g.policies))];
      const shadowing = groups
        .map((g) => ({ g, open: g.policies.find((p) => unconditional(decidingExpr(p, g.action))) }))
        .filter((x) => x.open !== undefined && x.g.policies.some((p) => !unconditional(decidingExpr(p, x.g.action))));
      const listing = groups.map((g) => `${g.role}/${g.action}: ${g.policies.map((p) => p.name).join(', ')}`).join('; ');
      const merges = new Map<string, string>();
      for (const g of groups) {
        const sql = mergeSql(t, g);
        const key = g.policies.map((p) => p.name).join('\u0000');
        if (sql !== null && !merges.has(key)) merges.set(key, sql);
      }
      let message =
        `\`${rel}\` has several permissive policies for the same role and action (${listing}): each is evaluated for every row ` +
        `of every such query. Merge each group into one policy whose condition ORs theirs.`;
      if (shadowing.length > 0) {
        const s = shadowing[0] as { g: Overlap; open?: Policy };
        message += ` \`${s.open?.name ?? ''}\` allows every row for ${s.g.role}/${s.g.action}, so the other policies in that group ` +
          `restrict nothing — check that this is intended.`;
      }
      out.push({
        objects: [...involved.map(policyRef), tableRef(t)],
        severity: shadowing.length > 0 ? 'medium' : 'low',
        message,
        details: {
          groups: groups.map((g) => ({ role: g.role, action: g.action, policies: g.policies.map((p) => p.name) })),
          unconditional: shadowing.map((s) => s.open?.name),
        },
        fix: merges.size === 0 ? null : {
          sql: [...merges.values()].join('\n'),
          notes:
            `Drops and recreates the policies in one transaction, so no query runs without them; CREATE/DROP POLICY take an ` +
            `ACCESS EXCLUSIVE lock briefly. Groups whose policies differ in command or roles (e.g. a FOR ALL policy beside a ` +
            `FOR SELECT one) are left for a manual merge.`,
        },
      });
    }
    return out;
  },
});
