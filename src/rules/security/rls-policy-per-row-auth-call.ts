import type { Policy } from '../../catalog/model.js';
import { qualify, quoteIdent, tableRef } from '../../catalog/helpers.js';
import type { ObjectRef } from '../../result.js';
import { defineRule, type FindingDraft } from '../types.js';
import { securedTables } from './shared.js';

/** Calls whose result is the same for every row of a statement, but which the planner re-evaluates per row. */
const CALL = /\b(auth\s*\.\s*(?:uid|jwt|role|email)|current_setting)\s*\(/gi;

export interface PerRowCall {
  start: number;
  end: number;
  text: string;
}

/** Index just past the parenthesis that closes the one at `open`, skipping string literals. */
function closeParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'") {
      i++;
      while (i < s.length && !(s[i] === "'" && s[i + 1] !== "'")) i += s[i] === "'" ? 2 : 1;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  return s.length;
}

/**
 * The auth.*()/current_setting() calls in a policy expression that are not the whole target of a scalar
 * subquery. pg_get_expr prints the fast form `(select auth.uid())` as `( SELECT auth.uid() AS uid)`;
 * a call inside a larger subquery (EXISTS (SELECT 1 … WHERE x = auth.uid())) still runs per row.
 */
/**
 * Is the call at `start` computed by the select list of a scalar subquery, possibly as an argument of
 * other calls or inside parentheses — `(SELECT NULLIF(current_setting('app.user_id', true), '')::uuid)` —
 * and not under a FROM or WHERE of that subquery (which runs per outer row when correlated)?
 */
function inScalarSelect(expr: string, start: number): boolean {
  let depth = 0;
  for (let i = start - 1; i >= 0; i--) {
    const ch = expr[i];
    if (ch === ')') depth++;
    else if (ch === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      // An enclosing parenthesis: a subquery ends the walk; a call or grouping parenthesis is looked through.
      const inner = expr.slice(i + 1, start);
      if (/^\s*SELECT\b/i.test(inner)) return !/\b(FROM|WHERE)\b/i.test(inner);
    }
  }
  return false;
}

export function perRowCalls(expr: string): PerRowCall[] {
  const calls: PerRowCall[] = [];
  for (const m of expr.matchAll(CALL)) {
    const start = m.index;
    const end = closeParen(expr, start + m[0].length - 1);
    if (inScalarSelect(expr, start)) continue;
    if (calls.some((c) => start >= c.start && start < c.end)) continue;
    calls.push({ start, end, text: expr.slice(start, end) });
  }
  return calls;
}

/** The expression with each per-row call wrapped in a scalar subquery, evaluated once per statement. */
export function wrapCalls(expr: string): string {
  let out = expr;
  for (const c of [...perRowCalls(expr)].reverse()) out = `${out.slice(0, c.start)}(SELECT ${c.text})${out.slice(c.end)}`;
  return out;
}

function policyRef(p: Policy): ObjectRef {
  return { kind: 'policy', schema: p.schema, table: p.table, name: p.name };
}

export default defineRule({
  meta: {
    id: 'rls-policy-per-row-auth-call',
    category: 'security',
    severity: 'medium',
    title: 'RLS policy calls auth.uid()/current_setting() once per row',
    rationale:
      'A policy is added to every query as a filter. A bare `auth.uid()` or `current_setting()` in it is evaluated for every ' +
      'row scanned, which on a large table turns a 1 ms query into seconds. Wrapped in a scalar subquery, ' +
      '`(select auth.uid())`, the planner runs it once per statement as an InitPlan and can use indexes on the compared column.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of securedTables(catalog)) {
      for (const p of t.policies) {
        const inUsing = p.using !== null ? perRowCalls(p.using) : [];
        const inCheck = p.withCheck !== null ? perRowCalls(p.withCheck) : [];
        if (inUsing.length === 0 && inCheck.length === 0) continue;
        const calls = [...inUsing, ...inCheck];
        const names = [...new Set(calls.map((c) => c.text.replace(/\(.*$/s, '()').replace(/\s+/g, '')))];
        const example = (calls[0] as PerRowCall).text;
        const clauses: string[] = [];
        if (inUsing.length > 0 && p.using !== null) clauses.push(`USING (${wrapCalls(p.using)})`);
        if (inCheck.length > 0 && p.withCheck !== null) clauses.push(`WITH CHECK (${wrapCalls(p.withCheck)})`);
        const rel = qualify(t.schema, t.name);
        out.push({
          objects: [policyRef(p), tableRef(t)],
          message:
            `Policy \`${p.name}\` on \`${rel}\` calls ${names.map((n) => `\`${n}\``).join(', ')} directly in ` +
            `${[inUsing.length > 0 ? 'USING' : '', inCheck.length > 0 ? 'WITH CHECK' : ''].filter(Boolean).join(' and ')}, so ` +
            `${calls.length > 1 ? 'each call is' : 'it is'} evaluated once per row scanned. Wrap ${calls.length > 1 ? 'each' : 'it'} in a ` +
            `scalar subquery — \`(select ${example})\` — so ${calls.length > 1 ? 'each runs' : 'it runs'} once per statement.`,
          details: { policy: p.name, calls: names, using: p.using, withCheck: p.withCheck },
          fix: {
            sql: `ALTER POLICY ${quoteIdent(p.name)} ON ${rel}\n  ${clauses.join('\n  ')};`,
            notes: 'Same rows allowed, evaluated once per statement. ALTER POLICY takes an ACCESS EXCLUSIVE lock on the table briefly.',
          },
        });
      }
    }
    return out;
  },
});
